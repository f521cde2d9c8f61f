"""Every real WooCommerce payload (tests/fixtures/real/woocommerce/) parses into canonical records
whose totals are the payload's."""

import copy
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest
from woocommerce_support import assert_ties_out, fixture, with_refunds

from odoo.addons.ecommerce_sync.connector import RecordError
from odoo.addons.ecommerce_sync_woocommerce.connector import (
    VARIATIONS_KEY,
    parse_order,
    parse_product,
    parse_refund,
    stock_levels,
)

D = Decimal


def all_fixture_orders():
    """(label, order payload) for every order in the real samples."""
    orders = [("order.json", fixture("order.json"))]
    orders += [(f"orders_list.json#{o['id']}", o) for o in fixture("orders_list.json")]
    for action, items in fixture("orders_batch_response.json").items():
        orders += [(f"orders_batch_response.json:{action}#{o['id']}", o) for o in items]
    return orders


@pytest.mark.parametrize(("label", "payload"), all_fixture_orders(), ids=[label for label, _ in all_fixture_orders()])
def test_every_real_order_ties_out(label, payload):
    # the only order with refunds (723) is the one the refund samples belong to (orders/723/refunds)
    refunds = fixture("refunds_list.json") if payload["refunds"] else []
    order = parse_order(with_refunds(payload, refunds))
    assert order.external_id == str(payload["id"])
    assert order.currency == payload["currency"]
    assert len(order.lines) == len(payload["line_items"]) + len(payload["fee_lines"])
    assert_ties_out(order, payload, refunds)


def test_single_order_in_detail():
    order = parse_order(fixture("order.json"))
    assert order.name == "#727"
    assert order.created_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=timezone.utc)  # the _gmt stamp
    assert order.updated_at == datetime(2017, 3, 22, 19, 28, 8, tzinfo=timezone.utc)
    assert order.financial_status == "paid"
    assert not order.taxes_included
    single, variation = order.lines
    assert (single.external_id, single.quantity, single.unit_price, single.discount) == ("315", 2, D("3.00"), 0)
    assert (single.product_external_id, single.variant_external_id, single.sku) == ("93", "93", "")
    assert variation.name == "Ship Your Idea – Color: Black, Size: M Test"  # &ndash; decoded
    assert (variation.sku, variation.product_external_id, variation.variant_external_id) == ("Bar3", "22", "23")
    assert [(t.code, t.title, t.rate, t.amount) for t in variation.tax_lines] == [
        ("75", "State Tax", D("0.075"), D("0.90"))
    ]
    [shipping] = order.shipping_lines
    assert (shipping.title, shipping.code, shipping.price, shipping.tax_lines) == (
        "Flat Rate",
        "flat_rate",
        D("10.00"),
        [],
    )
    [tax] = order.tax_lines
    assert (tax.code, tax.rate, tax.amount) == ("75", D("0.075"), D("1.35"))  # rate derived: no rate_percent in 3.0
    # WooCommerce has no transaction list: the payment is synthesised from the order
    [payment] = order.transactions
    assert (payment.kind, payment.status, payment.amount, payment.gateway) == ("sale", "success", D("29.35"), "bacs")
    assert payment.external_id == "727-payment" and payment.message == "Direct Bank Transfer"
    assert payment.processed_at == datetime(2017, 3, 22, 19, 28, 8, tzinfo=timezone.utc)
    assert order.customer.external_id == ""  # a guest checkout
    assert order.customer.email == order.email == "john.doe@example.com"
    assert order.billing_address.street == "969 Market" and order.billing_address.country_code == "US"
    assert order.shipping_address.zip == "94103"
    assert order.fulfillments == []  # processing: not shipped yet


def test_round_at_subtotal_order_keeps_unrounded_line_taxes():
    """Order 728: lines show 1.13 + 0.23 + 0.90 = 2.26 but the order's tax is 2.25 (rounded at subtotal)."""
    [order_payload] = [o for o in fixture("orders_batch_response.json")["create"] if o["id"] == 728]
    assert sum(D(line["total_tax"]) for line in order_payload["line_items"]) == D("2.26")
    order = parse_order(order_payload)
    assert [line.tax_lines[0].amount for line in order.lines] == [D("1.125"), D("0.225"), D("0.9")]
    assert order.lines_tax == order.total_tax == D("2.25")
    assert order.financial_status == "pending" and order.transactions == []


