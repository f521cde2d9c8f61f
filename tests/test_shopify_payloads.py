"""Every real Shopify payload in tests/fixtures/real/shopify/ becomes canonical records with its own totals."""

from decimal import Decimal

import pytest
from shopify_support import EXTRA_READ, REAL, computed_total, presentment, real

from odoo.addons.ecommerce_sync.connector import RecordError, money_sum
from odoo.addons.ecommerce_sync_shopify.connector import (
    infer_taxes_included,
    parse_balance_transaction,
    parse_fulfillment,
    parse_inventory_level,
    parse_location,
    parse_order,
    parse_payout,
    parse_product,
    parse_refund,
    parse_transaction,
    parse_variant,
)
from odoo.addons.ecommerce_sync_shopify.connector.customers import parse_customer

#: payloads the connector does not read, and why
NOT_RECORDS = {
    "balance.json": "the current Shopify Payments balance; payouts and their lines are read instead",
    "disputes_list.json": "disputes reach the books as payout lines of type dispute",
    "tender_transactions_list.json": "the orders' own transactions are read instead",
    "fulfillment_orders_list.json": "fulfilments (what shipped) are read, not fulfilment requests",
    "webhook_subscriptions_list.json": "webhook subscriptions are set up in Shopify, not synced",
    "webhook_hmac_example.json": "the signature example, checked in test_shopify_webhooks.py",
}
READ = {
    "order.json",
    "orders_list.json",
    "order_cancelled_with_refund_discrepancy_adjustment.json",
    "refund.json",
    "refunds_list.json",
    "refund_with_shipping_order_adjustment.json",
    "refund_calculate.json",
    "transaction.json",
    "transactions_list.json",
    "fulfillment.json",
    "fulfillments_list.json",
    "payout.json",
    "payouts_list.json",
    "balance_transactions_list.json",
    "product.json",
    "products_list.json",
    "variant.json",
    "variants_list_presentment_prices.json",
    "inventory_item.json",
    "inventory_items_list.json",
    "inventory_levels_list.json",
    "inventory_level_set.json",
    "inventory_level_adjust.json",
    "location.json",
    "locations_list.json",
    "customer.json",
}


def test_every_real_payload_is_accounted_for():
    files = {path.name for path in REAL.glob("*.json")}
    assert files == READ | set(NOT_RECORDS) | EXTRA_READ, "a payload is neither parsed nor listed as not a record"


def orders():
    for name in ("order.json", "orders_list.json", "order_cancelled_with_refund_discrepancy_adjustment.json"):
        body = real(name)
        for payload in body.get("orders") or [body["order"]]:
            yield name, payload


@pytest.mark.parametrize(("name", "payload"), list(orders()), ids=lambda value: value if isinstance(value, str) else "")
def test_orders_keep_shopifys_totals(name, payload):
    order = parse_order(payload)

    assert order.total == presentment(payload, "total_price") == Decimal("598.94")
    assert order.total_tax == presentment(payload, "total_tax")
    assert computed_total(order) == order.total, "lines - discounts + shipping + taxes = total_price"
    assert money_sum(line.gross for line in order.lines) == presentment(payload, "total_line_items_price")
    assert money_sum(line.subtotal for line in order.lines) == presentment(payload, "total_line_items_price") - (
        presentment(payload, "total_discounts")
    )
    assert order.total_discount == presentment(payload, "total_discounts")
    assert order.lines_tax == order.total_tax == money_sum(tax.amount for tax in order.tax_lines)
    assert [line.quantity for line in order.lines] == [item["quantity"] for item in payload["line_items"]]
    assert [line.sku for line in order.lines] == [item["sku"] for item in payload["line_items"]]
    assert order.currency == payload["presentment_currency"]
    assert order.shop_currency == payload["currency"]
    assert order.shop_total == Decimal(payload["total_price_set"]["shop_money"]["amount"])
    assert [(d.code, d.amount) for d in order.discounts] == [("TENOFF", Decimal("10.00"))]
    assert order.customer.email == payload["customer"]["email"]
    assert order.billing_address.city == "Louisville" and order.shipping_address.state_code == "KY"
    assert len(order.refunds) == len(payload["refunds"])
    assert len(order.fulfillments) == len(payload["fulfillments"])
    for refund, raw in zip(order.refunds, payload["refunds"], strict=True):
        items = money_sum(
            presentment(item, "subtotal") + presentment(item, "total_tax") for item in raw["refund_line_items"]
        )
        assert refund.items_total == items
        assert refund.refunded_amount == money_sum(Decimal(tx["amount"]) for tx in raw["transactions"])


