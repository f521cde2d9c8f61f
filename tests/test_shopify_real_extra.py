"""More real Shopify payloads (tests/fixtures/real/shopify/apijs_*, pyapi_*, kept byte for byte): each one reads
to its own figures, or is refused with a message saying which old API shape it is."""

from decimal import Decimal

import pytest
from shopify_support import EXTRA_READ, REAL, computed_total, presentment, real

from odoo.addons.ecommerce_sync.connector import REFUND_GAP_REASON, RecordError, money_sum
from odoo.addons.ecommerce_sync_shopify.connector import (
    parse_balance_transaction,
    parse_order,
    parse_payout,
    parse_refund,
    parse_transaction,
)

D = Decimal

#: orders whose refund sent back another amount than its items and adjustments, without an adjustment saying so
REFUND_GAPS = {
    "apijs_2024-04_order_test_5.json": D("-190.29"),  # 2 items of 399.29 refunded, 209.00 sent back
    "apijs_2024-04_order_test_13.json": D("-190.29"),
    "apijs_2024-04_order_test_14.json": D("-588.94"),  # cancelled: 3 items of 598.94 refunded, 10.00 sent back
}
#: old API shapes, refused with the reason
REFUSED = {
    "pyapi_order.json": "shipping line has no id",
    "pyapi_orders.json": "came without its line_items",
    "pyapi_refund.json": "has no subtotal",
}


def test_every_extra_payload_is_read_here():
    assert {path.name for path in REAL.glob("*.json") if path.name.startswith(("apijs_", "pyapi_"))} == EXTRA_READ


def extra_orders():
    for name in sorted(EXTRA_READ):
        if "order_test" in name:
            body = real(name)
            for payload in body.get("orders") or [body["order"]]:
                yield name, payload


@pytest.mark.parametrize(
    ("name", "payload"), list(extra_orders()), ids=lambda value: value if isinstance(value, str) else ""
)
def test_orders_keep_their_own_totals(name, payload):
    order = parse_order(payload)

    assert order.total == presentment(payload, "total_price")
    assert order.total_tax == presentment(payload, "total_tax") == order.lines_tax
    assert computed_total(order) == order.total, "lines - discounts + shipping + taxes = total_price"
    assert money_sum(line.gross for line in order.lines) == presentment(payload, "total_line_items_price")
    assert order.total_discount == presentment(payload, "total_discounts")
    assert [line.quantity for line in order.lines] == [item["quantity"] for item in payload["line_items"]]
    assert order.currency == payload["presentment_currency"]
    for refund, raw in zip(order.refunds, payload["refunds"], strict=True):
        sent_back = money_sum(D(tx["amount"]) for tx in raw["transactions"] if tx["status"] == "success")
        # what the credit note holds is what went back to the customer
        assert refund.total == refund.refunded_amount == sent_back
        gaps = [adj.amount for adj in refund.adjustments if adj.reason == REFUND_GAP_REASON]
        assert gaps == ([REFUND_GAPS[name]] if name in REFUND_GAPS else [])


def test_a_refund_of_money_without_item_value_credits_the_money():
    # refund 929361466 gives back a line at 0.00 and sends 41.94 back to the card
    refund = parse_refund(real("apijs_2024-04_refund_test_2.json"))
    assert refund.items_total == 0
    assert [(adj.kind, adj.amount, adj.reason) for adj in refund.adjustments] == [
        ("adjustment", D("41.94"), REFUND_GAP_REASON)
    ]
    assert refund.total == refund.refunded_amount == D("41.94")


def test_a_shipping_refund_needs_no_gap():
    refund = parse_refund(real("apijs_2024-04_refund_test_3.json"))
    assert [(adj.kind, adj.amount) for adj in refund.adjustments] == [("shipping", D("5.00"))]
    assert refund.total == refund.refunded_amount == D("5.00")


@pytest.mark.parametrize("name", sorted(name for name in EXTRA_READ if "transaction" in name and "payouts" not in name))
def test_transactions(name):
    body = real(name)
    items = body if isinstance(body, list) else body.get("transactions") or [body["transaction"]]
    for item in items:
        transaction = parse_transaction(item)
        assert (transaction.external_id, transaction.kind, transaction.status, transaction.amount) == (
            str(item["id"]),
            item["kind"],
            item["status"],
            D(item["amount"]),
        )


def test_payouts_and_their_balance_transactions():
    payouts = [parse_payout(item) for item in real("pyapi_payouts.json")["payouts"]]
    assert [(p.external_id, p.amount, p.status) for p in payouts] == [
        ("854088011", D("43.12"), "scheduled"),
        ("512467833", D("43.12"), "failed"),
        ("39438702", D("43.12"), "in_transit"),
        ("710174591", D("41.90"), "paid"),
        ("974708905", D("51.69"), "paid"),
        ("623721858", D("41.90"), "paid"),
    ]
    lines = real("pyapi_payouts_transactions.json")["transactions"]
    payout = parse_payout({**real("pyapi_payout.json"), "transactions": lines})
    assert payout.amount == D("41.90") and payout.currency == "USD"
    # every line but the transfer itself, each with its own gross, fee and net
    assert [(line.external_id, line.amount, line.fee, line.net) for line in payout.lines] == [
        (str(item["id"]), D(item["amount"]), D(item["fee"]), D(item["net"]))
        for item in lines
        if item["type"] != "payout"
    ]
    [transfer] = [item for item in lines if item["type"] == "payout"]
    assert -D(transfer["net"]) == payout.amount
    assert parse_balance_transaction(lines[0]).kind == "adjustment"


@pytest.mark.parametrize(("name", "reason"), sorted(REFUSED.items()))
def test_old_api_shapes_are_refused_with_the_reason(name, reason):
    body = real(name)
    with pytest.raises(RecordError, match=reason):
        if "refund" in body:
            parse_refund(body)
        else:
            for payload in body.get("orders") or [body["order"]]:
                parse_order(payload)