def test_completed_order_with_refunds():
    refunds = fixture("refunds_list.json")
    [payload] = [o for o in fixture("orders_list.json") if o["id"] == 723]
    order = parse_order(with_refunds(payload, refunds))
    assert order.financial_status == "partially_refunded"
    item_refund, amount_refund = order.refunds  # oldest first
    assert item_refund.external_id == "724"
    assert [(line.line_external_id, line.quantity, line.amount, line.restock) for line in item_refund.lines] == [
        ("311", D(1), D("9.00"), False)
    ]
    assert item_refund.adjustments == []
    assert amount_refund.external_id == "726" and amount_refund.lines == []
    assert [(adj.kind, adj.amount) for adj in amount_refund.adjustments] == [("adjustment", D("10.00"))]
    assert [(tx.external_id, tx.kind, tx.amount) for tx in order.transactions + item_refund.transactions] == [
        ("723-payment", "sale", D("39.00")),
        ("refund-724", "refund", D("9.00")),
    ]
    # refunded_payment false: not through the gateway, the merchant paid it back by hand
    assert "manually" in item_refund.transactions[0].message
    assert (order.transactions[0].gateway, item_refund.transactions[0].gateway) == ("bacs", "manual")
    [shipped] = order.fulfillments
    assert [(line.line_external_id, line.quantity) for line in shipped.lines] == [("311", D(1)), ("313", D(1))]


def test_order_listing_refunds_without_details_is_refused():
    [payload] = [o for o in fixture("orders_list.json") if o["id"] == 723]
    with pytest.raises(RecordError, match="lists refunds but their details were not fetched"):
        parse_order(payload)


@pytest.mark.parametrize("name", ["refund.json", "refunds_list.json"])
def test_every_real_refund_parses(name):
    refunds = fixture(name)
    refunds = refunds if isinstance(refunds, list) else [refunds]
    for payload in refunds:
        refund = parse_refund(payload, "723", "USD", False, "bacs", {})
        assert refund.total == D(payload["amount"])
        assert refund.order_external_id == "723"
        assert refund.created_at.tzinfo is timezone.utc


def test_restocked_quantities_go_to_the_oldest_refunds_of_the_line():
    refunds = fixture("refunds_list.json")
    item_refund = copy.deepcopy(refunds[1])  # refund 724: 1 unit of line 311
    item_refund["line_items"][0].update(quantity=-2, subtotal="-18.00", total="-18.00")
    item_refund["amount"] = "18.00"
    # the order's line says 1 unit was restocked: the 2-unit refund line is split
    refund = parse_refund(item_refund, "723", "USD", False, "bacs", {"311": D(1)})
    assert [(line.quantity, line.amount, line.restock) for line in refund.lines] == [
        (D(1), D("9.00"), True),
        (D(1), D("9.00"), False),
    ]
    assert refund.total == D("18.00") and refund.restock


def test_coupon_sample_applied_to_an_order():
    """The real coupon (10 % off, code 10off) on the real order: lines and totals tie out."""
    coupon = fixture("coupon.json")
    assert coupon["discount_type"] == "percent"
    payload = copy.deepcopy(fixture("order.json"))
    rate = D("0.075")
    discount_total = discount_tax = D(0)
    for line in payload["line_items"]:
        subtotal = D(line["subtotal"])
        total = subtotal - (subtotal * D(coupon["amount"]) / 100).quantize(D("0.01"))
        tax = (total * rate).quantize(D("0.01"), rounding=ROUND_HALF_UP)  # WooCommerce rounds half up
        line.update(
            total=f"{total:.2f}",
            total_tax=f"{tax:.2f}",
            taxes=[{"id": 75, "total": str(tax), "subtotal": line["subtotal_tax"]}],
        )
        discount_total += subtotal - total
        discount_tax += D(line["subtotal_tax"]) - tax
    cart_tax = sum(D(line["total_tax"]) for line in payload["line_items"])
    payload["tax_lines"][0]["tax_total"] = f"{cart_tax:.2f}"
    payload.update(
        discount_total=f"{discount_total:.2f}",
        discount_tax=f"{discount_tax:.2f}",
        cart_tax=f"{cart_tax:.2f}",
        total_tax=f"{cart_tax:.2f}",
        total=f"{sum(D(line['total']) for line in payload['line_items']) + D('10.00') + cart_tax:.2f}",
        coupon_lines=[
            {
                "id": 400,
                "code": coupon["code"],
                "discount": f"{discount_total:.2f}",
                "discount_tax": f"{discount_tax:.2f}",
                "meta_data": [],
            }
        ],
    )
    order = parse_order(payload)
    assert [(d.code, d.amount) for d in order.discounts] == [("10off", D("1.80"))]
    assert [line.discount for line in order.lines] == [D("0.60"), D("1.20")]
    assert order.total == D("27.42")  # 16.20 + 10.00 shipping + 0.41 + 0.81 tax
    assert_ties_out(order, payload)