def test_a_cancelled_order_refund_balances_with_its_discrepancy():
    payload = real("order_cancelled_with_refund_discrepancy_adjustment.json")["order"]
    order = parse_order(payload)

    assert order.is_cancelled and order.financial_status == "refunded"
    [refund] = order.refunds
    assert refund.items_total == Decimal("199.64")
    assert [(adj.kind, adj.amount) for adj in refund.adjustments] == [("adjustment", Decimal("-89.64"))]
    # what the store credits = what went back to the card and the gift card
    assert refund.total == refund.refunded_amount == Decimal("110.00")
    assert [tx.gateway for tx in refund.transactions] == ["bogus", "gift_card"]
    assert not refund.restock, "no_restock lines do not come back to stock"


def test_a_standalone_refund_keeps_its_lines_and_money():
    payload = real("refund.json")["refund"]
    refund = parse_refund(payload)

    assert infer_taxes_included(payload) is None, "Shopify's sample taxes fit neither mode: the shop setting decides"
    assert refund.order_external_id == "450789469" and refund.currency == "USD"
    assert [(line.line_external_id, line.quantity, line.amount, line.tax_amount) for line in refund.lines] == [
        ("703073504", 1, Decimal("195.66"), Decimal("3.98")),
        ("466157049", 1, Decimal("195.67"), Decimal("3.98")),
    ]
    assert refund.items_total == Decimal("399.29")
    assert refund.refunded_amount == Decimal("209.00")
    assert refund.restock and {line.location_external_id for line in refund.lines} == {"487838322"}
    assert {line.restock_type for line in refund.lines} == {""}, "legacy_restock says not whether it shipped"
    assert parse_refund(real("refunds_list.json")["refunds"][0]).items_total == Decimal("399.29")


def test_a_shipping_refund_is_counted_once():
    payload = real("refund_with_shipping_order_adjustment.json")
    refund = parse_refund(payload)

    # Shopify sends the same 5.00 as a refund shipping line and as a shipping_refund adjustment
    assert [(adj.kind, adj.amount) for adj in refund.adjustments] == [("shipping", Decimal("5.00"))]
    assert refund.total == refund.refunded_amount == Decimal("5.00")
    assert not refund.lines


def test_a_refund_calculation_is_not_a_refund():
    with pytest.raises(RecordError, match="refund without id"):
        parse_refund(real("refund_calculate.json"))


def test_transactions():
    [single] = [parse_transaction(real("transaction.json")["transaction"])]
    assert single.external_id == str(real("transaction.json")["transaction"]["id"])
    listed = [parse_transaction(item) for item in real("transactions_list.json")["transactions"]]
    assert [(tx.kind, tx.status, tx.amount) for tx in listed] == [
        ("refund", "success", Decimal("209.00")),
        ("authorization", "success", Decimal("598.94")),
        ("capture", "success", Decimal("250.94")),
    ]
    assert [tx.is_captured_payment for tx in listed] == [False, False, True]
    assert listed[2].parent_id == "389404469"
    assert money_sum(tx.amount for tx in listed if tx.is_captured_payment) - money_sum(
        tx.amount for tx in listed if tx.is_refund
    ) == Decimal("41.94")


def test_fulfillments_keep_tracking_and_quantities():
    for payload in [real("fulfillment.json")["fulfillment"], *real("fulfillments_list.json")["fulfillments"]]:
        fulfillment = parse_fulfillment(payload)
        assert fulfillment.tracking_number == payload["tracking_number"]
        assert fulfillment.tracking_company == payload["tracking_company"]
        assert fulfillment.location_external_id == str(payload["location_id"])
        assert money_sum(line.quantity for line in fulfillment.lines) == sum(
            item["quantity"] for item in payload["line_items"]
        )
        assert fulfillment.is_done == (payload["status"] == "success")


