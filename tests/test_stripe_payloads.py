"""Stripe's published payloads (``tests/fixtures/real/stripe/``) read with exact amounts."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest
import responses
from stripe_support import STRIPE_FIXTURES, connector_for, fixture

from odoo.addons.ecommerce_sync.connector import RecordError
from odoo.addons.ecommerce_sync_stripe.connector import (
    StripeConnector,
    money,
    parse_balance_transaction,
    parse_dispute,
    parse_order_bundle,
    parse_payout,
    parse_refund_bundle,
    sign,
    webhooks,
)
from odoo.addons.ecommerce_sync_stripe.connector.orders import order_from_session, parse_address, parse_customer
from odoo.addons.ecommerce_sync_stripe.connector.payouts import source_type

FIXTURE_TIME = datetime.fromtimestamp(1234567890, tz=timezone.utc)
READ_BY_THE_TESTS = {
    "balance.json",
    "balance_transaction.json",
    "balance_transaction_with_fee_details_dispute.json",
    "balance_transactions_list_source_types.json",
    "charge.json",
    "checkout_session.json",
    "customer.json",
    "dispute.json",
    "event.json",
    "fee_refund.json",
    "list_envelope_has_more.json",
    "payment_intent.json",
    "payout.json",
    "refund.json",
    "webhook_signature_example_DERIVED.json",
}


def test_every_stripe_fixture_is_read_here():
    assert {path.name for path in STRIPE_FIXTURES.glob("*.json")} == READ_BY_THE_TESTS


def test_balance():
    assert StripeConnector._balance(fixture("balance.json")["available"]) == {"USD": "0.00"}
    assert StripeConnector._balance(fixture("balance.json")["pending"]) == {"USD": "0.00"}


def test_balance_transaction_of_a_charge():
    movement = parse_balance_transaction(fixture("balance_transaction.json"))
    assert (movement.category, movement.platform_category) == ("charge", "charge")
    assert (movement.amount, movement.fee, movement.net, movement.currency) == (
        Decimal("1.00"),
        Decimal("0.00"),
        Decimal("1.00"),
        "USD",
    )
    assert (movement.source_id, movement.source_type) == ("ch_1PgafuB7WZ01zgkWXYmPNZs8", "charge")
    assert movement.transaction_external_id == "ch_1PgafuB7WZ01zgkWXYmPNZs8"
    assert movement.created_at == movement.available_at == FIXTURE_TIME
    assert movement.status == "available" and movement.exchange_rate is None and movement.fee_details == []
    line = movement.payout_line()
    assert (line.kind, line.amount, line.net) == ("charge", Decimal("1.00"), Decimal("1.00"))


def test_balance_transaction_of_a_dispute_with_its_fee_details():
    movement = parse_balance_transaction(fixture("balance_transaction_with_fee_details_dispute.json"))
    # an older payload: no reporting_category, classified by its source (a dispute, money out)
    assert (movement.category, movement.platform_category, movement.source_type) == ("dispute", "adjustment", "dispute")
    assert (movement.amount, movement.fee, movement.net) == (Decimal("-50.00"), Decimal("15.00"), Decimal("-65.00"))
    [detail] = movement.fee_details
    assert (detail.kind, detail.amount, detail.description, detail.platform_type) == (
        "gateway",
        Decimal("15.00"),
        "Dispute fee",
        "stripe_fee",
    )
    assert movement.status == "pending" and movement.payout_line().kind == "dispute"
    assert movement.match.transaction_ids == ["ch_1AF5AlKac2qaDcCZ4Iu07uIA"]
    assert movement.order_external_id == "ch_1AF5AlKac2qaDcCZ4Iu07uIA"
    assert movement.fee_record().amount == Decimal("15.00")


def test_balance_transaction_sources_of_every_type():
    listing = fixture("balance_transactions_list_source_types.json")
    kinds = [source_type(item["source"]) for item in listing["data"]]
    assert kinds == [
        "application_fee",
        "charge",
        "dispute",
        "payout",
        "refund",
        "transfer",
        "transfer_reversal",
        "topup",
        "issuing.authorization",
        "issuing.transaction",
    ]
    assert [source_type(item["source"]["id"]) for item in listing["data"][:7]] == kinds[:7]
    # these objects carry only ids: reading one as a movement is a clear record error
    with pytest.raises(RecordError, match="txn_100 currency"):
        parse_balance_transaction(listing["data"][0])


def test_charge_without_checkout_session_is_an_order_of_its_amount():
    charge = fixture("charge.json")
    [order] = parse_order_bundle({"charge": charge, "checkout_session": None, "line_items": None})
    assert order.external_id == order.name == "ch_1PgafuB7WZ01zgkWXYmPNZs8"  # no payment intent
    assert (order.total, order.currency, order.total_tax) == (Decimal("1.00"), "USD", Decimal("0"))
    [line] = order.lines
    assert (line.name, line.quantity, line.unit_price, line.subtotal) == (
        "My First Test Charge (created for API docs)",
        Decimal(1),
        Decimal("1.00"),
        Decimal("1.00"),
    )
    # authorized, not captured: no payment yet
    assert order.financial_status == "authorized" and order.captured_amount == 0
    [transaction] = order.transactions
    assert (transaction.kind, transaction.status, transaction.amount) == ("authorization", "success", Decimal("1.00"))
    assert transaction.message == "visa **** 4242"
    assert order.customer.first_name == "Jenny" and order.customer.last_name == "Rosen"
    assert order.created_at == FIXTURE_TIME


def test_payment_intent_failure_without_charge():
    [failed] = parse_order_bundle({"payment_intent": fixture("payment_intent.json"), "charge": None})
    assert (failed.external_id, failed.amount, failed.currency) == (
        "pi_1PgafyB7WZ01zgkWSjxsAJo3:payment_failed",
        Decimal("10.99"),
        "USD",
    )
    assert failed.transaction().is_failed_payment


def test_refund_of_a_direct_sale():
    refund = {**fixture("refund.json"), "charge": fixture("charge.json")}
    [record] = parse_refund_bundle({"refund": refund, "checkout_session": None})
    assert (record.external_id, record.order_external_id, record.currency) == (
        "re_1Pgc72B7WZ01zgkWqPvrRrPE",
        "ch_1PgafuB7WZ01zgkWXYmPNZs8",
        "USD",
    )
    assert record.total == record.refunded_amount == Decimal("1.00")
    [adjustment] = record.adjustments
    assert (adjustment.amount, adjustment.tax_amount) == (Decimal("1.00"), Decimal("0"))
    assert record.transactions[0].parent_id == "ch_1PgafuB7WZ01zgkWXYmPNZs8"


def test_refund_without_its_charge_is_a_record_error():
    with pytest.raises(RecordError, match="came without its charge"):
        parse_refund_bundle({"refund": fixture("refund.json")})


def test_payout():
    payout = parse_payout({"payout": fixture("payout.json"), "balance_transactions": []})
    assert (payout.external_id, payout.amount, payout.currency, payout.status) == (
        "po_1Pgc79B7WZ01zgkWu1KToYf4",
        Decimal("11.00"),
        "USD",
        "in_transit",
    )
    assert payout.arrival_date == payout.date == FIXTURE_TIME
    assert payout.automatic and payout.method == "standard" and payout.statement_descriptor == ""
    assert payout.balance_transaction_id == "txn_1PgaxNB7WZ01zgkWEV3TLf40"
    assert payout.lines == [] and payout.settled_net == 0


def test_dispute_inquiry():
    dispute = parse_dispute(fixture("dispute.json"))
    assert (dispute.amount, dispute.currency, dispute.status, dispute.platform_status) == (
        Decimal("10.00"),
        "USD",
        "needs_response",
        "warning_needs_response",
    )
    assert dispute.is_inquiry and dispute.reason == "general" and dispute.movements == []
    assert dispute.charge_external_id == "ch_1PgafuB7WZ01zgkWXYmPNZs8"
    assert dispute.evidence_due_by == datetime.fromtimestamp(1723679999, tz=timezone.utc)


def test_checkout_session_amounts():
    session = fixture("checkout_session.json")
    order = order_from_session(fixture("charge.json"), session, [])
    assert order.external_id == "pi_1PgafyB7WZ01zgkWSjxsAJo3"
    assert order.currency == "USD"  # the session names none: the charge's
    assert order.total_tax == Decimal("14245347.16")
    [shipping] = order.shipping_lines
    assert shipping.price == Decimal("11171216.93") and shipping.external_id.endswith(":shipping")
    assert order.email == "example@example.com" and order.source_name == "checkout"
    assert money.amount(session["currency_conversion"]["amount_total"], "usd") == Decimal("11171216.93")


def test_customer():
    data = fixture("customer.json")
    customer = parse_customer(data["id"], data["name"], data["email"], data["phone"], parse_address(data["address"]))
    assert customer.external_id == "cus_QXg1o8vcGmoR32" and customer.address is None
    assert money.amount(data["balance"], data["currency"]) == Decimal("0.00")


def test_fee_refund():
    data = fixture("fee_refund.json")
    assert money.amount(data["amount"], data["currency"]) == Decimal("1.00")
    assert source_type(data["id"]) == "fee_refund"


def test_event_of_a_type_the_connector_does_not_follow_is_acknowledged_and_ignored():
    event = webhooks.parse((STRIPE_FIXTURES / "event.json").read_bytes())
    assert (event.delivery_id, event.topic, event.flow) == ("evt_1Pgc76B7WZ01zgkWwyRHS12y", "plan.created", "")


@responses.activate
def test_list_envelope():
    responses.get("https://api.stripe.com/v1/pageablemodels", json=fixture("list_envelope_has_more.json"))
    connector = connector_for("https://api.stripe.com", local_test_account=False)
    page = connector.client.list_page("pageablemodels")
    assert page.has_more is True and [item["id"] for item in page.data] == ["pm_125", "pm_126"]
    assert page.url == "/v1/pageablemodels"


def test_webhook_signature_example():
    example = fixture("webhook_signature_example_DERIVED.json")
    body = example["raw_body"].encode()
    headers = {example["header_name"]: example["header_value"]}
    assert sign(example["secret"], body, example["timestamp"]) == example["v1"]
    assert webhooks.verify([example["secret"]], headers, body, now=example["timestamp"] + 10)
    # the example is years old: at the wall clock it is stale and refused
    assert not webhooks.verify([example["secret"]], headers, body)
    assert not webhooks.verify(["whsec_other"], headers, body, now=example["timestamp"])
