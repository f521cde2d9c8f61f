"""Odoo's command line as a script of its own, for the scripts that start an Odoo server.

Not ``python -m odoo``: Odoo's prefork server starts its long-polling worker as
``sys.executable sys.argv[0] gevent``, and under ``-m`` that path is Odoo's ``__main__.py``, which
cannot run on its own, so the worker fails and is started again, thousands of times a minute.
"""

import odoo

if __name__ == "__main__":
    odoo.cli.main()
