"""Install every addon of this repository into the ``odoo.addons`` namespace.

``pip install .`` inside an Odoo 18.0 environment puts ``ecommerce_sync``
and each connector addon under ``site-packages/odoo/addons/``, where Odoo
finds them without any addons-path change.
"""

import ast
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
DATA_SUFFIXES = {".xml", ".csv", ".png", ".svg", ".html", ".pot", ".po", ".json", ".js", ".scss", ".css", ".md", ".sql"}


def addons():
    found = []
    for manifest in sorted(HERE.glob("*/__manifest__.py")):
        if ast.literal_eval(manifest.read_text()).get("installable", True):
            found.append(manifest.parent.name)
    return found


def packages_and_data():
    packages, package_dir, package_data = [], {}, {}
    for addon in addons():
        root = HERE / addon
        package_dir[f"odoo.addons.{addon}"] = addon
        for init in sorted(root.rglob("__init__.py")):
            relative = init.parent.relative_to(HERE)
            packages.append("odoo.addons." + ".".join(relative.parts))
        data = sorted(
            str(path.relative_to(root))
            for path in root.rglob("*")
            if path.is_file() and path.suffix in DATA_SUFFIXES and "__pycache__" not in path.parts
        )
        package_data[f"odoo.addons.{addon}"] = data
    return packages, package_dir, package_data


PACKAGES, PACKAGE_DIR, PACKAGE_DATA = packages_and_data()

setup(
    name="ecommerce-sync",
    version="18.0.1.0.0",
    description="Odoo 18.0 addons that keep online stores and Odoo's books and stock in step",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="LGPL-3.0-only",
    python_requires=">=3.10",
    packages=PACKAGES,
    package_dir=PACKAGE_DIR,
    package_data=PACKAGE_DATA,
    include_package_data=False,
    install_requires=["requests", "phonenumbers"],
    extras_require={
        # the sandboxes (tests, demo): the Shopify sandbox parses and validates GraphQL queries
        "sandbox": ["graphql-core>=3.2"],
        # the tests drive the sandboxes with the platforms' official client libraries
        "test": [
            "pytest>=8",
            "pytest-odoo>=2.1",
            "responses",
            "graphql-core>=3.2",
            "ShopifyAPI>=12",
            "WooCommerce>=3",
            "squareup",
            "stripe",
            "paypal-server-sdk",
            "cryptography",
            "websocket-client",
        ],
    },
    zip_safe=False,
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
        "Programming Language :: Python :: 3",
    ],
)
