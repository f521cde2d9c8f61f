"""Make ``odoo.addons.<addon>`` importable for the suites that need no Odoo.

When Odoo can be imported, the checkout is added to ``odoo.addons.__path__``
and the addons are real packages. When it cannot, ``odoo`` and
``odoo.addons.<addon>`` are registered as bare packages whose ``__path__``
points at the folders, without running the addons' ``__init__.py``: the pure
sub-packages (``connector``, ``sandbox``) import, and any Odoo import in
them fails loudly, as it should. Nothing of Odoo is imitated.
"""

import importlib.util
import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDONS = sorted(path.name for path in REPO.iterdir() if (path / "__manifest__.py").is_file())
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _odoo_importable():
    if importlib.util.find_spec("odoo") is None:
        return False
    try:
        import odoo.addons  # noqa: F401
    except ImportError:
        return False
    return True


def _register_addons():
    if _odoo_importable():
        import odoo.addons

        if str(REPO) not in odoo.addons.__path__:
            odoo.addons.__path__.append(str(REPO))
        return
    odoo = types.ModuleType("odoo")
    odoo.__path__ = []
    addons = types.ModuleType("odoo.addons")
    addons.__path__ = []
    odoo.addons = addons
    sys.modules.setdefault("odoo", odoo)
    sys.modules.setdefault("odoo.addons", addons)
    for name in ADDONS:
        package = types.ModuleType(f"odoo.addons.{name}")
        package.__path__ = [str(REPO / name)]
        package.__package__ = f"odoo.addons.{name}"
        sys.modules.setdefault(f"odoo.addons.{name}", package)
        setattr(addons, name, package)


_register_addons()
