"""The Shopify connector against the sandbox: full pulls, cursors, faults, pushes."""

import math
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from shopify_support import TOKEN, Sleeps, computed_total, connector_for, presentment, pull, start_sandbox

from odoo.addons.ecommerce_sync.connector import AuthenticationError, RecordError, StockUpdate, TransientError
from odoo.addons.ecommerce_sync_shopify.connector import parse_transaction
from odoo.addons.ecommerce_sync_shopify.connector.transactions import ORDERS_PER_QUERY
from odoo.addons.ecommerce_sync_shopify.sandbox import LeakyBucket
from odoo.addons.ecommerce_sync_shopify.sandbox.data_money import to_shop

ORDERS = 120


@pytest.fixture(scope="module")
def server():
    server = start_sandbox(seed=11, orders=ORDERS)
    yield server
    server.stop()


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def connector(server, sleeps):
    return connector_for(server, sleeps, page_size=50)


def same_transaction(tx):
    """What a transaction read through GraphQL has in common with its REST form."""
    return (tx.external_id, tx.kind, tx.status, tx.amount, tx.currency, tx.gateway, tx.processed_at, tx.parent_id)


def parse_all(connector, records):
    return [connector.parse("orders", record.payload)[0] for record in records]


def test_a_full_pull_brings_every_order_once_with_shopifys_totals(server, connector):
    calls_before, graphql_before = server.calls(), server.calls("graphql.json")
    records, pages = pull(connector, "orders")

    assert len(records) == ORDERS
    assert {record.external_id for record in records} == {str(order_id) for order_id in server.shop.orders}
    assert len(pages) == 3, "250 a page in production; 50 here: 50 + 50 + 20"
    orders = parse_all(connector, records)
    for order in orders:
        raw = server.shop.orders[int(order.external_id)]
        assert order.total == presentment(raw, "total_price")
        assert computed_total(order) == order.total, order.name
        assert order.currency == raw["presentment_currency"]
        assert order.shop_total == Decimal(raw["total_price_set"]["shop_money"]["amount"])
        rest = [parse_transaction(tx) for tx in server.shop.transactions[int(order.external_id)]]
        assert [same_transaction(tx) for tx in order.transactions] == [same_transaction(tx) for tx in rest]
        for refund in order.refunds:
            if refund.transactions:
                assert refund.total == refund.refunded_amount, order.name
        assert sum((r.refunded_amount for r in order.refunds), Decimal(0)) <= order.captured_amount
    # one call per page, one GraphQL query per 19 orders of a page for their transactions
    queries = sum(math.ceil(len(page.items) / ORDERS_PER_QUERY) for page in pages)
    assert server.calls("graphql.json") - graphql_before == queries == 8
    assert connector.api_calls == server.calls() - calls_before == len(pages) + queries
    assert connector.calls_per_order == pytest.approx((len(pages) + queries) / ORDERS)
    multi = [order for order in orders if order.currency != order.shop_currency]
    assert multi and all(order.store_rate for order in multi)


def test_each_transaction_carries_the_shop_money_shopify_converted_it_to(server, connector):
    records, _pages = pull(connector, "orders")
    orders = parse_all(connector, records)
    foreign = [order for order in orders if order.currency != order.shop_currency]
    converted = {}
    for order in foreign:
        rate = server.shop.data.drafts[int(order.external_id)].rate
        refunds = [tx for refund in order.refunds for tx in refund.transactions]
        for tx in order.transactions + refunds:
            # Shopify's own conversion of each transaction (GraphQL amountSet.shopMoney), refunds' ones included
            assert (tx.shop_amount, tx.shop_currency) == (to_shop(tx.amount, rate), "USD"), order.name
            converted[tx.external_id] = tx.shop_amount
        assert refunds or not order.refunds or not any(r.transactions for r in order.refunds)
    # the payouts settle those amounts
    payouts = [connector.parse("payouts", record.payload)[0] for record in pull(connector, "payouts")[0]]
    settled = [line for payout in payouts for line in payout.lines if line.transaction_external_id in converted]
    assert settled and all(abs(line.amount) == converted[line.transaction_external_id] for line in settled)
    # REST's transactions carry no shop money: the amount stays unknown rather than guessed
    rest = parse_transaction(server.shop.transactions[int(foreign[0].external_id)][0])
    assert (rest.shop_amount, rest.shop_currency) == (None, "")


