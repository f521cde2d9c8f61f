"""The canonical records of payment platforms (``connector/balance.py``) and Stripe's money rules."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from odoo.addons.ecommerce_sync.connector import Order, RecordError, Transaction
from odoo.addons.ecommerce_sync.connector.balance import (
    BALANCE_CATEGORIES,
    PAYOUT_LINE_KIND_OF,
    BalanceMovement,
    BalancePayout,
    Dispute,
    FailedPayment,
    FeeDetail,
    PaymentMatch,
    from_minor_units,
    matching_order,
    site_key,
)
from odoo.addons.ecommerce_sync_stripe.connector import money

WHEN = datetime(2026, 10, 5, 12, 0, tzinfo=timezone.utc)


def movement(**values):
    defaults = {
        "external_id": "txn_1",
        "category": "charge",
        "amount": Decimal("100.00"),
        "fee": Decimal("3.20"),
        "net": Decimal("96.80"),
        "currency": "USD",
        "created_at": WHEN,
    }
    return BalanceMovement(**{**defaults, **values})


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (1099, "usd", "10.99"),
        (-1099, "eur", "-10.99"),
        (500, "jpy", "500"),
        (1, "krw", "1"),
        (5125, "kwd", "5.125"),
        (1000, "bhd", "1.000"),
        (100, "isk", "1.00"),  # ISK stays two-decimal in Stripe's API
        (12345, "huf", "123.45"),
        (0, "usd", "0.00"),
        ("250", "usd", "2.50"),
    ],
)
def test_stripe_minor_units_convert_exactly(value, currency, expected):
    amount = money.amount(value, currency)
    assert amount == Decimal(expected) and str(amount) == expected


@pytest.mark.parametrize("value", [10.5, "12,50", True, "abc", [1]])
def test_non_integer_minor_units_are_refused(value):
    with pytest.raises(RecordError, match="integer amount in minor units"):
        from_minor_units(value, 2, "charge amount")


#: the kinds ``PayoutLine`` documents and the payout builder books
PAYOUT_LINE_KINDS = {"charge", "refund", "dispute", "reserve", "adjustment", "fee", "other"}


def test_every_category_settles_as_a_known_payout_line_kind():
    assert set(PAYOUT_LINE_KIND_OF) == set(BALANCE_CATEGORIES)
    assert set(PAYOUT_LINE_KIND_OF.values()) <= set(PAYOUT_LINE_KINDS)


def test_a_movement_validates_its_category_and_its_arithmetic():
    with pytest.raises(RecordError, match="unknown category 'chargeback'"):
        movement(category="chargeback")
    with pytest.raises(RecordError, match=r"net 96.00 is not amount 100.00 less fee 3.20"):
        movement(net=Decimal("96.00"))
    with pytest.raises(RecordError, match="unknown kind"):
        FeeDetail("stripe_fee", Decimal("1"), "USD")


def test_a_movement_is_a_payout_line_and_a_fee():
    charge = movement(
        source_id="ch_1",
        transaction_external_id="ch_1",
        order_external_id="pi_1",
        payout_external_id="po_1",
        fee_details=[FeeDetail("gateway", Decimal("3.20"), "USD", "Stripe processing fees", "stripe_fee")],
    )
    line = charge.payout_line()
    assert (line.kind, line.amount, line.fee, line.net, line.currency) == (
        "charge",
        Decimal("100.00"),
        Decimal("3.20"),
        Decimal("96.80"),
        "USD",
    )
    assert (line.transaction_external_id, line.order_external_id) == ("ch_1", "pi_1")
    fee = charge.fee_record()
    assert (fee.external_id, fee.amount, fee.kind, fee.payout_external_id) == (
        "txn_1",
        Decimal("3.20"),
        "gateway",
        "po_1",
    )
    reserve = movement(category="hold", amount=Decimal("-50.00"), fee=Decimal("0"), net=Decimal("-50.00"))
    assert reserve.payout_line().kind == "reserve" and reserve.fee_record() is None
    taxed = movement(fee_details=[FeeDetail("tax", Decimal("3.20"), "USD")])
    assert taxed.fee_kind == "tax" and taxed.fee_record().kind == "other"


def test_a_dispute_sums_what_it_withdrew_and_what_came_back():
    withdrawal = movement(
        external_id="txn_w", category="dispute", amount=Decimal("-80.00"), fee=Decimal("15.00"), net=Decimal("-95.00")
    )
    reversal = movement(
        external_id="txn_r",
        category="dispute_reversal",
        amount=Decimal("80.00"),
        fee=Decimal("-15.00"),
        net=Decimal("95.00"),
    )
    lost = Dispute("dp_1", "ch_1", Decimal("80.00"), "USD", "lost", movements=[withdrawal])
    assert (lost.withdrawn, lost.reinstated, lost.fees, lost.balance_effect) == (
        Decimal("80.00"),
        Decimal("0"),
        Decimal("15.00"),
        Decimal("-95.00"),
    )
    won = Dispute("dp_1", "ch_1", Decimal("80.00"), "USD", "won", "won", movements=[withdrawal, reversal])
    assert won.balance_effect == 0 and won.fees == 0 and won.revision == "won:2"
    with pytest.raises(RecordError, match="unknown status"):
        Dispute("dp_2", "ch_2", Decimal("1"), "USD", "pending")


def test_a_payout_nets_the_movements_it_settles():
    lines = [movement(), movement(external_id="txn_2", category="refund", amount=Decimal("-10.00"), fee=Decimal("0"),
                                  net=Decimal("-10.00"))]  # fmt: skip
    payout = BalancePayout(
        "po_1", "USD", Decimal("86.80"), status="paid", lines=[m.payout_line() for m in lines], movements=lines
    )
    assert payout.settled_net == payout.amount == payout.net_total
    assert payout.fees_total == Decimal("3.20") and [fee.external_id for fee in payout.fees()] == ["txn_1"]


def test_a_failed_payment_counts_as_a_failed_transaction():
    failed = FailedPayment(
        "ch_9", Decimal("43.00"), "USD", WHEN, "insufficient_funds", "Your card has insufficient funds."
    )
    transaction = failed.transaction()
    assert transaction.is_failed_payment and not transaction.is_captured_payment
    assert transaction.message == "insufficient_funds Your card has insufficient funds."
    assert failed.revision == "failed"


def test_site_key_ignores_scheme_case_www_and_slash():
    assert site_key("https://WWW.Shop.example.com/") == site_key("http://shop.example.com") == "shop.example.com"
    assert site_key("https://example.com/shop/") == "example.com/shop"
    assert site_key("") == ""


def shop_order(order_id, transaction_id, total="42.50", email="ada@example.com", created=WHEN):
    return Order(
        external_id=order_id,
        name=f"#{order_id}",
        currency="USD",
        created_at=created,
        updated_at=created,
        total=Decimal(total),
        email=email,
        transactions=[Transaction(transaction_id, "sale", "success", Decimal(total), "USD")],
    )


def test_matching_tries_the_transaction_id_then_the_order_reference_then_amount_and_email():
    orders = [
        shop_order("101", "pi_A"),
        shop_order("102", "ch_B"),
        shop_order("103", "", total="19.99", email="grace@example.com"),
    ]
    site = "https://shop.example.com"
    by_intent = PaymentMatch(transaction_ids=["ch_X", "pi_A"], order_reference="102", site_url=site)
    assert matching_order(by_intent, orders, site).external_id == "101"
    by_reference = PaymentMatch(transaction_ids=["ch_Y", "pi_Y"], order_reference="102", site_url=site)
    assert matching_order(by_reference, orders, site).external_id == "102"
    other_site = PaymentMatch(transaction_ids=["ch_Y"], order_reference="102", site_url="https://other.example")
    assert matching_order(other_site, orders, site) is None
    by_amount = PaymentMatch(
        ["ch_Z"], amount=Decimal("19.99"), currency="usd", paid_at=WHEN + timedelta(hours=2), email="Grace@example.com"
    )
    assert matching_order(by_amount, orders, site).external_id == "103"
    too_late = PaymentMatch(
        ["ch_Z"], amount=Decimal("19.99"), currency="USD", paid_at=WHEN + timedelta(days=5), email="grace@example.com"
    )
    assert matching_order(too_late, orders, site) is None
    twins = [shop_order("201", "", "5.00"), shop_order("202", "", "5.00")]
    ambiguous = PaymentMatch(["ch_Q"], amount=Decimal("5.00"), currency="USD", paid_at=WHEN, email="ada@example.com")
    assert matching_order(ambiguous, twins) is None
