"""``pip install .`` puts every installable addon, with its data files, into the odoo.addons namespace."""

import ast
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import ADDONS, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    source = tmp_path_factory.mktemp("source")
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for addon in ADDONS:
        shutil.copytree(REPO / addon, source / addon, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        pytest.fail(f"building the wheel failed:\n{result.stdout}\n{result.stderr}")
    [built] = out.glob("*.whl")
    with zipfile.ZipFile(built) as archive:
        return set(archive.namelist()), archive.read(
            next(n for n in archive.namelist() if n.endswith("METADATA"))
        ).decode()


def test_every_addon_lands_in_the_odoo_addons_namespace(wheel):
    names, _metadata = wheel
    for addon in ADDONS:
        manifest = ast.literal_eval((REPO / addon / "__manifest__.py").read_text())
        if not manifest.get("installable", True):  # not offered: not published either
            assert f"odoo/addons/{addon}/__manifest__.py" not in names
            continue
        assert f"odoo/addons/{addon}/__manifest__.py" in names
        assert f"odoo/addons/{addon}/__init__.py" in names
        for data_file in manifest.get("data", []):
            assert f"odoo/addons/{addon}/{data_file}" in names, data_file
    assert "odoo/addons/ecommerce_sync/static/description/icon.png" in names
    assert "odoo/addons/ecommerce_sync/connector/records/__init__.py" in names
    # the namespace itself belongs to Odoo: the wheel must not ship odoo/__init__.py
    assert "odoo/__init__.py" not in names
    assert "odoo/addons/__init__.py" not in names


def test_python_needs_and_test_extras_are_declared(wheel):
    _names, metadata = wheel
    assert "Requires-Dist: requests" in metadata
    assert "Requires-Dist: phonenumbers" in metadata
    for extra in ("pytest", "pytest-odoo", "responses"):
        assert f"Requires-Dist: {extra}" in metadata and 'extra == "test"' in metadata
    # the sandboxes' GraphQL validation and the official client libraries that drive them
    requirements = {
        line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")
    }
    assert 'graphql-core>=3.2; extra == "sandbox"' in requirements
    for extra in ("graphql-core>=3.2", "ShopifyAPI>=12", "WooCommerce>=3"):
        assert f'{extra}; extra == "test"' in requirements, extra


def test_base_manifest_is_an_lgpl_18_application():
    manifest = ast.literal_eval((REPO / "ecommerce_sync" / "__manifest__.py").read_text())
    assert manifest["version"].startswith("18.0.") and len(manifest["version"].split(".")) == 5
    assert manifest["license"] == "LGPL-3"
    assert manifest["application"] is True
    assert {"account", "sale_stock"} <= set(manifest["depends"])
    assert (REPO / "ecommerce_sync" / "static" / "description" / "index.html").is_file()
