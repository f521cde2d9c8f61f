"""Canonical records: exact money, timestamps, derived totals."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from odoo.addons.ecommerce_sync.connector import (
    Order,
    OrderLine,
    Payout,
    PayoutLine,
    RecordError,
    Refund,
    RefundAdjustment,
    RefundLine,
    ShippingLine,
    TaxLine,
    Transaction,
    money_sum,
    to_datetime,
    to_decimal,
)

NOW = datetime(2025, 1, 2, 16, 29, 59, tzinfo=timezone.utc)


def test_to_decimal_reads_money_exactly():
    assert to_decimal("199.65") == Decimal("199.65")
    assert to_decimal(0.1) == Decimal("0.1")  # through str(), not the binary float
    assert to_decimal(3) == Decimal(3)
    assert to_decimal(None) == Decimal(0)
    assert to_decimal("") == Decimal(0)
    with pytest.raises(RecordError, match="price: expected a number"):
        to_decimal("12,50", "price")
    with pytest.raises(RecordError):
        to_decimal(True)
    with pytest.raises(RecordError, match="finite"):
        to_decimal("NaN")


def test_to_datetime_normalises_to_utc():
    assert to_datetime("2008-01-10T11:00:00-05:00") == datetime(2008, 1, 10, 16, 0, tzinfo=timezone.utc)
    assert to_datetime("2017-03-22T19:28:02") == datetime(2017, 3, 22, 19, 28, 2, tzinfo=timezone.utc)
    assert to_datetime("2024-10-31T20:00:00Z").tzinfo == timezone.utc
    assert to_datetime(None) is None
    with pytest.raises(RecordError, match="created_at"):
        to_datetime("yesterday", "created_at")


def test_money_sum_stays_decimal():
    total = money_sum([Decimal("0.10")] * 3)
    assert total == Decimal("0.30")
    assert isinstance(total, Decimal)
    assert money_sum([]) == Decimal(0)


def _order():
    tax = TaxLine("State Tax", Decimal("0.06"), Decimal("11.94"))
    line = OrderLine("1", "IPod", Decimal(3), Decimal("199.00"), discount=Decimal("10.00"), tax_lines=[tax])
    ship = ShippingLine(
        "s1", "Standard", Decimal("5.00"), tax_lines=[TaxLine("State Tax", Decimal("0.06"), Decimal("0.30"))]
    )
    return Order(
        external_id="450789469",
        name="#1001",
        currency="EUR",
        created_at=NOW,
        updated_at=NOW,
        lines=[line],
        shipping_lines=[ship],
        total_tax=Decimal("12.24"),
        total=Decimal("599.24"),
        shop_currency="USD",
        shop_total=Decimal("647.18"),
        transactions=[
            Transaction("t1", "sale", "success", Decimal("500.00"), "EUR"),
            Transaction("t2", "sale", "success", Decimal("99.24"), "EUR", gateway="gift_card"),
            Transaction("t3", "sale", "failure", Decimal("599.24"), "EUR"),
        ],
    )


def test_order_derived_totals():
    order = _order()
    assert order.lines[0].subtotal == Decimal("587.00")
    assert order.total_discount == Decimal("10.00")
    assert order.total_shipping == Decimal("5.00")
    assert order.lines_tax == Decimal("12.24")
    assert order.total_untaxed == Decimal("587.00")
    assert order.captured_amount == Decimal("599.24")  # the failed attempt is not money in
    assert order.revision == "2025-01-02T16:29:59+00:00"
    assert order.line_by_external_id("1") is order.lines[0]
    assert order.line_by_external_id("nope") is None


def test_store_rate_is_shop_currency_per_order_currency():
    order = _order()
    assert order.store_rate == Decimal("647.18") / Decimal("599.24")
    order.shop_currency = "EUR"
    assert order.store_rate is None


def test_tax_line_key_prefers_platform_code():
    assert TaxLine("State Tax", Decimal("0.06"), Decimal(1)).key == "State Tax 0.06"
    assert TaxLine("VAT", Decimal("0.2"), Decimal(1), code="75").key == "75"
    assert TaxLine("VAT", Decimal("0.200"), Decimal(1)).percent == Decimal("20")


def test_refund_totals_and_restock():
    refund = Refund(
        "509562969",
        "450789469",
        "USD",
        lines=[RefundLine("l1", Decimal(1), Decimal("195.66"), Decimal("3.98"), restock=True)],
        adjustments=[RefundAdjustment("shipping", Decimal("5.00"))],
        transactions=[
            Transaction("r1", "refund", "success", Decimal("204.64"), "USD"),
            Transaction("r2", "refund", "failure", Decimal("204.64"), "USD"),
        ],
    )
    assert refund.items_total == Decimal("199.64")
    assert refund.total == Decimal("204.64")
    assert refund.refunded_amount == Decimal("204.64")
    assert refund.restock is True


def test_payout_fees_become_fee_records():
    payout = Payout(
        "623721858",
        "USD",
        Decimal("41.90"),
        lines=[
            PayoutLine(
                "1", "charge", Decimal("44.52"), Decimal("1.32"), Decimal("43.20"), "USD", order_external_id="9"
            ),
            PayoutLine("2", "refund", Decimal("-3.54"), Decimal("-0.23"), Decimal("-3.31"), "USD"),
            PayoutLine("3", "adjustment", Decimal("2.13"), Decimal("0.12"), Decimal("2.01"), "USD"),
            PayoutLine("4", "charge", Decimal("1.00"), Decimal("0"), Decimal("1.00"), "USD"),
        ],
    )
    assert payout.fees_total == Decimal("1.21")
    assert payout.net_total == Decimal("42.90")
    fees = payout.fees()
    assert [fee.external_id for fee in fees] == ["1", "2", "3"]
    assert [fee.kind for fee in fees] == ["gateway", "gateway", "platform"]
    assert fees[0].order_external_id == "9"
    assert fees[0].payout_external_id == "623721858"
