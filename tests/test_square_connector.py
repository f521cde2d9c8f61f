"""The Square connector against the sandbox: every flow to the end, the overlap window, late fees, stock."""

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from square_support import connector_for, last_cursor, pull, start_sandbox

from odoo.addons.ecommerce_sync.connector import Fee, Order, Refund, StockUpdate, to_datetime

D = Decimal


@pytest.fixture
def server():
    server = start_sandbox(seed=5, orders=48, page_size=5)
    yield server
    server.stop()


def parsed(connector, flow, records):
    return [record for item in records for record in connector.parse(flow, item.payload)]


def test_orders_are_read_to_the_end_and_add_up(server):
    square = connector_for(server)
    records, pages = pull(square, "orders")
    stored = server.seller.data["orders"]
    assert sorted(item.external_id for item in records) == sorted(stored)
    assert len(pages) == -(-len(stored) // 5) and pages[-1].more is False
    results = parsed(square, "orders", records)
    orders = [item for item in results if isinstance(item, Order)]
    refunds = [item for item in results if isinstance(item, Refund)]
    assert len(orders) == sum(1 for order in stored.values() if order.get("line_items"))
    assert refunds and all(refund.order_external_id in stored for refund in refunds)
    locations = {loc["_key"]: loc["id"] for loc in server.seller.data["locations"]}
    skus = {v["id"]: v["item_variation_data"]["sku"] for v in server.seller.data["variations"].values()}
    for order in orders:
        tax = D(0) if order.taxes_included else order.total_tax
        assert sum(line.subtotal for line in order.lines) + tax == order.total
        assert order.captured_amount == order.total
        assert order.total == D(stored[order.external_id]["total_money"]["amount"]) / 100
        for line in order.lines:
            if line.kind == "product":
                assert line.sku == skus[line.variant_external_id]
        if order.location_external_id == locations["online"]:
            assert not order.taxes_included
            assert [line.name for line in order.lines if line.kind == "fee"] == ["Shipping"]
            assert order.fulfillments[0].tracking_company == "USPS" and order.shipping_address.city
        else:
            assert order.taxes_included
            assert order.fulfillments[0].external_id.endswith("/counter")
            assert order.fulfillments[0].location_external_id == order.location_external_id
    assert any(line.kind == "tip" and line.unit_price > 0 for order in orders for line in order.lines)
    for refund in refunds:
        assert refund.total == refund.refunded_amount > 0
        assert all(line.restock and line.location_external_id for line in refund.lines)
    # SKUs come from one batch-retrieve per page at most, each variation asked once
    asked = [
        oid
        for call in server.requests
        if call["path"] == "/v2/catalog/batch-retrieve"
        for oid in call["body"]["object_ids"]
    ]
    assert len(asked) == len(set(asked)) <= len(server.seller.data["variations"])
    assert server.calls("/v2/catalog/batch-retrieve") <= len(pages)
    assert square.api_calls == server.calls()


def test_the_overlap_window_finds_late_offline_sales_without_duplicates(server):
    square = connector_for(server)
    first, pages = pull(square, "orders")
    cursor = last_cursor(pages)
    seen = {(item.external_id, item.revision) for item in first}
    late = server.seller.upload_offline_sale("kiosk", to_datetime(cursor) - timedelta(hours=6))
    again, pages = pull(connector_for(server), "orders", cursor)
    new = {(item.external_id, item.revision) for item in again} - seen
    assert new == {(late["id"], f"{late['version']}@{late['updated_at']}")}
    assert len({item.external_id for item in again}) == len(again)
    assert last_cursor(pages, cursor) == cursor
    without_window, _pages = pull(connector_for(server, overlap_hours=0), "orders", cursor)
    assert late["id"] not in {item.external_id for item in without_window}


def test_an_edited_order_comes_again_with_a_new_revision(server):
    square = connector_for(server)
    records, pages = pull(square, "orders")
    cursor = last_cursor(pages)
    order_id = records[0].external_id
    server.seller.touch_order(order_id)
    again, pages = pull(connector_for(server), "orders", cursor)
    by_id = {item.external_id: item.revision for item in again}
    assert by_id[order_id] != records[0].revision
    assert to_datetime(last_cursor(pages)) > to_datetime(cursor)


def test_late_fee_adjustments_are_new_fees_and_payouts_name_the_same_fees(server):
    square = connector_for(server)
    records, pages = pull(square, "refunds")
    fees = {fee.external_id: fee for fee in parsed(square, "refunds", records)}
    assert all(isinstance(fee, Fee) for fee in fees.values())
    payment_id = next(p["id"] for p in server.seller.data["payments"].values() if p["source_type"] == "CARD")
    server.seller.adjust_fee(payment_id, 4, datetime.now(timezone.utc))
    again, _pages = pull(connector_for(server), "refunds", last_cursor(pages))
    later = {fee.external_id: fee for fee in parsed(square, "refunds", again)}
    new = set(later) - set(fees)
    assert len(new) == 1
    (adjustment,) = (later[key] for key in new)
    assert adjustment.amount == D("0.04") and adjustment.external_id.startswith(f"{payment_id}/fee/ADJUSTMENT/")
    assert later[f"{payment_id}/fee/INITIAL"] == fees[f"{payment_id}/fee/INITIAL"]
    payout_records, _pages = pull(square, "payouts")
    payout_fees = {
        fee.external_id: fee.amount
        for item in payout_records
        for fee in square.parse("payouts", item.payload)[0].fees()
    }
    assert payout_fees and set(payout_fees) <= set(fees)
    assert any("/fee/ADJUSTMENT/" in key for key in payout_fees)
    for key, amount in payout_fees.items():
        assert amount == fees[key].amount


def test_settled_payouts_add_up_and_the_cursor_stops_at_the_first_sent_one(server):
    square = connector_for(server)
    records, pages = pull(square, "payouts")
    stored = server.seller.data["payouts"]
    paid = [p for p in stored.values() if p["status"] == "PAID"]
    assert 0 < len(records) <= len(paid)
    for item in records:
        (payout,) = square.parse("payouts", item.payload)
        assert payout.status == "paid" and payout.net_total == payout.amount
        assert len(payout.lines) == len(server.seller.data["entries"][payout.external_id])
    cursor = last_cursor(pages)
    assert cursor.endswith(records[-1].external_id)
    again, _pages = pull(connector_for(server), "payouts", cursor)
    assert {item.external_id for item in again}.isdisjoint(item.external_id for item in records)


def test_catalog_items_become_variants_tracked_per_location(server):
    square = connector_for(server)
    records, pages = pull(square, "products")
    variants = parsed(square, "products", records)
    assert len(variants) == len(server.seller.data["variations"])
    gift = next(v for v in variants if v.name.startswith("Gift Card"))
    assert not gift.tracked
    online = server.seller.location_id("online")
    cafe_only = connector_for(server, location_ids=[online])
    latte = next(v for v in variants if v.name == "Oat Latte")
    assert (
        latte.tracked
        and not next(
            v for item in records for v in cafe_only.parse("products", item.payload) if v.name == "Oat Latte"
        ).tracked
    )
    assert pull(connector_for(server), "products", last_cursor(pages))[0] == []


def test_stock_is_read_and_pushed_per_location_in_batches(server):
    square = connector_for(server)
    levels = list(square.fetch_stock_levels())
    assert len(levels) == len(server.seller.data["counts"])
    assert len({level.location_external_id for level in levels}) == 3
    updates = [
        StockUpdate(level.variant_external_id, index % 9, location_external_id=level.location_external_id)
        for index, level in enumerate(levels)
    ]
    updates = (updates * 6)[:150]
    updates.append(StockUpdate("not a variation id", 4, location_external_id=levels[0].location_external_id))
    updates.append(StockUpdate(levels[0].variant_external_id, -2, location_external_id=levels[0].location_external_id))
    result = square.push_stock(updates)
    assert len(result.accepted) == 150 and len(result.failed) == 2
    assert "not a Square variation id" in result.failed[0][1] and "negative" in result.failed[1][1]
    calls = [call for call in server.requests if call["path"] == "/v2/inventory/changes/batch-create"]
    assert [len(call["body"]["changes"]) for call in calls] == [100, 50]
    assert len({call["body"]["idempotency_key"] for call in calls}) == 2
    expected = {}
    for update in updates[:150]:
        expected[(update.variant_external_id, update.location_external_id)] = update.quantity
    after = {
        (level.variant_external_id, level.location_external_id): level.available
        for level in square.fetch_stock_levels()
    }
    assert all(after[key] == quantity for key, quantity in expected.items())
    changed, _pages = pull(connector_for(server), "stock", "2026-06-01T00:00:00Z")
    assert {item.external_id for item in changed} == {f"{v}@{loc}" for v, loc in expected}


def test_one_unreadable_order_fails_alone(server):
    victim = next(order for order in server.seller.data["orders"].values() if order.get("line_items"))
    server.seller.corrupt_order(victim["id"])
    square = connector_for(server)
    records, _pages = pull(square, "orders")
    failures = []
    for item in records:
        try:
            square.parse("orders", item.payload)
        except Exception as exc:
            failures.append((item.external_id, type(exc).__name__, str(exc)))
    assert failures == [(victim["id"], "RecordError", failures[0][2])]
    assert "integer of minor units" in failures[0][2]


def scan_page_by_page(server, flow):
    """Read ``flow`` as runs of one page each would: a new connector from each page's cursor."""
    cursor, seen, runs = None, [], 0
    while True:
        runs += 1
        assert runs < 100, "the scan does not end"
        page = next(iter(connector_for(server).fetch(flow, cursor)), None)
        if page is None:
            return seen, cursor
        seen.extend(item.external_id for item in page.items)
        cursor = page.cursor or cursor
        if page.more is False:
            return seen, cursor


@pytest.mark.parametrize("flow", ["products", "stock"])
def test_a_scan_stopped_after_any_page_resumes_there(server, flow):
    whole, _pages = pull(connector_for(server), flow)
    assert len(whole) > 5, "several pages of five"
    seen, cursor = scan_page_by_page(server, flow)
    assert sorted(seen) == sorted(item.external_id for item in whole), "each record once"
    assert to_datetime(cursor), "a complete scan ends on the time of its latest change"
    assert pull(connector_for(server), flow, cursor)[0] == [], "nothing changed since"


def test_an_expired_scan_cursor_starts_that_list_again(server):
    expired = json.dumps({"since": None, "stream": "catalog", "next": "expired-cursor"})
    records, pages = pull(connector_for(server), "products", expired)
    assert len(records) == len(server.seller.data["items"])
    assert server.calls("/v2/catalog/list", status=400) == 1
    assert to_datetime(last_cursor(pages))


def test_an_update_without_location_goes_to_the_first_synced_location_unchanged(server):
    square = connector_for(server)
    variation = next(iter(server.seller.data["variations"]))
    update = StockUpdate(variation, 11)
    result = square.push_stock([update])
    assert result.accepted == [update] and update.location_external_id == ""
    first = sorted(loc["id"] for loc in server.seller.data["locations"])[0]
    assert server.seller.data["counts"][(variation, first)]["quantity"] == "11"
