"""Signed but malformed Shopify data is refused with a clear message, gaps are written down, and no bad id
reaches a URL.

Each case starts from a real payload of tests/fixtures/real/shopify/ and breaks one thing in it.
"""

import copy
import json
from decimal import Decimal

import pytest
import responses
from refusal_support import BAD_IDS, assert_bad_id_refused, assert_webhook_refused
from shopify_support import real

from odoo.addons.ecommerce_sync.connector import (
    REFUND_GAP_REASON,
    ApiError,
    NotFoundError,
    RecordError,
    StockUpdate,
    hmac_sha256_base64,
)
from odoo.addons.ecommerce_sync_shopify.connector import ShopifyConnector, build_client, parse_order, parse_refund

D = Decimal
SHOP = "acme-test.myshopify.com"
API = f"https://{SHOP}/admin/api/2025-01/"


@pytest.fixture
def connector():
    config = {"shop_domain": SHOP, "access_token": "shpat_x", "webhook_secret": "whsec", "location_ids": ["655441491"]}
    return ShopifyConnector(config, client=build_client(config, sleep=lambda seconds: None))


def order():
    return copy.deepcopy(real("order.json")["order"])


def test_an_order_listed_without_its_line_items_is_refused():
    # a listing trimmed with fields=... has no line_items: importing it would make an order without lines
    payload = {key: value for key, value in order().items() if key != "line_items"}
    with pytest.raises(RecordError, match="order 450789469 came without its line_items"):
        parse_order(payload)


@responses.activate
def test_a_trimmed_order_is_read_whole_again_on_retry(connector):
    whole = order()
    responses.get(f"{API}orders/450789469.json", json={"order": whole})
    responses.post(f"{API}graphql.json", json={"data": {"nodes": [{"id": "gid://shopify/Order/450789469",
                                                                    "transactions": []}]}})  # fmt: skip
    record = connector.fetch_record("orders", "450789469")
    [parsed] = connector.parse("orders", record.payload)
    assert len(parsed.lines) == len(whole["line_items"]) == 3


@pytest.mark.parametrize(("key", "value", "message"), [
    ("line_items", None, "line_items"),
    ("line_items", {"id": 1}, "line_items must be a list, not dict"),
    ("shipping_lines", ["x"], r"shipping_lines\[0\] must be an object, not str"),
    ("refunds", "none", "refunds must be a list, not str"),
    ("tax_lines", 7, "tax_lines must be a list, not int"),
])  # fmt: skip
def test_lists_that_are_not_lists_of_objects_are_refused(key, value, message):
    payload = order()
    payload[key] = value
    with pytest.raises(RecordError, match=message):
        parse_order(payload)


@pytest.mark.parametrize(("change", "message"), [
    ({"quantity": -5}, "quantity -5 cannot be imported"),
    ({"quantity": 0}, "quantity 0 cannot be imported"),
    ({"price": "-199.00", "price_set": {"shop_money": {"amount": "-199.00", "currency_code": "USD"},
                                        "presentment_money": {"amount": "-199.00", "currency_code": "USD"}}},
     "price -199.00 cannot be negative"),
])  # fmt: skip
def test_order_lines_that_sold_nothing_are_refused(change, message):
    payload = order()
    payload["line_items"][0].update(change)
    with pytest.raises(RecordError, match=message):
        parse_order(payload)


def test_a_refund_of_minus_five_units_is_refused():
    payload = real("refund.json")
    payload["refund"]["refund_line_items"][0]["quantity"] = -5
    with pytest.raises(RecordError, match="refund 509562969: quantity -5 of line 703073504 cannot be negative"):
        parse_refund(payload)
    embedded = order()
    embedded["refunds"][0]["refund_line_items"][0]["quantity"] = -5
    with pytest.raises(RecordError, match="quantity -5 of line 703073504 cannot be negative"):
        parse_order(embedded)