def test_every_real_product_and_variation_parses():
    product = parse_product(fixture("product.json"))
    assert [(v.external_id, v.name, v.price, v.tracked) for v in product] == [
        ("794", "Premium Quality", D("21.99"), False)
    ]
    variable, simple = fixture("products_list.json")
    assert variable["type"] == "variable" and variable["variations"] == []
    assert parse_product(variable) == []  # no variations to sell
    assert len(parse_product(simple)) == 1
    # the variation samples are product 22's (their "up" link): attached the way the connector does
    parent = {**copy.deepcopy(variable), "id": 22, "name": "Ship Your Idea", "variations": [733, 732]}
    parent[VARIATIONS_KEY] = fixture("product_variations_list.json")
    variants = parse_product(parent)
    assert [(v.external_id, v.product_external_id, v.name, v.price) for v in variants] == [
        ("733", "22", "Ship Your Idea - Green", D("9.00")),
        ("732", "22", "Ship Your Idea - Black", D("9.00")),
    ]
    single = fixture("product_variation.json")
    parent[VARIATIONS_KEY] = [single]
    [variant] = parse_product(parent)
    assert variant.external_id == str(single["id"]) and variant.updated_at == datetime(
        2017, 3, 23, 3, 36, 38, tzinfo=timezone.utc
    )


def test_a_variable_product_without_its_variations_is_refused():
    parent = {**fixture("products_list.json")[0], "variations": [733, 732]}
    with pytest.raises(RecordError, match="without its variations"):
        parse_product(parent)


def test_stock_levels_only_for_stock_managed_items():
    product = fixture("product.json")
    assert stock_levels(product) == []  # manage_stock false: the site does not count it
    managed = {**product, "manage_stock": True, "stock_quantity": 7, "sku": "PQ-1"}
    [level] = stock_levels(managed)
    assert (level.variant_external_id, level.available, level.sku) == ("794", D(7), "PQ-1")
    parent = {**fixture("products_list.json")[0], "id": 22, "manage_stock": True, "stock_quantity": 30}
    green, black = copy.deepcopy(fixture("product_variations_list.json"))
    green.update(manage_stock=True, stock_quantity=4)
    black.update(manage_stock="parent", stock_quantity=30)
    parent[VARIATIONS_KEY] = [green, black]
    assert [(lv.variant_external_id, lv.available) for lv in stock_levels(parent)] == [("733", D(4)), ("732", D(30))]


def test_batch_answer_sample_reads_item_by_item():
    """orders_batch_response.json is WooCommerce's batch answer shape: one object (or error) per item."""
    answer = fixture("orders_batch_response.json")
    assert set(answer) == {"create", "update", "delete"}
    from odoo.addons.ecommerce_sync.connector import PushResult, StockUpdate
    from odoo.addons.ecommerce_sync_woocommerce.connector.stock import read_batch_answers

    updates = [StockUpdate(str(item["id"]), 3) for item in answer["update"]]
    result = PushResult()
    read_batch_answers(updates, answer["update"], result)
    assert result.accepted == updates  # orders carry no stock_quantity: nothing contradicts the push
    errors = [
        {
            "id": 727,
            "error": {
                "code": "woocommerce_rest_shop_order_invalid_id",
                "message": "Invalid ID.",
                "data": {"status": 400},
            },
        }
    ]
    result = PushResult()
    read_batch_answers(updates, errors, result)
    assert result.failed == [(updates[0], "Invalid ID. (woocommerce_rest_shop_order_invalid_id)")]
