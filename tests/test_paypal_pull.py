"""The PayPal connector against the sandbox: every flow to the end, windows, overlap, tokens, money to the cent."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from paypal_support import connector_for, forget_tokens, of_type, pull
from woocommerce_support import sandbox_connector

from odoo.addons.ecommerce_sync.connector import AuthenticationError, NotFoundError, RecordError, money_sum
from odoo.addons.ecommerce_sync.connector.balance import matching_order
from odoo.addons.ecommerce_sync_paypal.connector.cursors import walk
from odoo.addons.ecommerce_sync_paypal.sandbox import (
    FEE_RATE,
    PayPalSandbox,
    StoreOrder,
    generate,
    paypal_paid_orders,
    seed_store_payments,
)
from odoo.addons.ecommerce_sync_woocommerce.sandbox import WooCommerceSandbox

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def sandbox():
    forget_tokens()
    with PayPalSandbox(seed=3, days=30) as server:
        yield server


@pytest.fixture(scope="module")
def ledger(sandbox):
    """One full pull of the payouts flow (read only: the module's sandbox is not changed)."""
    return pull(connector_for(sandbox), "payouts")


def info(row):
    return row["transaction_info"]


def test_the_ledger_reads_every_transaction_once_and_ends_at_paypals_balance(sandbox, ledger):
    records, items, cursor, pages = ledger
    account = sandbox.account
    movements = of_type(records, "BalanceMovement")
    ids = [movement.external_id for movement in movements]
    assert len(ids) == len(set(ids)) == len(account.rows) > 100
    stamps = [movement.created_at for movement in movements]
    assert stamps == sorted(stamps)
    assert pages[-1].more is False and all(page.more for page in pages[:-1])
    for currency, _primary, _total, available, withheld in account.balances():
        own = [movement for movement in movements if movement.currency == currency]
        assert money_sum(movement.net for movement in own) == available, currency
        assert withheld == 0
    last = [movement for movement in movements if movement.currency == "USD"][-1]
    assert last.balance_after == account.balances()[0][3]
    assert {"charge", "refund", "dispute", "dispute_reversal", "fee", "payout", "conversion", "hold", "release",
            "other"} <= {movement.category for movement in movements}  # fmt: skip
    unknown = next(movement for movement in movements if movement.category == "other")
    assert unknown.platform_category == "T9900" and unknown.amount == Decimal("-1.25")
    assert cursor.startswith("t=")


def test_fees_are_paypals_published_shape_and_refunds_give_back_the_percentage_part(sandbox, ledger):
    movements = {movement.external_id: movement for movement in of_type(ledger[0], "BalanceMovement")}
    for movement in movements.values():
        if movement.category == "charge" and movement.status == "success" and movement.currency == "USD":
            expected = (movement.amount * FEE_RATE).quantize(CENT, rounding="ROUND_HALF_UP") + Decimal("0.49")
            assert movement.fee == expected, movement.external_id
    refunds = [movement for movement in movements.values() if movement.category == "refund"]
    assert len(refunds) == 2
    for refund in refunds:
        payment = movements[refund.source_id]
        variable = (payment.amount * FEE_RATE).quantize(CENT, rounding="ROUND_HALF_UP")
        given_back = (variable * -refund.amount / payment.amount).quantize(CENT, rounding="ROUND_HALF_UP")
        assert refund.fee == -given_back and refund.net == refund.amount + given_back
        assert refund.match.transaction_ids[-1] == payment.external_id
    full = next(refund for refund in refunds if -refund.amount == movements[refund.source_id].amount)
    # a full refund gives back the percentage part; PayPal keeps the fixed fee
    assert movements[full.source_id].fee + full.fee == Decimal("0.49")


def test_withdrawals_are_payouts_after_which_the_balance_is_paypals(sandbox, ledger):
    records = ledger[0]
    payouts = of_type(records, "BalancePayout")
    withdrawals = [row for row in sandbox.account.rows if info(row)["transaction_event_code"] == "T0400"]
    assert [payout.external_id for payout in payouts] == [info(row)["transaction_id"] for row in withdrawals]
    previous = Decimal(0)
    for payout in payouts:
        assert payout.status == "paid" and payout.currency == "USD" and payout.lines
        assert previous + payout.settled_net - payout.amount == payout.balance_after, payout.external_id
        assert payout.balance_at == payout.date  # the withdrawal's own transaction, when the balance was that
        assert payout.net_total == payout.settled_net
        assert all(movement.payout_external_id == payout.external_id for movement in payout.movements)
        previous = payout.balance_after
    settled = [movement.external_id for payout in payouts for movement in payout.movements]
    assert len(settled) == len(set(settled))


def test_holds_chargebacks_and_conversions(ledger):
    movements = of_type(ledger[0], "BalanceMovement")
    hold = next(movement for movement in movements if movement.category == "hold")
    release = next(movement for movement in movements if movement.category == "release")
    assert hold.amount == -release.amount == Decimal("-75.00") and release.source_id == hold.external_id
    disputes = of_type(ledger[0], "Dispute")
    assert [dispute.status for dispute in disputes] == ["under_review", "under_review", "won"]
    won = disputes[-1]
    assert won.reinstated == won.amount and won.external_id == disputes[1].external_id
    chargeback_fees = [m for m in movements if m.platform_category == "T0106"]
    assert [m.fee_kind for m in chargeback_fees] == ["gateway", "gateway"]
    assert [m.amount for m in chargeback_fees] == [Decimal("-20.00")] * 2
    legs = [movement for movement in movements if movement.category == "conversion"]
    assert len(legs) % 2 == 0 and legs
    for first, second in zip(legs[::2], legs[1::2], strict=True):
        assert first.source_id == second.source_id and {first.currency, second.currency} == {"EUR", "USD"}
        # the two legs net to zero in value: each is worth the other
        assert first.presentment_amount == -second.amount and second.presentment_amount == -first.amount
        assert (first.amount * second.exchange_rate).quantize(CENT) == -second.amount


def test_direct_sales_are_orders_that_tie_out_and_a_denied_payment_is_a_failed_payment(sandbox):
    records, items, _cursor, _pages = pull(connector_for(sandbox), "orders")
    account = sandbox.account
    orders = of_type(records, "Order")
    payments = [row for row in account.rows if info(row)["transaction_event_code"] == "T0006"]
    assert len(items) == len(payments) == len(orders) + 1
    for order in orders:
        row = account.by_id[order.external_id]
        assert order.total == Decimal(info(row)["transaction_amount"]["value"])
        lines = money_sum(line.subtotal for line in order.lines) + order.total_shipping
        assert lines + order.lines_tax == order.total, order.external_id
        assert order.total_tax == order.lines_tax
    invoice = next(order for order in orders if order.transactions[0].message == "Invoice 2026-07")
    # its items are only on its Orders v2 order: read through its capture
    assert [(line.sku, line.subtotal) for line in invoice.lines] == [("PPL-INVOICE", Decimal("120.00"))]
    euro = next(order for order in orders if order.currency == "EUR")
    assert euro.shop_currency == "" and euro.customer.email == "marie@example.fr"
    [failed] = of_type(records, "FailedPayment")
    assert failed.code == "denied" and failed.transaction().is_failed_payment


def test_refunds_of_direct_sales_give_back_the_tax_share(sandbox):
    records, _items, _cursor, _pages = pull(connector_for(sandbox), "refunds")
    assert len(records) == 2
    for refund in records:
        payment = info(sandbox.account.by_id[refund.order_external_id])
        total, tax = Decimal(payment["transaction_amount"]["value"]), Decimal(payment["sales_tax_amount"]["value"])
        share = (refund.refunded_amount * tax / total).quantize(CENT, rounding="ROUND_HALF_UP")
        assert refund.adjustments[0].tax_amount == share and refund.total == refund.refunded_amount


def test_resuming_after_any_page_reads_the_rest_once():
    forget_tokens()
    with PayPalSandbox(seed=4, days=30) as server:
        connector = connector_for(server)
        every = [detail for details, *_rest in walk(connector.client, "", page_size=20) for detail in details]
        pages = list(walk(connector.client, "", page_size=20))
        assert len(pages) > 5
        ids = [info(detail)["transaction_id"] for detail in every]
        assert len(ids) == len(set(ids)) == len(server.account.rows)
        for index, (_details, cursor, _more, _start) in enumerate(pages[:-1]):
            seen = [info(d)["transaction_id"] for page in pages[: index + 1] for d in page[0]]
            rest = [info(d)["transaction_id"] for page in walk(connector.client, cursor, page_size=20) for d in page[0]]
            assert set(seen) | set(rest) == set(ids)
        # every search stayed within PayPal's 31-day rule (the sandbox refuses more)
        assert all(status == 200 for method, path, _q, status in server.requests if "reporting" in path)


def test_late_data_and_pending_payments_are_read_on_a_later_run_without_duplicates():
    forget_tokens()
    with PayPalSandbox(seed=5, days=14) as server:
        connector = connector_for(server)
        account = server.account
        account.reporting_delay = 2 * 3600
        now = datetime.now(timezone.utc).replace(microsecond=0)
        late = account.pay(now - timedelta(minutes=30), [("PPL-SOCKS-04", "Hiking Socks", 1, "12.75", "0")], "USD")
        pending = account.pay(now - timedelta(hours=5), [("PPL-BEANIE-03", "Wool Beanie", 1, "22.00", "0")], "USD",
                              status="P")  # fmt: skip
        _records, items, cursor, _pages = pull(connector, "payouts")
        ids = [item.external_id for item in items]
        assert info(late)["transaction_id"] not in ids and info(pending)["transaction_id"] in ids
        assert "p=" in cursor
        account.reporting_delay = 0
        account.clear(info(pending)["transaction_id"], now)
        _records, again, cursor, _pages = pull(connector, "payouts", cursor)
        fresh = {item.external_id: item.revision for item in again}
        assert info(late)["transaction_id"] in fresh
        assert fresh[info(pending)["transaction_id"]].endswith("|S")
        # the overlap re-read nothing else that changed: the engine recognises the rest by revision
        known = {item.external_id: item.revision for item in items}
        assert all(known.get(key) in (None, revision) for key, revision in fresh.items()
                   if key != info(pending)["transaction_id"])  # fmt: skip
        assert "p=" not in cursor


def test_a_token_expired_during_a_run_is_renewed_once(sandbox, ledger):
    forget_tokens()
    connector = connector_for(sandbox)
    pages = connector.fetch("payouts", None)
    first = next(pages)
    sandbox.expire_tokens()
    rest = [item for page in pages for item in page.items]
    assert len(first.items) + len(rest) == len(ledger[1])
    assert connector.client.token_calls == 2


def test_refused_credentials_stop_the_run(sandbox):
    forget_tokens()
    connector = connector_for(sandbox, secret="EPwrong-secret-000000")
    with pytest.raises(AuthenticationError, match="client id and secret"):
        list(connector.fetch("orders", None))
    with pytest.raises(AuthenticationError):
        connector.test_connection()


def test_connection_details(sandbox):
    info_ = connector_for(sandbox).test_connection()
    assert info_.currency == "USD" and info_.details["account_id"] == sandbox.account.account_id
    assert info_.details["balances"]["USD"]["available"] == str(sandbox.account.balances()[0][3])
    assert info_.details["environment"] == "sandbox"


def test_a_pull_survives_429_and_5xx(sandbox, ledger):
    connector = connector_for(sandbox)
    sandbox.faults.rate_limit(2, retry_after="0")
    sandbox.faults.fail(2)
    records, _items, _cursor, _pages = pull(connector, "payouts")
    ours = [movement.external_id for movement in of_type(records, "BalanceMovement")]
    assert ours == [movement.external_id for movement in of_type(ledger[0], "BalanceMovement")]
    assert connector.client.retries == 4


def test_a_malformed_transaction_fails_alone(sandbox, ledger):
    connector = connector_for(sandbox)
    target = info(sandbox.account.rows[20])["transaction_id"]
    sandbox.account.malformed.add(target)
    try:
        failures, parsed = [], 0
        for page in connector.fetch("payouts", None):
            for item in page.items:
                try:
                    parsed += len(connector.parse("payouts", item.payload))
                except RecordError:
                    failures.append(item.external_id)
    finally:
        sandbox.account.malformed.discard(target)
    assert target in failures and len(failures) <= 2  # the movement, and the payout that settles it
    assert parsed >= len(ledger[0]) - 3


def test_every_record_can_be_read_again(sandbox):
    connector = connector_for(sandbox)
    account = sandbox.account
    payment = next(row for row in account.rows if info(row)["transaction_event_code"] == "T0006")
    refund = next(row for row in account.rows if info(row)["transaction_event_code"] == "T1107")
    withdrawal = next(row for row in account.rows if info(row)["transaction_event_code"] == "T0400")
    when = info(withdrawal)["transaction_initiation_date"][:10]
    cases = [
        ("orders", info(payment)["transaction_id"], "Order"),
        ("refunds", info(refund)["transaction_id"], "Refund"),
        ("payouts", info(refund)["transaction_id"], "BalanceMovement"),
        ("payouts", f"{info(withdrawal)['transaction_id']}@{when}", "BalancePayout"),
        ("payouts", next(iter(account.disputes)), "Dispute"),
    ]
    for flow, external_id, kind in cases:
        record = connector.fetch_record(flow, external_id)
        assert type(connector.parse(flow, record.payload)[-1]).__name__ == kind, (flow, external_id)
    with pytest.raises(NotFoundError, match="give the transaction with its date"):
        connector.fetch_record("payouts", info(withdrawal)["transaction_id"])
    with pytest.raises(NotFoundError):
        connector.fetch_record("orders", info(refund)["transaction_id"])


def test_payments_of_a_woocommerce_site_are_its_orders_matched_not_imported():
    forget_tokens()
    with WooCommerceSandbox(profile="us", orders=60, seed=9) as site, PayPalSandbox(seed=4, days=14) as server:
        woo = sandbox_connector(site)
        woo_orders = [order for page in woo.fetch("orders", None) for item in page.items
                      for order in woo.parse("orders", item.payload)]  # fmt: skip
        rows = paypal_paid_orders(site.site.orders.values())
        assert rows
        made = seed_store_payments(server.account, rows)
        # one more paid with a capture id the site keeps, as WooCommerce PayPal Payments does
        kept = StoreOrder(rows[0].order_id, rows[0].number, rows[0].total, rows[0].currency, rows[0].paid_at,
                          rows[0].email, "3C679366HH908993F")  # fmt: skip
        connector = connector_for(server, invoice_prefixes={"WC-": site.site.site_url})
        since = min(row.paid_at for row in rows)[:10]  # the site's orders are older than the account's history
        orders, _items, _cursor, _pages = pull(connector, "orders", since)
        store_ids = {info(row)["transaction_id"] for row in made}
        assert not [order for order in of_type(orders, "Order") if order.external_id in store_ids]
        ledger, _items, _cursor, _pages = pull(connector, "payouts", since)
        movements = [m for m in of_type(ledger, "BalanceMovement") if m.external_id in store_ids]
        assert len(movements) == len(rows)
        by_id = {order.external_id: order for order in woo_orders}
        for movement in movements:
            match = movement.match
            assert match.names_an_order and connector.linked_site(match) == site.site.site_url
            order = matching_order(match, woo_orders, site.site.site_url)
            assert order is by_id[match.order_reference]
            assert movement.amount == order.total and match.email == order.email
        # the capture id the site keeps is found by the first key
        seed_store_payments(server.account, [kept])
        woo_order = by_id[str(kept.order_id)]
        woo_order.transactions[0].external_id = kept.transaction_id
        movement = next(m for m in of_type(pull(connector, "payouts", since)[0], "BalanceMovement")
                        if m.external_id == kept.transaction_id)  # fmt: skip
        movement.match.order_reference = ""
        assert matching_order(movement.match, woo_orders) is woo_order


def test_the_generated_history_is_deterministic():
    now = datetime(2026, 9, 1, tzinfo=timezone.utc)
    first, second = generate(seed=8, days=14, now=now), generate(seed=8, days=14, now=now)
    assert first.rows == second.rows and first.captures == second.captures