def test_the_cursor_resumes_after_the_last_change(server, connector):
    records, pages = pull(connector, "orders")
    cursor = pages[-1].cursor
    again, _pages = pull(connector, "orders", cursor)
    assert [record.external_id for record in again] == [records[-1].external_id], "only the boundary order comes again"

    changed = next(iter(server.shop.orders))
    server.shop.touch_order(changed, note="Leave at the back door")
    later, _pages = pull(connector, "orders", cursor)
    assert str(changed) in {record.external_id for record in later}
    [order] = [o for o in parse_all(connector, later) if o.external_id == str(changed)]
    assert order.note == "Leave at the back door"


def test_a_429_storm_slows_the_pull_but_loses_nothing(server, sleeps):
    connector = connector_for(server, sleeps, page_size=50)
    server.throttle_next(6, retry_after="2.0")
    records, _pages = pull(connector, "orders")

    assert len({record.external_id for record in records}) == ORDERS
    assert sleeps.count(2.0) == 6, "each 429 waited its Retry-After"
    assert connector.client.retries == 6
    assert all(connector.parse("orders", record.payload) for record in records)


def test_a_5xx_burst_slows_the_pull_but_loses_nothing(server, sleeps):
    connector = connector_for(server, sleeps, page_size=50)
    server.fail_next(3, status=503)
    first = connector.fetch("orders", None)
    records = list(next(first).items)
    server.fail_next(2, status=502)
    for page in first:
        records.extend(page.items)

    assert len({record.external_id for record in records}) == ORDERS
    assert connector.client.retries == 5
    assert sleeps == [0.5, 1.0, 2.0, 0.5, 1.0], "exponential backoff, started again for each call"


def test_a_longer_outage_stops_the_pull_with_a_transient_error(server, sleeps):
    connector = connector_for(server, sleeps, page_size=50)
    server.fail_next(5, status=503)
    with pytest.raises(TransientError, match="HTTP 503 after 5 attempts"):
        pull(connector, "orders")


def test_a_malformed_order_fails_alone():
    server = start_sandbox(seed=4, orders=25)
    try:
        bad_id = list(server.shop.orders)[7]
        server.shop.corrupt_order(bad_id)
        connector = connector_for(server, page_size=10)
        records, _pages = pull(connector, "orders")
        failed, parsed = [], []
        for record in records:
            try:
                parsed.extend(connector.parse("orders", record.payload))
            except RecordError as exc:
                failed.append((record.external_id, str(exc)))
    finally:
        server.stop()
    assert len(records) == 25 and len(parsed) == 24
    [(external_id, message)] = failed
    assert external_id == str(bad_id)
    assert "expected a number" in message and "12,50 EUR" in message


def test_a_wrong_token_is_an_authentication_error(server):
    connector = connector_for(server, access_token="shpat_wrong")
    with pytest.raises(AuthenticationError, match="refused the Admin API access token"):
        connector.test_connection()


def test_test_connection_reads_the_shop(connector):
    info = connector.test_connection()
    assert (info.name, info.currency) == ("Sandbox Outfitters", "USD")
    assert info.details["domain"] == "sandbox-outfitters.myshopify.com"
    assert info.details["taxes_included"] is False


def test_products_come_with_cost_and_tracking(server, connector):
    records, pages = pull(connector, "products")
    variants = [variant for record in records for variant in connector.parse("products", record.payload)]

    assert len(variants) == sum(len(product["variants"]) for product in server.shop.products.values())
    assert all(variant.cost is not None for variant in variants if variant.tracked)
    gift_cards = [variant for variant in variants if variant.sku.startswith("GIFT-")]
    assert gift_cards and not any(variant.tracked for variant in gift_cards)
    item = server.shop.items[int(variants[0].inventory_item_id)]
    assert variants[0].cost == Decimal(item["cost"]) and variants[0].currency == "USD"
    assert pages[-1].cursor


