"""The connector against the WooCommerce sandbox: full pulls that tie out, faults that lose nothing, pushes."""

import copy
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from woocommerce_support import assert_ties_out, sandbox_connector

from odoo.addons.ecommerce_sync.connector import AuthenticationError, RecordError, StockUpdate, TransientError
from odoo.addons.ecommerce_sync_woocommerce.sandbox import Faults, WooCommerceSandbox


@pytest.fixture(scope="module", params=["us", "eu"])
def full_site(request):
    """A site of each kind: "us" prices exclude tax, "eu" prices include VAT."""
    with WooCommerceSandbox(profile=request.param, orders=230, seed=11) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox():
    with WooCommerceSandbox(profile="us", orders=60, seed=3) as server:
        yield server


def pull(connector, flow="orders", cursor=None):
    """Every record of a full pull, and the last cursor."""
    records = []
    for page in connector.fetch(flow, cursor):
        records.extend(page.items)
        cursor = page.cursor
    return records, cursor


def test_full_pull_ties_out_to_the_cent(full_site):
    connector = sandbox_connector(full_site)
    records, _cursor = pull(connector)
    site = full_site.site
    assert sorted(int(record.external_id) for record in records) == sorted(site.orders)
    statuses = Counter()
    for record in records:
        [order] = connector.parse("orders", record.payload)
        payload = site.orders[int(record.external_id)]
        assert_ties_out(order, payload, site.refunds[payload["id"]])
        statuses[payload["status"]] += 1
        if payload["status"] == "failed":
            assert order.financial_status == "failed"
            assert [(tx.kind, tx.status) for tx in order.transactions] == [("sale", "failure")]
        elif payload["status"] == "cancelled":
            assert order.is_cancelled and order.financial_status == "voided" and order.transactions == []
        elif payload["status"] == "refunded":
            assert order.financial_status == "refunded"
            assert sum(refund.total for refund in order.refunds) == order.total
        elif payload["status"] in ("pending", "on-hold"):
            assert order.financial_status == "pending" and order.captured_amount == 0
        else:
            assert order.captured_amount == order.total
            assert order.financial_status in ("paid", "partially_refunded")
    # the generated site covers every status and the features the ledger needs
    assert set(statuses) == {"completed", "processing", "on-hold", "pending", "cancelled", "failed", "refunded"}
    orders = site.orders.values()
    assert any(order["coupon_lines"] for order in orders) and any(order["fee_lines"] for order in orders)
    assert any(line["variation_id"] for order in orders for line in order["line_items"])


def test_full_pull_of_products_lists_every_sellable_variant(full_site):
    connector = sandbox_connector(full_site)
    records, _cursor = pull(connector, "products")
    variants = [variant for record in records for variant in connector.parse("products", record.payload)]
    site = full_site.site
    assert sorted(int(v.external_id) for v in variants) == sorted(site.sellable())
    by_id = {v.external_id: v for v in variants}
    for item_id in site.sellable():
        item = site.item(item_id)
        variant = by_id[str(item_id)]
        assert variant.sku == item["sku"] and variant.price == Decimal(item["price"])
        assert variant.product_external_id == str(item.get("parent_id") or item_id)
    levels = {level.variant_external_id: level.available for level in connector.fetch_stock_levels()}
    socks = next(p for p in site.products.values() if p["sku"] == "WS-SOCKS")
    for variation_id in socks["variations"]:  # stock managed by the parent: the shared quantity
        assert levels[str(variation_id)] == socks["stock_quantity"]
    stickers = next(p for p in site.products.values() if p["sku"] == "WS-STICKERS")
    assert str(stickers["id"]) not in levels  # not stock-managed


def test_resuming_from_the_cursor_gets_only_what_changed(sandbox):
    connector = sandbox_connector(sandbox)
    _records, cursor = pull(connector)
    assert pull(connector, cursor=cursor)[0] == []
    order_id = next(oid for oid, o in sandbox.site.orders.items() if o["status"] == "processing")
    sandbox.site.set_status(order_id, "completed")
    records, _cursor = pull(connector, cursor=cursor)
    assert [record.external_id for record in records] == [str(order_id)]
    [order] = connector.parse("orders", records[0].payload)
    assert order.fulfillments and order.fulfillments[0].created_at == order.updated_at


def test_an_order_modified_during_a_pull_does_not_hide_another():
    """With page numbers, an order already read that is edited again moves to the end of the "modified"
    order and shifts the first order of the next page onto the page already read: it would be skipped."""
    with WooCommerceSandbox(profile="us", orders=180, seed=5) as sandbox:
        site = sandbox.site
        moment = site.now + timedelta(days=1)
        ids = sorted(site.orders)
        for offset, order_id in enumerate(ids):
            site.orders[order_id]["date_modified_gmt"] = (moment + timedelta(seconds=offset)).strftime(
                "%Y-%m-%dT%H:%M:%S"
            )
        connector = sandbox_connector(sandbox)
        seen = []
        moved = False
        for page in connector.fetch("orders"):
            seen.extend(item.external_id for item in page.items)
            if len(seen) == 100 and not moved:
                # an order already read is edited again
                site.set_status(ids[50], "completed", at=moment + timedelta(days=2))
                moved = True
        assert moved
        assert sorted(set(seen)) == sorted(str(order_id) for order_id in ids)
        # the order that came right after page 1 (the one page numbers would skip) was read once
        assert seen.count(str(ids[100])) == 1


