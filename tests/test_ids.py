"""The base's id rules: what may reach a URL, what the engine may keep, how a bad id is shown."""

import pytest

from odoo.addons.ecommerce_sync.connector import (
    Connector,
    Order,
    OrderLine,
    RecordError,
    Refund,
    RefundLine,
    describe,
    external_id,
    gid_id,
    numeric_id,
    object_list,
    optional_id,
    required_id,
    to_datetime,
    to_gid,
)

LONG = "7" * 100_000
PATHS = ("1/../../shop", "12?fields=x", "12#x", "12%2F..", "12\n13", " 1 2 ")


def test_numeric_ids_are_short_ascii_digits():
    assert numeric_id(5701000000123) == "5701000000123"
    assert numeric_id(" 727 ") == "727"
    assert numeric_id("9" * 20) == "9" * 20
    for value in (*PATHS, "abc", LONG, "9" * 21, "-3", "1.5", 1.0, True, None, "", "١٢", b"12", [12]):
        assert numeric_id(value) == "", value


def test_external_ids_are_what_the_engine_can_keep():
    for value in ("727", "refund-726", "808950810@655441491", "ch_3MmlLrLkdIwHu7ix0snN0B15", "gid://shopify/Order/1"):
        assert external_id(value) == value
    assert external_id(42) == "42"
    for value in ("abc def", "x" * 129, LONG, "-leading", "<script>", "a'b", "a\x00b", "é", "", None, 4.5):
        assert external_id(value) == "", value


def test_global_ids_of_one_kind():
    assert gid_id("gid://shopify/Order/450789469", "Order", "shopify") == "450789469"
    assert gid_id("450789469", "Order", "shopify") == "450789469"
    assert gid_id("gid://shopify/InventoryLevel/1?inventory_item_id=2", "InventoryLevel", "shopify") == "1"
    for value in (
        "gid://shopify/Location/1",
        "gid://other/Order/1",
        "gid://shopify/Order/1/../2",
        "gid://shopify/Order/x",
    ):
        assert gid_id(value, "Order", "shopify") == "", value
    assert to_gid("Location", 655441491, "shopify") == "gid://shopify/Location/655441491"
    assert to_gid("Location", "gid://shopify/Order/1", "shopify") == ""
    assert to_gid("Location", "1/../2", "shopify") == ""


def test_a_bad_id_is_refused_and_shown_short():
    assert required_id(" 12 ", "order id") == "12"
    with pytest.raises(RecordError, match="^order without id$"):
        required_id(None, "order id")
    with pytest.raises(RecordError) as raised:
        required_id(LONG, "order id")
    message = str(raised.value)
    assert "is not a valid id" in message and "(100000 characters)" in message and len(message) < 100
    with pytest.raises(RecordError, match=r"line 3 product_id: '1/../../shop' is not a valid id|1/\.\./\.\./shop"):
        optional_id("1/../../shop", "line 3 product_id")
    assert optional_id(0, "line 3 product_id") == optional_id(None, "x") == ""
    assert describe("a\nb") == "'a\\nb'"
    assert describe(727) == "727"


def test_lists_must_be_lists_of_objects():
    payload = {"line_items": None, "fee_lines": "x", "tax_lines": [1], "coupon_lines": []}
    with pytest.raises(RecordError, match="line_items is null"):
        object_list(payload, "line_items", "order 1", required=True)
    with pytest.raises(RecordError, match="line_items is missing"):
        object_list({}, "line_items", "order 1", required=True)
    with pytest.raises(RecordError, match="fee_lines must be a list, not str"):
        object_list(payload, "fee_lines", "order 1")
    with pytest.raises(RecordError, match=r"tax_lines\[0\] must be an object, not int"):
        object_list(payload, "tax_lines", "order 1")
    assert object_list(payload, "coupon_lines", "order 1") == object_list(payload, "shipping_lines", "x") == []


class Lenient(Connector):
    """A connector that hands the engine whatever id its payload carries."""

    platform = "lenient_test"
    flows = ("orders",)

    def test_connection(self):
        return None

    def make_client(self):
        return None

    def parse_orders(self, payload):
        when = to_datetime("2025-03-01T10:00:00Z")
        order = Order(payload["id"], "#1", "USD", when, when, lines=[OrderLine(payload["line"], "Tee", 1, 10)])
        order.refunds = [Refund("r1", payload["id"], "USD", lines=[RefundLine(payload["line"], 1, 10)])]
        return order

    def push_stock(self, updates):
        return None

    def fetch_stock_levels(self, variant_external_ids=None):
        return iter(())

    def verify_webhook(self, headers, body):
        return False

    def parse_webhook(self, headers, body):
        return None


@pytest.mark.parametrize(("field", "value"), [("id", LONG), ("id", "abc def"), ("line", "1/../<x>")])
def test_no_connector_hands_the_engine_an_id_it_cannot_keep(field, value):
    connector = Lenient({})
    [order] = connector.parse("orders", {"id": "1001", "line": "11"})
    assert order.external_id == "1001"
    with pytest.raises(RecordError, match="is not a valid id") as raised:
        connector.parse("orders", {"id": "1001", "line": "11", field: value})
    assert len(str(raised.value)) < 120


def test_refunds_give_back_only_what_the_order_sold():
    when = to_datetime("2025-03-01T10:00:00Z")
    order = Order("1001", "#1001", "USD", when, when, lines=[OrderLine("11", "Tee", 2, 10)])
    order.refunds = [Refund("r1", "1001", "USD", lines=[RefundLine("11", 1, 10)])]
    order.check_refunds()
    order.refunds.append(Refund("r2", "1001", "USD", lines=[RefundLine("11", 2, 20)]))
    with pytest.raises(RecordError, match="give back 3 units of line 11, which sold 2"):
        order.check_refunds()
    order.refunds = [Refund("r3", "1001", "USD", lines=[RefundLine("12", 1, 10)])]
    with pytest.raises(RecordError, match="refund r3 gives back line 12, which the order does not have"):
        order.check_refunds()
