"""pytest plugin, loaded before pytest-odoo: Odoo's test framework is imported in test mode.

pytest-odoo imports ``odoo.tests`` once it has read the Odoo configuration, which leaves test
mode off, and Odoo then logs an error with a stack trace (importing the test framework outside
test mode). Importing it here first, with test mode on for that import only, keeps the run's
output to what matters; pytest-odoo switches test mode on for the test modules itself.
"""

from odoo.tools import config

config["test_enable"] = True
try:
    import odoo.tests  # noqa: F401
finally:
    config["test_enable"] = False