def test_a_bulk_second_larger_than_a_page_is_read_whole(sandbox):
    site = sandbox.site
    for order_id in list(site.orders)[:40]:
        site.set_status(order_id, site.orders[order_id]["status"], at=site.now + timedelta(days=3))
    # 40 orders in one second, pages of 100: add a second site's worth to exceed a page
    for _ in range(80):
        source = copy.deepcopy(site.orders[next(iter(site.orders))])
        source["id"] = site._next_order()
        site.orders[source["id"]] = source
        site.refunds[source["id"]] = []
    records, cursor = pull(sandbox_connector(sandbox))
    assert len(records) == len({r.external_id for r in records}) == len(site.orders) == 140
    assert pull(sandbox_connector(sandbox), cursor=cursor)[0] == []


def test_5xx_burst_and_429_lose_nothing(sandbox):
    sandbox.faults.fail_next = [503, 502, 500]
    sandbox.faults.rate_limit_next = 2
    sandbox.faults.retry_after = "3"
    connector = sandbox_connector(sandbox)
    records, _cursor = pull(connector)
    assert sorted(int(r.external_id) for r in records) == sorted(sandbox.site.orders)
    waits = connector.client.sleep.waits
    assert waits.count(3.0) == 2  # Retry-After honoured twice
    assert connector.client.retries == 5
    assert connector.api_calls == len(sandbox.requests)


def test_random_5xx_lose_nothing(sandbox):
    sandbox.faults = Faults(error_rate=0.25, seed=1)
    connector = sandbox_connector(sandbox)
    records, _cursor = pull(connector)
    assert sorted(int(r.external_id) for r in records) == sorted(sandbox.site.orders)
    assert connector.client.retries > 0


def test_an_outage_stops_the_pull_and_the_cursor_resumes_it():
    with WooCommerceSandbox(profile="eu", orders=260, seed=4) as sandbox:
        _outage_then_resume(sandbox)


def _outage_then_resume(sandbox):
    connector = sandbox_connector(sandbox)
    seen, cursor = [], None
    pages = connector.fetch("orders")
    first = next(pages)
    seen.extend(item.external_id for item in first.items)
    cursor = first.cursor
    sandbox.faults.fail_next = [503] * 10  # more than the client's retries
    with pytest.raises(TransientError):
        for page in pages:
            seen.extend(item.external_id for item in page.items)
            cursor = page.cursor
    sandbox.faults.fail_next = []
    rest, _cursor = pull(sandbox_connector(sandbox), cursor=cursor)
    seen.extend(record.external_id for record in rest)
    assert sorted(set(seen)) == sorted(str(order_id) for order_id in sandbox.site.orders)


def test_a_malformed_record_is_isolated(sandbox):
    bad_id = sorted(sandbox.site.orders)[7]
    sandbox.faults.malformed = {bad_id}
    connector = sandbox_connector(sandbox)
    records, _cursor = pull(connector)
    assert len(records) == len(sandbox.site.orders)
    failures = []
    for record in records:
        try:
            connector.parse("orders", record.payload)
        except RecordError as exc:
            failures.append((record.external_id, str(exc)))
    assert failures == [(str(bad_id), "order total: expected a number, got '12,50'")]


def test_refused_keys(sandbox):
    connector = sandbox_connector(sandbox, secret="cs_wrong")
    with pytest.raises(AuthenticationError, match="Consumer secret is invalid"):
        connector.test_connection()
    with pytest.raises(AuthenticationError):
        pull(connector)


def test_test_connection_reads_currency_and_version(full_site):
    info = sandbox_connector(full_site).test_connection()
    assert info.name == full_site.site.profile.title
    assert info.currency == full_site.site.profile.currency
    assert info.details["woocommerce_version"] == "9.4.2"


def test_push_sets_the_site_stock_in_batches(sandbox):
    site = sandbox.site
    connector = sandbox_connector(sandbox)
    variants, _cursor = pull(connector, "products")
    links = [variant for record in variants for variant in connector.parse("products", record.payload)]
    updates = [
        StockUpdate(v.external_id, index + 1, product_external_id=v.product_external_id)
        for index, v in enumerate(links)
    ]
    updates.append(StockUpdate("99999", 4, product_external_id="99999"))
    result = connector.push_stock(updates)
    assert len(result.accepted) == len(links)
    assert [(u.variant_external_id, message) for u, message in result.failed] == [
        ("99999", "Invalid ID. (woocommerce_rest_product_invalid_id)")
    ]
    for update in result.accepted:
        item = site.item(int(update.variant_external_id))
        assert (item["stock_quantity"], item["manage_stock"]) == (update.quantity, True)
    # one call for the simple products, one per variable product, none above 100 items
    paths = [path for path, _body in sandbox.pushes]
    variable = [p for p in site.products.values() if p["type"] == "variable"]
    assert sorted(paths) == sorted(["products/batch"] + [f"products/{p['id']}/variations/batch" for p in variable])
    assert all(len(body["update"]) <= 100 for _path, body in sandbox.pushes)
    levels = {level.variant_external_id: int(level.available) for level in connector.fetch_stock_levels()}
    assert {u.variant_external_id: u.quantity for u in result.accepted} == levels


def test_push_with_read_only_keys_is_refused():
    with WooCommerceSandbox(orders=0, read_only=True) as server:
        product_id = next(iter(server.site.products))
        with pytest.raises(AuthenticationError, match="write permissions"):
            sandbox_connector(server).push_stock([StockUpdate(str(product_id), 3)])
