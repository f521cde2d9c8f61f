"""Signed but malformed WooCommerce data is refused with a clear message, and no bad id reaches a URL.

Each case starts from a real payload of tests/fixtures/real/woocommerce/ and breaks one thing in it.
"""

import copy
import json

import pytest
import responses
from refusal_support import BAD_IDS, assert_bad_id_refused, assert_webhook_refused
from woocommerce_support import connector_for, fixture, with_refunds

from odoo.addons.ecommerce_sync.connector import ApiError, NotFoundError, RecordError, StockUpdate
from odoo.addons.ecommerce_sync_woocommerce.connector import REFUNDS_KEY, parse_order, parse_product
from odoo.addons.ecommerce_sync_woocommerce.sandbox import wc_signature

SITE = "https://shop.example.com"
API = f"{SITE}/wp-json/wc/v3"


def order_723():
    """The real order with an item refund (724) and an amount refund (726), with its refunds attached."""
    [payload] = [order for order in fixture("orders_list.json") if order["id"] == 723]
    return with_refunds(payload, fixture("refunds_list.json"))


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.mark.parametrize("value", [None, "missing"])
def test_an_order_whose_line_items_are_null_is_refused(value):
    payload = copy.deepcopy(fixture("order.json"))
    if value is None:
        payload["line_items"] = None
    else:
        del payload["line_items"]
    with pytest.raises(RecordError, match=f"order 727: line_items is {value or 'null'}"):
        parse_order(payload)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("shipping_lines", {"id": 1}, "shipping_lines must be a list, not dict"),
    ("fee_lines", ["fee"], r"fee_lines\[0\] must be an object, not str"),
    ("tax_lines", "GST", "tax_lines must be a list, not str"),
    ("coupon_lines", 5, "coupon_lines must be a list, not int"),
])  # fmt: skip
def test_lists_that_are_not_lists_of_objects_are_refused(key, value, message):
    payload = copy.deepcopy(fixture("order.json"))
    payload[key] = value
    with pytest.raises(RecordError, match=message):
        parse_order(payload)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_that_are_not_woocommerce_ids_are_refused(bad):
    for path in (("id",), ("line_items", 0, "id"), ("line_items", 0, "product_id"), ("shipping_lines", 0, "id")):
        assert_bad_id_refused(parse_order, fixture("order.json"), path, bad)
    assert_bad_id_refused(parse_product, fixture("product.json"), ("id",), bad)


def test_a_refund_giving_back_more_than_the_line_sold_is_refused():
    payload = order_723()
    item_refund = next(refund for refund in payload[REFUNDS_KEY] if refund["id"] == 724)
    item_refund["line_items"][0].update(quantity=-5, subtotal="-45.00", total="-45.00")
    item_refund["amount"] = "45.00"
    with pytest.raises(RecordError, match="give back 5 units of line 311, which sold 1"):
        parse_order(payload)


def test_a_refund_of_a_line_the_order_does_not_have_is_refused():
    payload = order_723()
    item_refund = next(refund for refund in payload[REFUNDS_KEY] if refund["id"] == 724)
    item_refund["line_items"][0]["meta_data"][0]["value"] = "999"
    with pytest.raises(RecordError, match="refund 724 gives back line 999, which the order does not have"):
        parse_order(payload)


@pytest.mark.parametrize(("change", "message"), [
    ({"quantity": 1}, "quantity 1 of a refund line must be negative or zero"),
    ({"total": "9.00"}, "refund line total 9.00: the amounts of a refund line must be negative or zero"),
])  # fmt: skip
def test_a_refund_line_with_the_wrong_sign_is_refused(change, message):
    payload = order_723()
    next(refund for refund in payload[REFUNDS_KEY] if refund["id"] == 724)["line_items"][0].update(change)
    with pytest.raises(RecordError, match=message):
        parse_order(payload)


