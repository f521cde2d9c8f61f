"""Backfill windows: the base's Window, and both connectors listing orders created within one."""

from datetime import UTC, datetime, timedelta

import pytest
from shopify_support import Sleeps, connector_for, pull, start_sandbox
from woocommerce_support import sandbox_connector

from odoo.addons.ecommerce_sync.connector import Window, to_datetime
from odoo.addons.ecommerce_sync_woocommerce.sandbox import WooCommerceSandbox

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def test_a_span_is_cut_into_adjacent_windows_the_last_one_shorter():
    windows = Window.cut(T0, T0 + timedelta(days=10), 4)
    assert [(w.start, w.end) for w in windows] == [
        (T0, T0 + timedelta(days=4)),
        (T0 + timedelta(days=4), T0 + timedelta(days=8)),
        (T0 + timedelta(days=8), T0 + timedelta(days=10)),
    ]
    assert Window.cut(None, T0, 4) == [Window(None, T0)]


def test_a_window_holds_its_start_not_its_end_and_resumes_from_a_later_cursor():
    window = Window(T0, T0 + timedelta(days=1))
    assert window.holds(T0) and not window.holds(T0 + timedelta(days=1)) and not window.holds(None)
    assert not window.holds(T0 - timedelta(seconds=1))
    assert window.floor(None) == T0 and window.floor(T0 - timedelta(days=3)) == T0
    assert window.floor(T0 + timedelta(hours=2)) == T0 + timedelta(hours=2)
    assert Window(None, T0).holds(datetime(1990, 1, 1, tzinfo=UTC))


def test_bad_windows_are_refused():
    with pytest.raises(ValueError):
        Window(T0, T0)
    with pytest.raises(ValueError):
        Window(datetime(2024, 3, 1), datetime(2024, 3, 2))  # naive
    with pytest.raises(ValueError):
        Window.cut(T0, T0 + timedelta(days=1), 0)


def _windows_of(created_stamps, parts):
    """``parts`` windows covering every record of ``created_stamps`` (the first one open-started)."""
    moments = sorted(to_datetime(stamp) for stamp in created_stamps)
    start, end = moments[0], moments[-1] + timedelta(seconds=1)
    days = max(1, (end - start).days // parts + 1)
    windows = Window.cut(start + timedelta(days=days), end, days)
    return [Window(None, windows[0].start if windows else end), *windows]


def _window_ids(connector, windows, cursor=None):
    found = []
    for window in windows:
        for page in connector.fetch("orders", cursor, window=window):
            found.extend(item.external_id for item in page.items)
    return found


@pytest.fixture(scope="module")
def shopify_server():
    server = start_sandbox(seed=5, orders=90)
    yield server
    server.stop()


def test_shopify_windows_list_every_order_exactly_once(shopify_server):
    connector = connector_for(shopify_server, Sleeps(), page_size=20)
    records, _pages = pull(connector, "orders")
    windows = _windows_of([r.payload["created_at"] for r in records], parts=4)
    assert len(windows) >= 3
    found = _window_ids(connector, windows)
    assert sorted(found) == sorted(r.external_id for r in records)
    assert len(found) == len(set(found))


def test_shopify_window_pages_carry_a_creation_cursor_to_resume_from(shopify_server):
    connector = connector_for(shopify_server, Sleeps(), page_size=10)
    records, _pages = pull(connector, "orders")
    [window] = [Window(None, max(to_datetime(r.payload["created_at"]) for r in records) + timedelta(seconds=1))]
    pages = list(connector.fetch("orders", None, window=window))
    assert len(pages) > 2
    created = [[to_datetime(item.payload["created_at"]) for item in page.items] for page in pages]
    assert [to_datetime(page.cursor) for page in pages] == [max(stamps) for stamps in created]
    resumed = [
        item.external_id for page in connector.fetch("orders", pages[1].cursor, window=window) for item in page.items
    ]
    later = {item.external_id for page in pages[2:] for item in page.items}
    assert later <= set(resumed)
    assert not {item.external_id for item in pages[0].items} & set(resumed) - set(later) - {
        item.external_id for item in pages[1].items
    }


def test_flows_without_windows_say_so(shopify_server):
    connector = connector_for(shopify_server, Sleeps())
    with pytest.raises(NotImplementedError):
        connector.fetch("payouts", None, window=Window(None, T0))


def test_woocommerce_windows_list_every_order_exactly_once():
    with WooCommerceSandbox(profile="us", orders=70, seed=4) as sandbox:
        connector = sandbox_connector(sandbox)
        records = [item for page in connector.fetch("orders") for item in page.items]
        windows = _windows_of([r.payload["date_created_gmt"] for r in records], parts=4)
        assert len(windows) >= 3
        found = _window_ids(connector, windows)
        assert sorted(found) == sorted(r.external_id for r in records)
        assert len(found) == len(set(found))
        # resuming a window from its first page's cursor leaves out what was created before it
        pages = list(connector.fetch("orders", None, window=windows[-1]))
        cursor = pages[0].cursor
        resumed = _window_ids(connector, [windows[-1]], cursor=cursor)
        assert all(
            to_datetime(r.payload["date_created_gmt"]) >= to_datetime(cursor)
            for r in records
            if r.external_id in resumed
        )


def test_windows_by_hours_and_the_cursor_a_backfill_leaves():
    assert Window.cut_hours(T0, T0 + timedelta(hours=30), 12)[-1] == Window(
        T0 + timedelta(hours=24), T0 + timedelta(hours=30)
    )
    with pytest.raises(ValueError):
        Window.cut_hours(T0, T0 + timedelta(days=1), 0)
    with WooCommerceSandbox(profile="us", orders=3, seed=4) as sandbox:
        connector = sandbox_connector(sandbox)
        assert connector.cursor_at("orders", T0) == "2024-03-01T00:00:00"
        # the cursor a backfill leaves reads what changed from then on, as the pull's own cursors do
        changed = [item for page in connector.fetch("orders", connector.cursor_at("orders", T0)) for item in page.items]
        assert len(changed) == 3