def test_a_refund_of_a_negative_amount_is_refused():
    payload = real("refund.json")
    item = payload["refund"]["refund_line_items"][0]
    item["subtotal_set"]["presentment_money"]["amount"] = "-195.66"
    with pytest.raises(RecordError, match="cannot refund a negative amount"):
        parse_refund(payload)


def test_refunds_beyond_what_a_line_sold_are_refused():
    # alone: the refund line embeds its order line, which sold 1
    payload = real("refund.json")
    payload["refund"]["refund_line_items"][0]["quantity"] = 3
    with pytest.raises(RecordError, match="gives back 3 units of line 703073504, which sold 1"):
        parse_refund(payload)
    # with its order: over all the order's refunds
    payload = order()
    payload["refunds"].append(copy.deepcopy(payload["refunds"][0]))
    payload["refunds"][1]["id"] = 509562970
    with pytest.raises(RecordError, match="its refunds give back 2 units of line 703073504, which sold 1"):
        parse_order(payload)
    payload = order()
    payload["refunds"][0]["refund_line_items"][0]["line_item_id"] = 999
    with pytest.raises(RecordError, match="gives back line 999, which the order does not have"):
        parse_order(payload)


def test_the_money_refunded_is_what_the_refund_credits():
    # Shopify's sample refund gives back 2 items worth 399.29 and sends 209.00 back, with no adjustment
    payload = real("refund.json")
    refund = parse_refund(payload)
    assert refund.items_total == D("399.29")
    assert [(adj.kind, adj.amount, adj.reason) for adj in refund.adjustments] == [
        ("adjustment", D("-190.29"), REFUND_GAP_REASON)
    ]
    assert refund.total == refund.refunded_amount == D("209.00")
    # a refund whose money is not sent back (no successful refund transaction) keeps what it gives back
    for transaction in payload["refund"]["transactions"]:
        transaction["status"] = "pending"
    unpaid = parse_refund(payload)
    assert unpaid.adjustments == [] and unpaid.total == D("399.29")


@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_that_are_not_shopify_ids_are_refused(bad):
    for path in (("id",), ("line_items", 0, "id"), ("line_items", 0, "variant_id"), ("refunds", 0, "id"),
                 ("refunds", 0, "refund_line_items", 0, "line_item_id"), ("fulfillments", 0, "id"),
                 ("customer", "id")):  # fmt: skip
        assert_bad_id_refused(parse_order, order(), path, bad)


# ----------------------------------------------------------------------
# no id from a payload reaches a URL
@responses.activate
def test_a_listed_order_with_a_path_for_id_is_never_followed(connector):
    listed = {**order(), "id": "1/../../shop"}
    responses.get(f"{API}orders.json", json={"orders": [listed]})
    [page] = list(connector.fetch("orders", None))
    # neither a GraphQL query nor orders/<id>/transactions.json for it: only the listing
    assert [call.request.path_url.split("?")[0] for call in responses.calls] == ["/admin/api/2025-01/orders.json"]
    [record] = page.items
    assert record.external_id == ""
    with pytest.raises(RecordError, match="order id: 1/../../shop is not a valid id"):
        connector.parse("orders", record.payload)


@responses.activate
def test_graphql_nodes_of_other_orders_or_kinds_are_not_taken(connector):
    listed = [{**order(), "id": 7}, {**order(), "id": 8}]
    responses.get(f"{API}orders.json", json={"orders": listed})
    nodes = [
        {"id": "gid://shopify/Order/9", "transactions": []},  # not asked for
        {"id": "gid://shopify/Product/8", "transactions": []},  # another kind
        None,
    ]
    responses.post(f"{API}graphql.json", json={"data": {"nodes": nodes}})
    responses.get(f"{API}orders/7/transactions.json", json={"transactions": []})
    responses.get(f"{API}orders/8/transactions.json", json={"transactions": []})
    [page] = list(connector.fetch("orders", None))
    assert [record.external_id for record in page.items] == ["7", "8"]
    # neither answer was taken for orders 7 and 8: their transactions were read through REST
    assert [call.request.path_url for call in responses.calls[2:]] == [
        "/admin/api/2025-01/orders/7/transactions.json",
        "/admin/api/2025-01/orders/8/transactions.json",
    ]


