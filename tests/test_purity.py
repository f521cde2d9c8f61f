"""The connector and sandbox packages import without Odoo (and must never import it)."""

import subprocess
import sys

from conftest import ADDONS, REPO

PURE_PACKAGES = ("connector", "ledger", "sandbox", "sandbox_support")

SCRIPT = r"""
import importlib, importlib.abc, pkgutil, sys, types

class BlockOdoo(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "odoo" or (name.startswith("odoo.") and name not in sys.modules
                              and not name.startswith(tuple(PREFIXES))):
            raise ImportError(f"pure code imported {name}")
        return None

repo, addons, pure = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
PREFIXES = []
odoo = types.ModuleType("odoo"); odoo.__path__ = []
sys.modules["odoo"] = odoo
ns = types.ModuleType("odoo.addons"); ns.__path__ = []
sys.modules["odoo.addons"] = ns
for addon in addons:
    pkg = types.ModuleType(f"odoo.addons.{addon}"); pkg.__path__ = [f"{repo}/{addon}"]
    sys.modules[f"odoo.addons.{addon}"] = pkg
    for sub in pure:
        PREFIXES.append(f"odoo.addons.{addon}.{sub}")
sys.meta_path.insert(0, BlockOdoo())
imported = []
for addon in addons:
    for sub in pure:
        name = f"odoo.addons.{addon}.{sub}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        imported.append(name)
        for info in pkgutil.walk_packages(module.__path__, name + "."):
            importlib.import_module(info.name)
            imported.append(info.name)
print("\n".join(imported))
"""


def test_pure_packages_import_without_odoo():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(REPO), ",".join(ADDONS), ",".join(PURE_PACKAGES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    imported = result.stdout.split()
    assert "odoo.addons.ecommerce_sync.connector.records" in imported
    assert "odoo.addons.ecommerce_sync.connector.http" in imported
    assert "odoo.addons.ecommerce_sync.sandbox_support.merchant" in imported
    assert "odoo.addons.ecommerce_sync_shopify.sandbox.merchant" in imported
