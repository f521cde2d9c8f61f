"""Square order shapes the published examples do not show: mixed tax modes, zero-decimal money,
service charges, tips, rounding, exchanges, amount-only refunds, partial fulfilments, bad money."""

from decimal import Decimal

import pytest

from odoo.addons.ecommerce_sync.connector import Order, RecordError, Refund
from odoo.addons.ecommerce_sync_square.connector import from_minor, parse_order, to_minor

D = Decimal


def m(amount, currency="USD"):
    return {"amount": amount, "currency": currency}


def line(uid, price, quantity=1, taxes=(), discount=0, currency="USD", catalog="VARIATIONID0000000000001"):
    gross = price * quantity
    return {
        "uid": uid,
        "name": f"Item {uid}",
        "quantity": str(quantity),
        "catalog_object_id": catalog,
        "base_price_money": m(price, currency),
        "gross_sales_money": m(gross, currency),
        "total_discount_money": m(discount, currency),
        "applied_taxes": [
            {"uid": f"{uid}-{tax}", "tax_uid": tax, "applied_money": m(amount, currency)} for tax, amount in taxes
        ],
    }


def order(**fields):
    base = {
        "id": "ORDER0000000000000000000001",
        "location_id": "LOCATION00001",
        "created_at": "2026-03-02T10:00:00.000Z",
        "updated_at": "2026-03-02T10:05:00.000Z",
        "state": "COMPLETED",
        "version": 3,
    }
    return {**base, **fields}


def test_an_inclusive_tax_in_a_tax_excluded_order_is_taken_out_of_its_line():
    payload = order(
        taxes=[
            {"uid": "sales", "name": "Sales Tax", "percentage": "8", "type": "ADDITIVE", "scope": "LINE_ITEM"},
            {"uid": "bottle", "name": "Bottle deposit", "percentage": "5", "type": "INCLUSIVE", "scope": "LINE_ITEM"},
        ],
        line_items=[line("a", 1000, taxes=[("sales", 80)]), line("b", 2100, taxes=[("bottle", 100)])],
        total_money=m(3180),
        total_tax_money=m(180),
    )
    (result,) = parse_order(payload)
    assert not result.taxes_included
    assert [ln.unit_price for ln in result.lines] == [D("10.00"), D("20.00")]
    assert sum(ln.subtotal for ln in result.lines) + result.total_tax == result.total == D("31.80")
    assert {tax.title: tax.amount for tax in result.tax_lines} == {"Sales Tax": D("0.80"), "Bottle deposit": D("1.00")}


def test_zero_decimal_money_tips_service_charges_and_rounding():
    payload = order(
        taxes=[{"uid": "ct", "name": "消費税", "percentage": "10", "type": "INCLUSIVE", "scope": "ORDER"}],
        line_items=[line("a", 1200, quantity=2, taxes=[("ct", 218)], currency="JPY")],
        service_charges=[
            {
                "uid": "sc",
                "name": "Service",
                "applied_money": m(240, "JPY"),
                "applied_taxes": [{"tax_uid": "ct", "applied_money": m(22, "JPY")}],
            }
        ],
        total_tip_money=m(300, "JPY"),
        rounding_adjustment={"uid": "r", "name": "Cash rounding", "amount_money": m(-4, "JPY")},
        total_money=m(2936, "JPY"),
        total_tax_money=m(240, "JPY"),
        tenders=[
            {"id": "TENDER1", "type": "CASH", "amount_money": m(2936, "JPY"), "created_at": "2026-03-02T10:01:00Z"}
        ],
    )
    (result,) = parse_order(payload)
    assert result.currency == "JPY" and result.taxes_included
    assert [(ln.kind, ln.unit_price) for ln in result.lines] == [
        ("product", D("1200")),
        ("fee", D("240")),
        ("tip", D("300")),
        ("fee", D("-4")),
    ]
    assert sum(ln.subtotal for ln in result.lines) == result.total == D("2936")
    assert result.financial_status == "paid" and result.transactions[0].gateway == "cash"
    assert from_minor(1099, "KWD") == D("1.099") and to_minor(D("1.099"), "KWD") == 1099
    with pytest.raises(ValueError):
        to_minor(D("10.5"), "JPY")