def test_settled_payouts_come_oldest_first_with_their_lines(server, connector):
    records, pages = pull(connector, "payouts")
    payouts = [connector.parse("payouts", record.payload)[0] for record in records]

    settled = sorted(
        (p for p in server.shop.payouts.values() if p["status"] == "paid"), key=lambda p: (p["date"], p["id"])
    )
    assert [p.external_id for p in payouts] == [str(p["id"]) for p in settled]
    for payout in payouts:
        assert payout.net_total == payout.amount and payout.lines
        assert payout.fees_total > 0
        assert {line.kind for line in payout.lines} <= {"charge", "refund", "adjustment"}
    last = settled[-1]
    assert pages[-1].cursor == f"{last['date']}|{last['id']}", "the cursor never passes a payout still in transit"
    charges = [line for payout in payouts for line in payout.lines if line.kind == "charge"]
    assert all(line.order_external_id and line.transaction_external_id for line in charges)


def test_payouts_after_the_cursor_are_read_once(server, connector):
    _records, pages = pull(connector, "payouts")
    middle = pages[len(pages) // 2].cursor
    calls = connector.client.calls
    again, _pages = pull(connector, "payouts", pages[-1].cursor)
    assert again == [] and connector.client.calls == calls + 1, "only the payout list is read"

    rest, _pages = pull(connector, "payouts", middle)
    assert [record.external_id for record in rest] == [
        page.items[0].external_id for page in pages[len(pages) // 2 + 1 :]
    ]

    day = middle.split("|")[0]
    same_day = [page.items[0].external_id for page in pages if page.cursor.startswith(day)]
    from_date, _pages = pull(connector, "payouts", day)
    assert [record.external_id for record in from_date][: len(same_day)] == same_day, "a bare date re-reads its day"


def test_stock_levels_are_read_per_variant(server, connector):
    levels = list(connector.fetch_stock_levels())
    active = [loc["id"] for loc in server.shop.locations.values() if loc["active"]]
    assert {level.location_external_id for level in levels} == {str(loc) for loc in active}
    for level in levels:
        raw = server.shop.levels[(int(level.inventory_item_id), int(level.location_external_id))]
        assert level.available == raw["available"] and level.variant_external_id and level.sku

    wanted = levels[0].variant_external_id
    only = list(connector.fetch_stock_levels([wanted]))
    assert {level.variant_external_id for level in only} == {wanted}

    records, pages = pull(connector, "stock")
    assert len(records) == len(levels) and pages[-1].cursor
    parsed = connector.parse("stock", records[0].payload)[0]
    assert parsed.variant_external_id and parsed.inventory_item_id


def test_pushed_levels_reach_the_shop_in_one_graphql_call(server):
    connector = connector_for(server, location_ids=[str(next(iter(server.shop.locations)))])
    levels = list(connector.fetch_stock_levels())[:3]
    calls = server.calls("graphql.json")
    updates = [
        StockUpdate(variant_external_id=level.variant_external_id, quantity=index + 40)
        for index, level in enumerate(levels)
    ]
    updates.append(StockUpdate(variant_external_id="404", quantity=1))

    result = connector.push_stock(updates)

    assert len(result.accepted) == 3
    assert [(update.variant_external_id, message) for update, message in result.failed] == [
        ("404", "Shopify has no inventory item for variant 404")
    ]
    assert server.calls("graphql.json") == calls + 1
    assert server.shop.pushes[-3:] == [
        {"api": "graphql", "inventory_item_id": int(level.inventory_item_id),
         "location_id": int(level.location_external_id), "available": index + 40}
        for index, level in enumerate(levels)
    ]  # fmt: skip
    again = {level.variant_external_id: level.available for level in connector.fetch_stock_levels()}
    assert [again[level.variant_external_id] for level in levels] == [40, 41, 42]


def test_rest_pushes_set_each_level(server):
    location = next(iter(server.shop.locations))
    connector = connector_for(server, push_api="rest", default_location_id=str(location))
    level = list(connector.fetch_stock_levels())[0]
    inactive = next(loc for loc in server.shop.locations.values() if not loc["active"])
    calls = server.calls("inventory_levels/set.json")

    result = connector.push_stock(
        [
            StockUpdate(variant_external_id=level.variant_external_id, quantity=9),
            StockUpdate(
                variant_external_id=level.variant_external_id, quantity=3, location_external_id=str(inactive["id"])
            ),
        ]
    )

    assert server.calls("inventory_levels/set.json") == calls + 2
    assert len(result.accepted) == 1 and "unknown location" in result.failed[0][1]
    assert server.shop.level(int(level.inventory_item_id), location)["available"] == 9


def test_single_records_are_fetched_again(server, connector):
    order_id = next(iter(server.shop.orders))
    record = connector.fetch_record("orders", str(order_id))
    [order] = connector.parse("orders", record.payload)
    rest = [parse_transaction(tx) for tx in server.shop.transactions[order_id]]
    assert [same_transaction(tx) for tx in order.transactions] == [same_transaction(tx) for tx in rest]
    payout_id = next(iter(server.shop.payouts))
    payout = connector.parse("payouts", connector.fetch_record("payouts", str(payout_id)).payload)[0]
    assert payout.amount == Decimal(server.shop.payouts[payout_id]["amount"])
    with pytest.raises(NotImplementedError):
        connector.fetch_record("refunds", "1")


def test_the_sandbox_refuses_calls_beyond_its_bucket():
    server = start_sandbox(seed=4, orders=5, bucket=LeakyBucket(size=5, leak_rate=0.5))
    try:
        session = requests.Session()
        session.headers["X-Shopify-Access-Token"] = TOKEN
        answers = [session.get(f"{server.api_url()}shop.json", timeout=5) for _ in range(6)]
        wrong = requests.get(f"{server.api_url()}shop.json", headers={"X-Shopify-Access-Token": "x"}, timeout=5)
    finally:
        server.stop()
    assert [answer.status_code for answer in answers] == [200] * 5 + [429]
    assert [answer.headers["X-Shopify-Shop-Api-Call-Limit"] for answer in answers[:5]] == [
        f"{n}/5" for n in range(1, 6)
    ]
    assert answers[5].headers["Retry-After"] == "2.000"
    assert wrong.status_code == 401 and "Invalid API key or access token" in wrong.json()["errors"]


def test_the_sandbox_keeps_filters_in_its_page_tokens(server):
    session = requests.Session()
    session.headers["X-Shopify-Access-Token"] = TOKEN
    first = session.get(f"{server.api_url()}orders.json", params={"status": "any", "limit": 3}, timeout=5)
    next_url = first.links["next"]["url"]
    assert set(parse_qs(urlsplit(next_url).query)) == {"limit", "page_info"}
    refused = session.get(next_url + "&status=any", timeout=5)
    assert refused.status_code == 400 and "page_info" in refused.json()["errors"]
    second = session.get(next_url, timeout=5)
    ids = [order["id"] for order in first.json()["orders"] + second.json()["orders"]]
    assert len(set(ids)) == 6


def test_a_flaky_slow_shop_still_gives_every_order(sleeps):
    server = start_sandbox(seed=8, orders=40)
    server.error_rate = 0.2
    server.latency = 0.002
    try:
        # transactions read through REST: one call per order, so that many calls meet the faults
        connector = connector_for(server, sleeps, page_size=15, transactions_api="rest")
        records, _pages = pull(connector, "orders")
        failures = server.calls(status=503)
    finally:
        server.stop()
    assert {record.external_id for record in records} == {str(order_id) for order_id in server.shop.orders}
    assert failures > 0 and connector.client.retries == failures
    assert connector.api_calls == server.calls()


def test_the_sandbox_prices_graphql_queries_as_shopify_does(server):
    session = requests.Session()
    session.headers["X-Shopify-Access-Token"] = TOKEN
    ids = [f"gid://shopify/Order/{order_id}" for order_id in list(server.shop.orders)[:30]]
    query = "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id transactions(first: 10) { id } } } }"
    too_big = session.post(
        f"{server.api_url()}graphql.json", json={"query": query, "variables": {"ids": ids}}, timeout=5
    )
    [error] = too_big.json()["errors"]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED" and error["extensions"]["cost"] == 1 + 30 * 51
    answer = session.post(
        f"{server.api_url()}graphql.json",
        json={"query": query, "variables": {"ids": ids[:18] + ["gid://shopify/Order/1"]}},
        timeout=5,
    ).json()
    cost = answer["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1 + 19 * 51 > cost["actualQueryCost"], "charged for what it returned"
    assert answer["data"]["nodes"][-1] is None, "an unknown order is null"
    assert all(node["transactions"] for node in answer["data"]["nodes"][:18])