def test_a_negative_refund_amount_is_refused():
    payload = order_723()
    next(refund for refund in payload[REFUNDS_KEY] if refund["id"] == 726)["amount"] = "-10.00"
    with pytest.raises(RecordError, match="refund 726: amount -10.00 cannot be negative"):
        parse_order(payload)


def test_a_product_line_with_a_negative_amount_is_refused():
    payload = copy.deepcopy(fixture("order.json"))
    payload["line_items"][0].update(subtotal="-6.00", total="-6.00")
    with pytest.raises(RecordError, match="a product line cannot have a negative amount"):
        parse_order(payload)


# ----------------------------------------------------------------------
# no id from a payload reaches a URL
def test_a_listed_order_with_a_path_for_id_is_never_followed(mocked):
    order = {**order_723(), "id": "723/../../../wp-json/wp/v2/users"}
    del order[REFUNDS_KEY]
    mocked.get(f"{API}/orders", json=[order], headers={"X-WP-Total": "1", "X-WP-TotalPages": "1"})
    connector = connector_for(SITE, local=False)
    [page] = list(connector.fetch("orders"))
    # the order lists refunds, but its refunds are not read from a path its id would build
    assert [call.request.path_url.split("?")[0] for call in mocked.calls] == ["/wp-json/wc/v3/orders"]
    [record] = page.items
    assert record.external_id == ""
    with pytest.raises(RecordError, match=r"order id: '723/\.\./\.\./\.\./wp-json/wp/'\.\.\. \(32 characters\) is not"):
        connector.parse("orders", record.payload)


@pytest.mark.parametrize("bad", ["1/../../shop", "7" * 100_000, "abc"])
def test_no_record_is_fetched_by_a_bad_id(mocked, bad):
    connector = connector_for(SITE, local=False)
    for flow in ("orders", "products"):
        with pytest.raises(NotFoundError, match="is not a WooCommerce id"):
            connector.fetch_record(flow, bad)
    result = connector.push_stock([StockUpdate(bad, 3, product_external_id="22")])
    assert [message for _update, message in result.failed] == [f"not a WooCommerce product id: {bad[:40]!r}"]
    assert len(mocked.calls) == 0 and connector.api_calls == 0


@pytest.mark.parametrize("bad", ["1/../../shop", "7" * 100_000, "abc"])
def test_a_webhook_naming_a_bad_id_is_refused(bad):
    connector = connector_for(SITE, local=False, webhook_secret="whsec")
    body = json.dumps({**fixture("order.json"), "id": bad}).encode()
    headers = {
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Delivery-ID": "4b6f8a1c",
        "X-WC-Webhook-Signature": wc_signature("whsec", body),
    }
    assert_webhook_refused(connector, headers, body, "is not a WooCommerce id")


@pytest.mark.parametrize("delivery", ["d" * 100_000, "4b6f8a1c\r\nX-Injected: 1", "'; drop table"])
def test_a_webhook_whose_delivery_id_cannot_be_kept_is_refused(delivery):
    connector = connector_for(SITE, local=False, webhook_secret="whsec")
    body = json.dumps(fixture("order.json")).encode()
    headers = {
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Delivery-ID": delivery,
        "X-WC-Webhook-Signature": wc_signature("whsec", body),
    }
    assert_webhook_refused(connector, headers, body, "delivery id .* cannot be kept")


def test_answers_that_are_not_objects_are_api_errors_not_crashes(mocked):
    mocked.get(f"{API}/orders/727", json=["not", "an", "order"])
    counted = {**fixture("product.json"), "manage_stock": True, "stock_quantity": 7}
    mocked.get(f"{API}/products", json=["x", counted], headers={"X-WP-TotalPages": "1"})
    connector = connector_for(SITE, local=False)
    with pytest.raises(ApiError, match="the answer is not an object"):
        connector.fetch_record("orders", "727")
    # a listed product that is not an object is left out of the levels, the others are read
    assert [(level.variant_external_id, level.available) for level in connector.fetch_stock_levels()] == [("794", 7)]
