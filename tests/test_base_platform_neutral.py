"""The base addon knows no particular platform: what one needs lives in its connector addon.

Every Python and XML file of ``ecommerce_sync`` is read whole (code, comments,
docstrings, view texts alike: nothing tells them apart reliably), so a
platform name there is either a platform-specific branch or text that should
not name one. Documentation (``static/description``, ``docs/``) may name the
platforms the project supports.
"""

import re

from conftest import REPO

BASE = REPO / "ecommerce_sync"
#: platforms with their own connector addon, as they could be spelled in code
PLATFORMS = {"WooCommerce": re.compile(r"woo", re.IGNORECASE), "Square": re.compile(r"square", re.IGNORECASE)}


def base_sources():
    return sorted(path for pattern in ("*.py", "*.xml") for path in BASE.rglob(pattern))


def occurrences(pattern):
    found = []
    for path in base_sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    return found


def test_the_base_sources_are_read():
    names = {path.relative_to(BASE).as_posix() for path in base_sources()}
    assert {"models/ecommerce_store.py", "connector/base.py", "views/ecommerce_store_views.xml"} <= names


def test_the_base_names_no_connector_platform():
    for platform, pattern in PLATFORMS.items():
        assert occurrences(pattern) == [], f"{platform} named in the base addon"


def test_a_platform_name_would_be_found(tmp_path, monkeypatch):
    module = tmp_path / "ecommerce_sync" / "models" / "order.py"
    module.parent.mkdir(parents=True)
    module.write_text('if store.platform == "woocommerce":\n    pass\n')
    monkeypatch.setattr(f"{__name__}.BASE", tmp_path / "ecommerce_sync")
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    assert occurrences(PLATFORMS["WooCommerce"]) == [
        'ecommerce_sync/models/order.py:1: if store.platform == "woocommerce":'
    ]