@responses.activate
@pytest.mark.parametrize("bad", ["1/../../shop", "7" * 100_000, "gid://shopify/Order/1"])
def test_a_push_naming_a_bad_inventory_item_or_location_makes_no_call(connector, bad):
    result = connector.push_stock(
        [StockUpdate("39072856", 4, inventory_item_id=bad, location_external_id="655441491"),
         StockUpdate("39072856", 4, inventory_item_id="808950810", location_external_id=bad)]
    )  # fmt: skip
    assert all("is not a Shopify" in message for _update, message in result.failed)
    assert len(result.failed) == 2 and not result.accepted
    assert len(responses.calls) == 0


@pytest.mark.parametrize("bad", ["1/../../shop", "7" * 100_000])
def test_no_record_is_fetched_by_a_bad_id(connector, bad):
    with responses.RequestsMock() as mocked:
        for flow in ("orders", "products", "payouts"):
            with pytest.raises(NotFoundError, match="is not a Shopify"):
                connector.fetch_record(flow, bad)
        assert len(mocked.calls) == 0


@pytest.mark.parametrize(("topic", "body"), [
    ("orders/updated", {"id": "1/../../shop"}),
    ("orders/updated", {"id": "7" * 100_000}),
    ("fulfillments/create", {"id": 1, "order_id": "abc"}),
    ("inventory_levels/update", {"inventory_item_id": 808950810, "location_id": "1/../2"}),
])  # fmt: skip
def test_a_webhook_naming_a_bad_id_is_refused(connector, topic, body):
    raw = json.dumps(body).encode()
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "X-Shopify-Hmac-Sha256": hmac_sha256_base64("whsec", raw),
    }
    assert_webhook_refused(connector, headers, raw, "names no object id")


@pytest.mark.parametrize(("header", "updated_at"), [("x" * 100_000, "2025-03-01T10:00:00-05:00"),
                                                    ("b54557e4 <script>", "2025-03-01T10:00:00-05:00"),
                                                    ("b54557e4", "y" * 5_000)])  # fmt: skip
def test_a_webhook_whose_delivery_or_revision_cannot_be_kept_is_refused(connector, header, updated_at):
    raw = json.dumps({"id": 450789469, "updated_at": updated_at}).encode()
    headers = {
        "X-Shopify-Topic": "orders/updated",
        "X-Shopify-Webhook-Id": header,
        "X-Shopify-Hmac-Sha256": hmac_sha256_base64("whsec", raw),
    }
    assert_webhook_refused(connector, headers, raw, "cannot be kept")


@responses.activate
def test_answers_that_are_not_objects_are_api_errors_not_crashes(connector):
    responses.get(f"{API}orders/7.json", json=[{"id": 7}])
    responses.get(f"{API}shop.json", json={"shop": "acme"})
    responses.post(f"{API}graphql.json", json=["not", "an", "object"])
    responses.get(f"{API}shopify_payments/payouts.json", json={"payouts": ["x", {"id": 5, "status": "scheduled",
                                                                                 "date": "2025-03-01"}]})  # fmt: skip
    with pytest.raises(ApiError, match="no 'order' object"):
        connector.fetch_record("orders", "7")
    with pytest.raises(ApiError, match="no 'shop' object"):
        connector.test_connection()
    with pytest.raises(ApiError, match="not a JSON object"):
        connector.client.graphql('{ node(id: "gid://shopify/Order/1") { id } }')
    # a payout that is not an object has no place in the flow; the scheduled one stops it there
    assert list(connector.fetch("payouts", None)) == []
