"""The demo's WooCommerce site lives in the recent past: its orders end shortly before today, never after."""

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from odoo.addons.ecommerce_sync_woocommerce.sandbox import data, state

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts" / "harness"))
import demo_dates

NOW = datetime(2026, 6, 15, 12, 30, tzinfo=timezone.utc)
WOOCOMMERCE = "ecommerce_sync_woocommerce"


def stamp(value):
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)


@pytest.fixture
def restore_start():
    start = state.START
    yield
    state.START = start


@pytest.mark.parametrize("orders", [20, 60, 200, 1000])
def test_woocommerce_orders_end_before_today(restore_start, orders):
    demo_dates.shift(WOOCOMMERCE, demo_dates.demo_start(orders, WOOCOMMERCE, now=NOW))
    site = data.generate_site(orders=orders, seed=1)
    created = [stamp(order["date_created_gmt"]) for order in site.orders.values()]
    modified = [stamp(order["date_modified_gmt"]) for order in site.orders.values()]
    assert len(created) == orders
    assert max(modified) <= site.now <= NOW
    # recent enough for Odoo's default filters: the dashboard's 30 days hold the last orders
    assert max(created) > NOW - timedelta(days=30)
    assert min(created) > NOW - timedelta(days=365)


def test_without_a_start_the_site_keeps_its_fixed_dates(restore_start):
    demo_dates.shift(WOOCOMMERCE, "")
    site = data.generate_site(orders=5, seed=1)
    first = min(stamp(order["date_created_gmt"]) for order in site.orders.values())
    assert datetime(2025, 3, 3, 8, tzinfo=timezone.utc) < first < datetime(2025, 3, 4, tzinfo=timezone.utc)
