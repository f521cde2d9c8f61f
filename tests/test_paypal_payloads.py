"""PayPal's published payloads: exact amounts from the reference examples, and the sandbox's shapes beside them."""

from decimal import Decimal

from paypal_support import fixture

from odoo.addons.ecommerce_sync.connector import money_sum
from odoo.addons.ecommerce_sync_paypal.connector import parse_ledger, parse_payment_bundle
from odoo.addons.ecommerce_sync_paypal.connector import webhooks as paypal_webhooks
from odoo.addons.ecommerce_sync_paypal.sandbox import generate

PREFIXES = {"WC-": ""}


def keys(obj):
    return set(obj) if isinstance(obj, dict) else set()


def test_the_reference_transaction_is_an_order_that_adds_up_to_its_gross():
    detail = fixture("transactions_list.json")["transaction_details"][0]
    [order] = parse_payment_bundle({"transaction": detail}, PREFIXES)
    assert order.external_id == "5TY05013RG002845M" and order.name == "Invoice-005"
    assert order.total == Decimal("465.00") and order.currency == "USD"
    assert order.total_tax == order.lines_tax == Decimal("80.00")
    products = [line for line in order.lines if line.kind == "product"]
    assert [(line.sku, line.quantity, line.unit_price) for line in products] == [
        ("ItemCode-1", Decimal(2), Decimal("50.00")),
        ("ItemCode-2", Decimal(3), Decimal("100.00")),
    ]
    assert all(tax.rate == Decimal("0.2") for line in products for tax in line.tax_lines)
    fees = {line.name: line.subtotal for line in order.lines if line.kind == "fee"}
    assert fees == {"3": Decimal("-50.00"), "Insurance": Decimal("15.00")}
    assert order.total_shipping == Decimal("20.00")  # 30.00 less the 10.00 shipping discount
    lines = money_sum(line.subtotal for line in order.lines) + order.total_shipping + order.lines_tax
    assert lines == order.total
    assert order.customer.email == "consumer@example.com" and order.shipping_address.city == "Bangalore"
    assert order.financial_status == "paid" and order.captured_amount == order.total


def test_the_reference_transaction_as_a_balance_movement():
    body = fixture("transactions_list.json")
    [movement] = parse_ledger(body["transaction_details"][0], PREFIXES)
    assert movement.category == "charge" and movement.platform_category == "T0006"
    assert (movement.amount, movement.fee, movement.net) == (Decimal("465.00"), Decimal("13.79"), Decimal("451.21"))
    assert movement.match.email == "consumer@example.com" and not movement.match.names_an_order
    assert movement.match.transaction_ids == ["5TY05013RG002845M"]
    assert body["total_pages"] == body["page"] == 1


def test_the_sandbox_writes_the_reference_shapes():
    real = fixture("transactions_list.json")["transaction_details"][0]
    account = generate(seed=2, days=14)
    sale = next(row for row in account.rows if row["cart_info"])
    assert keys(sale) >= keys(real) - {"store_info", "auction_info", "incentive_info"}
    common = {"transaction_id", "transaction_event_code", "transaction_initiation_date", "transaction_updated_date",
              "transaction_amount", "fee_amount", "transaction_status", "protection_eligibility"}  # fmt: skip
    assert common <= keys(real["transaction_info"]) and common <= keys(sale["transaction_info"])
    assert keys(sale["payer_info"]) >= keys(real["payer_info"])
    item_keys = {"item_code", "item_name", "item_quantity", "item_unit_price", "item_amount", "total_item_amount"}
    assert keys(sale["cart_info"]["item_details"][0]) >= item_keys
    assert real["transaction_info"]["fee_amount"]["value"].startswith("-")
    assert sale["transaction_info"]["fee_amount"]["value"].startswith("-")
    refund = fixture("refund.json")
    sandbox_refund = next(iter(account.refunds.values()))
    assert keys(sandbox_refund) >= keys(refund) - {"invoice_id"}
    assert keys(sandbox_refund["seller_payable_breakdown"]) == keys(refund["seller_payable_breakdown"])
    assert Decimal(refund["seller_payable_breakdown"]["net_amount"]["value"]) == Decimal(
        refund["seller_payable_breakdown"]["gross_amount"]["value"]
    ) - Decimal(refund["seller_payable_breakdown"]["paypal_fee"]["value"])


def test_an_event_of_a_topic_the_connector_does_not_read_is_answered_and_ignored():
    import json

    event = paypal_webhooks.parse(json.dumps(fixture("webhook_event_authorization_created.json")).encode())
    assert event.delivery_id == "8PT597110X687430LKGECATA" and event.flow == "" and event.topic