def test_an_exchange_gives_an_order_and_a_refund_of_the_source_order():
    payload = order(
        taxes=[{"uid": "t", "name": "Tax", "percentage": "10", "type": "ADDITIVE"}],
        line_items=[line("new", 1500, taxes=[("t", 150)])],
        returns=[
            {
                "uid": "ret",
                "source_order_id": "SOURCEORDER00000000000001",
                "return_taxes": [
                    {"uid": "rt", "source_tax_uid": "t", "name": "Tax", "percentage": "10", "type": "ADDITIVE"}
                ],
                "return_line_items": [
                    {
                        "uid": "rl",
                        "source_line_item_uid": "old-line",
                        "quantity": "1",
                        "catalog_object_id": "VARIATIONID0000000000002",
                        "gross_return_money": m(1000),
                        "total_discount_money": m(0),
                        "total_tax_money": m(100),
                        "applied_taxes": [{"tax_uid": "rt", "applied_money": m(100)}],
                    }
                ],
            }
        ],
        total_money=m(1650),
        total_tax_money=m(150),
    )
    records = parse_order(payload)
    assert [type(record) for record in records] == [Order, Refund]
    refund = records[1]
    assert refund.order_external_id == "SOURCEORDER00000000000001"
    assert [(ln.line_external_id, ln.amount, ln.tax_amount, ln.restock) for ln in refund.lines] == [
        ("old-line", D("10.00"), D("1.00"), True)
    ]
    assert refund.total == D("11.00") and refund.transactions == []


def test_a_refund_without_itemised_return_is_an_amount_only_refund():
    payload = order(
        line_items=[line("a", 500)],
        total_money=m(500),
        tenders=[
            {
                "id": "PAYMENT01",
                "payment_id": "PAYMENT01",
                "type": "CARD",
                "amount_money": m(500),
                "card_details": {"status": "CAPTURED"},
            }
        ],
        refunds=[
            {
                "id": "PAYMENT01_R1",
                "tender_id": "PAYMENT01",
                "amount_money": m(200),
                "status": "COMPLETED",
                "reason": "Goodwill",
            }
        ],
    )
    (result,) = parse_order(payload)
    assert result.financial_status == "partially_refunded"
    (refund,) = result.refunds
    assert (refund.external_id, refund.total, refund.refunded_amount) == ("PAYMENT01_R1", D("2.00"), D("2.00"))
    assert refund.adjustments[0].reason == "Goodwill"


def test_a_fulfilment_of_some_entries_and_an_open_order():
    payload = order(
        state="OPEN",
        line_items=[line("a", 500, quantity=3), line("b", 700)],
        total_money=m(2200),
        fulfillments=[
            {
                "uid": "f1",
                "type": "PICKUP",
                "state": "COMPLETED",
                "line_item_application": "ENTRY_LIST",
                "entries": [{"uid": "e", "line_item_uid": "a", "quantity": "2"}],
                "pickup_details": {
                    "recipient": {"display_name": "Ada Lovelace"},
                    "picked_up_at": "2026-03-02T11:00:00Z",
                },
            },
            {
                "uid": "f2",
                "type": "PICKUP",
                "state": "PROPOSED",
                "line_item_application": "ENTRY_LIST",
                "entries": [{"uid": "e2", "line_item_uid": "b", "quantity": "1"}],
            },
        ],
    )
    (result,) = parse_order(payload)
    done, pending = result.fulfillments
    assert (done.status, [(fl.line_external_id, fl.quantity) for fl in done.lines]) == ("success", [("a", D(2))])
    assert done.location_external_id == "LOCATION00001" and pending.status == "pending"
    assert result.financial_status == "pending" and result.customer.first_name == "Ada Lovelace"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"total_money": {"amount": 12.5, "currency": "USD"}}, "integer of minor units"),
        ({"total_money": m(500, "EUR")}, "in USD, expected EUR"),
        ({"location_id": "../x"}, "is not a valid id"),
        ({"created_at": "yesterday"}, "ISO 8601"),
        ({"taxes": [{"name": "no uid"}]}, "tax without uid"),
    ],
)
def test_malformed_orders_are_record_errors(change, message):
    payload = order(line_items=[line("a", 500)], total_money=m(500))
    payload.update(change)
    with pytest.raises(RecordError, match=message):
        parse_order(payload)


def test_a_custom_refund_and_a_returned_tip_are_adjustments_of_their_kind():
    payload = order(
        id="RETURN00000000000000000001",
        returns=[
            {
                "uid": "ret",
                "source_order_id": "ORDER0000000000000000000001",
                "return_line_items": [
                    {"uid": "custom", "name": "Goodwill", "quantity": "1", "item_type": "CUSTOM_AMOUNT",
                     "base_price_money": m(500), "gross_return_money": m(500)},
                ],
                "return_tips": [{"uid": "tip", "applied_money": m(150)}],
            }
        ],
        return_amounts={"total_money": m(650)},
        refunds=[{"id": "REFUND0000000000000000001", "amount_money": m(650), "status": "COMPLETED"}],
    )  # fmt: skip
    (refund,) = parse_order(payload)
    assert isinstance(refund, Refund) and not refund.lines
    assert [(adj.kind, adj.amount, adj.reason) for adj in refund.adjustments] == [
        ("adjustment", D("5.00"), "Goodwill"),
        ("tip", D("1.50"), "Tip"),
    ]
    assert refund.total == refund.refunded_amount == D("6.50")