def test_payouts_and_their_balance_transactions():
    payout = parse_payout(real("payout.json"))
    assert (payout.external_id, payout.amount, payout.status, payout.currency) == (
        "623721858",
        Decimal("41.90"),
        "paid",
        "USD",
    )
    assert payout.date.date().isoformat() == "2012-11-12"
    listed = [parse_payout(item) for item in real("payouts_list.json")["payouts"]]
    assert [p.amount for p in listed] == [Decimal(item["amount"]) for item in real("payouts_list.json")["payouts"]]
    assert {p.status for p in listed} <= {"paid", "failed", "scheduled", "in_transit", "cancelled"}

    raw = real("balance_transactions_list.json")["transactions"]
    with_lines = parse_payout({"payout": real("payout.json")["payout"], "transactions": raw})
    assert len(with_lines.lines) == len(raw)
    for line, item in zip(with_lines.lines, raw, strict=True):
        assert (line.amount, line.fee, line.net) == (
            Decimal(item["amount"]),
            Decimal(item["fee"]),
            Decimal(item["net"]),
        )
    assert with_lines.net_total == money_sum(Decimal(item["net"]) for item in raw)
    assert with_lines.fees_total == money_sum(Decimal(item["fee"]) for item in raw)
    kinds = {line.kind for line in with_lines.lines}
    assert {"charge", "refund", "dispute", "adjustment", "reserve"} <= kinds
    charge = parse_balance_transaction(next(item for item in raw if item["id"] == 746296004))
    assert (charge.order_external_id, charge.transaction_external_id) == ("625362839", "890672011")
    assert [fee.amount for fee in with_lines.fees()] == [line.fee for line in with_lines.lines if line.fee]


def test_products_variants_and_inventory_items():
    product = real("product.json")["product"]
    items = real("inventory_items_list.json")["inventory_items"] + [real("inventory_item.json")["inventory_item"]]
    variants = parse_product({"product": product, "inventory_items": items}, currency="USD")

    assert [v.external_id for v in variants] == [str(item["id"]) for item in product["variants"]]
    assert [v.sku for v in variants] == [item["sku"] for item in product["variants"]]
    assert [v.price for v in variants] == [Decimal(item["price"]) for item in product["variants"]]
    pink = variants[0]
    assert (pink.name, pink.barcode, pink.cost, pink.tracked) == (
        "IPod Nano - 8GB - Pink",
        "1234_pink",
        Decimal("25.00"),
        True,
    )
    for payload in real("products_list.json")["products"]:
        assert len(parse_product(payload)) == len(payload["variants"])
    single = parse_variant(real("variant.json"))
    assert (single.sku, single.price) == (real("variant.json")["variant"]["sku"], Decimal("199.00"))
    for item in real("variants_list_presentment_prices.json")["variants"]:
        assert parse_variant(item).price == Decimal(item["price"]), "variants are priced in the shop currency"


def test_inventory_levels_and_locations():
    for payload in [
        *real("inventory_levels_list.json")["inventory_levels"],
        real("inventory_level_set.json"),
        real("inventory_level_adjust.json"),
    ]:
        raw = payload.get("inventory_level", payload)
        level = parse_inventory_level(payload, {"808950810": ("808950810-v", "IPOD2008PINK")})
        assert level.available == Decimal(raw["available"])
        assert (level.inventory_item_id, level.location_external_id) == (
            str(raw["inventory_item_id"]),
            str(raw["location_id"]),
        )
    assert parse_inventory_level(real("inventory_level_set.json"), {"808950810": ("v1", "IPOD2008PINK")}).sku == (
        "IPOD2008PINK"
    )
    location = parse_location(real("location.json"))
    assert (location.external_id, location.name, location.active) == ("487838322", "Fifth Avenue AppleStore", True)
    listed = [parse_location(item) for item in real("locations_list.json")["locations"]]
    assert len(listed) == 5 and all(item.name for item in listed)


def test_customer():
    customer = parse_customer(real("customer.json")["customer"])
    assert (customer.email, customer.phone, customer.tags) == (
        "bob.norman@mail.example.com",
        "+16136120707",
        ["Léon", "Noël"],
    )
    assert customer.address.city == "Louisville" and customer.address.country_code == "US"
