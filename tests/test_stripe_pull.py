"""The Stripe connector against the sandbox: every flow to the end, cursors, events, faults, money to the cent."""

import time
from decimal import Decimal

import pytest
from stripe_support import connector_for, of_type, pull
from woocommerce_support import sandbox_connector

from odoo.addons.ecommerce_sync.connector import (
    AuthenticationError,
    NotFoundError,
    RecordError,
    TransientError,
    money_sum,
)
from odoo.addons.ecommerce_sync.connector.balance import matching_order
from odoo.addons.ecommerce_sync_stripe.connector import PermissionRefused
from odoo.addons.ecommerce_sync_stripe.connector.money import amount as decimal_of
from odoo.addons.ecommerce_sync_stripe.sandbox import (
    StripeSandbox,
    card_paid_orders,
    generate,
    seed_store_charges,
)
from odoo.addons.ecommerce_sync_woocommerce.sandbox import WooCommerceSandbox

ALL_READS = {
    "accounts_kyc_basic_read",
    "balance_read",
    "balance_transaction_source_read",
    "charge_read",
    "payout_read",
    "payment_intent_read",
    "checkout_session_read",
    "event_read",
}


@pytest.fixture(scope="module")
def sandbox():
    with StripeSandbox(seed=3, days=30) as server:
        yield server


@pytest.fixture(scope="module")
def ledger(sandbox):
    """One full pull of the payouts flow (read only: the module's sandbox is not changed)."""
    return pull(connector_for(sandbox), "payouts")


def usd(value):
    return decimal_of(value, "usd")


def test_the_ledger_reads_every_balance_transaction_once_and_adds_up_to_the_balance(sandbox, ledger):
    records, _items, _cursor, pages = ledger
    account = sandbox.account
    movements = of_type(records, "BalanceMovement")
    ids = [movement.external_id for movement in movements]
    assert len(ids) == len(set(ids)) == len(account.lists["balance_transactions"]) > 100
    assert set(ids) == set(account.lists["balance_transactions"])
    # oldest first, as the engine wants them
    stamps = [movement.created_at for movement in movements]
    assert stamps == sorted(stamps)
    assert len(pages) >= 3 and pages[-1].more is False
    balance = account.balance()
    held = sum(entry["amount"] for entry in balance["available"] + balance["pending"])
    assert money_sum(movement.net for movement in movements) == usd(held)
    categories = {movement.category for movement in movements}
    assert {"charge", "refund", "dispute", "dispute_reversal", "fee", "payout", "payout_reversal"} <= categories


def test_payouts_settle_exactly_their_movements(sandbox, ledger):
    records = ledger[0]
    payouts = of_type(records, "BalancePayout")
    assert {payout.external_id for payout in payouts} == set(sandbox.account.lists["payouts"])
    for payout in payouts:
        assert payout.settled_net == payout.amount == payout.net_total, payout.external_id
        assert all(movement.payout_external_id == payout.external_id for movement in payout.movements)
        assert payout.automatic and payout.statement_descriptor == "SANDBOX SUPPLY"
    statuses = {payout.platform_status for payout in payouts}
    assert {"paid", "failed", "in_transit"} <= statuses
    # a returned payout comes twice: with its own movement, then with the movement of its return
    [failed] = {payout.external_id: payout for payout in payouts if payout.status == "failed"}.values()
    assert failed.failure_code == "account_closed"
    reversal = next(m for m in of_type(records, "BalanceMovement") if m.category == "payout_reversal")
    assert reversal.amount == failed.amount and reversal.source_id == failed.external_id
    # the returned money went out again with a later payout
    assert any(reversal.external_id in {m.external_id for m in payout.movements} for payout in payouts)
    fees = money_sum(payout.fees_total for payout in payouts if payout.status != "failed")
    assert fees > 0


def test_each_sent_payout_says_the_balance_right_after_it_left(sandbox, ledger):
    account = sandbox.account
    payouts = of_type(ledger[0], "BalancePayout")
    sent = [payout for payout in payouts if payout.platform_status in ("in_transit", "paid")]
    assert len(sent) >= 10
    for payout in sent:
        own = account.get(payout.balance_transaction_id)
        # Stripe's balance then: the nets of every balance transaction up to the payout's own
        upto = account.position(own["id"])
        held = sum(
            account.objects[txn_id]["net"]
            for txn_id in account.lists["balance_transactions"]
            if account.position(txn_id) <= upto
        )
        assert payout.balance_after == usd(held), payout.external_id
        assert payout.balance_at.timestamp() == own["created"]
    # a payout not sent yet, or returned by the bank, says nothing of the balance
    assert all(payout.balance_after is None for payout in payouts if payout not in sent)


def test_a_charge_in_euros_settles_in_dollars_with_its_rate_and_fees(ledger):
    movements = of_type(ledger[0], "BalanceMovement")
    foreign = [m for m in movements if m.category == "charge" and m.presentment_currency == "EUR"]
    assert foreign
    for movement in foreign:
        assert movement.currency == "USD" and movement.exchange_rate == Decimal("1.0842")
        assert movement.amount == (movement.presentment_amount * movement.exchange_rate).quantize(Decimal("0.01"))
        # 2.9 % + 1.5 % foreign card + 1 % conversion, + 0.30
        expected = (movement.amount * Decimal("0.054")).quantize(Decimal("0.01")) + Decimal("0.30")
        assert movement.fee == expected, movement.external_id
        assert movement.match.currency == "EUR"


def test_disputes_lost_and_won_with_the_dispute_fee(ledger):
    disputes = {dispute.external_id: dispute for dispute in of_type(ledger[0], "Dispute")}
    by_status = {dispute.status: dispute for dispute in disputes.values()}
    lost, won = by_status["lost"], by_status["won"]
    assert lost.withdrawn == lost.amount and lost.reinstated == 0 and lost.fees == Decimal("15.00")
    assert lost.balance_effect == -(lost.amount + Decimal("15.00"))
    assert won.withdrawn == won.reinstated == won.amount and won.fees == 0 and won.balance_effect == 0
    assert won.order_external_id.startswith("pi_") and won.match.transaction_ids[0] == won.charge_external_id


def test_cursor_resume_after_any_page_reads_the_rest_once(sandbox, ledger):
    _records, items, _cursor, pages = ledger
    everything = [item.external_id for item in items]
    taken = []
    for page in pages[:-1]:
        taken += [item.external_id for item in page.items]
        _rest, rest_items, _last, _pages = pull(connector_for(sandbox), "payouts", page.cursor)
        rest = [item.external_id for item in rest_items if item.external_id.startswith("txn_")]
        assert not set(rest) & set(taken)
        assert taken + rest == [item for item in everything if item.startswith("txn_")]


def test_a_cursor_stripe_does_not_know_reads_again_from_its_time(sandbox):
    account = sandbox.account
    charges = sorted((account.objects[c] for c in account.lists["charges"]), key=lambda c: c["created"])
    middle = charges[len(charges) // 2]["created"]
    records, _items, cursor, _pages = pull(connector_for(sandbox), "orders", f"obj={middle}|ch_1OfAnotherAccount0001")
    expected = {c["id"] for c in charges if c["created"] >= middle}
    assert {record.transactions[0].external_id if hasattr(record, "transactions") else record.external_id
            for record in records} == expected  # fmt: skip
    assert cursor.startswith(f"obj={charges[-1]['created']}|{charges[-1]['id']}")


def test_new_records_come_once_even_when_they_share_a_second():
    with StripeSandbox(seed=5, days=14) as server:
        connector = connector_for(server)
        _records, _items, cursor, _pages = pull(connector, "orders")
        account = server.account
        at = int(time.time())
        billing = {"name": "Ada Lovelace", "email": "ada@example.com"}
        made = [account.charge(1000 + n, "usd", at, billing, description=f"Same second {n}") for n in range(3)]
        records, _items, cursor, _pages = pull(connector, "orders", cursor)
        assert sorted(order.external_id for order in records) == sorted(charge["payment_intent"] for charge in made)
        assert sorted(order.total for order in records) == [Decimal("10.00"), Decimal("10.01"), Decimal("10.02")]
        again, _items, _cursor, _pages = pull(connector, "orders", cursor)
        assert again == []


def test_direct_sales_tie_out_to_the_cent(sandbox):
    records, items, _cursor, _pages = pull(connector_for(sandbox), "orders")
    account = sandbox.account
    orders = of_type(records, "Order")
    sessions = {
        account.objects[sid]["payment_intent"]: account.objects[sid] for sid in account.lists["checkout_sessions"]
    }
    assert len(orders) + len(of_type(records, "FailedPayment")) == len(account.lists["charges"]) == len(items)
    for order in orders:
        session = sessions.get(order.external_id)
        if session is None:
            assert order.source_name == "charge" and len(order.lines) == 1 and order.total == order.lines[0].subtotal
            continue
        currency = session["currency"]
        assert order.total == decimal_of(session["amount_total"], currency)
        assert order.total_tax == decimal_of(session["total_details"]["amount_tax"], currency) == order.lines_tax
        assert money_sum(tax.amount for tax in order.tax_lines) == order.total_tax
        lines = money_sum(line.subtotal for line in order.lines) + order.total_shipping
        assert lines + (0 if order.taxes_included else order.lines_tax) == order.total, order.external_id
        assert order.taxes_included is (currency == "eur")
        assert order.captured_amount == order.total and order.financial_status in (
            "paid",
            "partially_refunded",
            "refunded",
        )
        assert order.customer.email == session["customer_details"]["email"] and order.shipping_address.city
        if currency == "eur":
            charge = account.objects[account.objects[order.external_id]["latest_charge"]]
            txn = account.objects[charge["balance_transaction"]]
            assert order.shop_currency == "USD" and order.shop_total == usd(txn["amount"])
    assert {order.source_name for order in orders} == {"checkout", "payment_link", "charge"}
    assert any(order.discounts and order.total_discount for order in orders)
    skus = {line.sku for order in orders for line in order.lines}
    assert {"STR-TEE-01", "STR-MUG-02"} <= skus
    failed = of_type(records, "FailedPayment")
    assert failed and all(f.code == "insufficient_funds" and f.transaction().is_failed_payment for f in failed)


def test_refunds_give_back_the_tax_share_of_their_order(sandbox):
    records, _items, _cursor, _pages = pull(connector_for(sandbox), "refunds")
    account = sandbox.account
    assert len(records) == len(account.lists["refunds"]) == 2
    for refund in records:
        stripe_refund = account.objects[refund.external_id]
        assert refund.order_external_id == stripe_refund["payment_intent"]
        assert refund.total == refund.refunded_amount == usd(stripe_refund["amount"])
        session = next(
            account.objects[sid]
            for sid in account.lists["checkout_sessions"]
            if account.objects[sid]["payment_intent"] == refund.order_external_id
        )
        share = Decimal(stripe_refund["amount"]) * session["total_details"]["amount_tax"] / session["amount_total"]
        assert refund.adjustments[0].tax_amount == usd(int(share.quantize(Decimal(1), rounding="ROUND_HALF_UP")))


def test_events_bring_what_the_lists_cannot_show():
    with StripeSandbox(seed=7, days=14) as server:
        connector = connector_for(server)
        _records, _items, cursor, _pages = pull(connector, "payouts")
        account = server.account
        now = int(time.time())
        transit = next(
            account.objects[p] for p in account.lists["payouts"] if account.objects[p]["status"] == "in_transit"
        )
        account.advance(transit["arrival_date"] + 1)
        open_dispute = account.dispute(account.lists["charges"][0], now)
        account.close_dispute(open_dispute["id"], won=True, at=now + 1)
        records, _items, cursor, _pages = pull(connector, "payouts", cursor)
        payouts = {payout.external_id: payout for payout in of_type(records, "BalancePayout")}
        assert payouts[transit["id"]].status == "paid"
        disputes = of_type(records, "Dispute")
        assert disputes[-1].external_id == open_dispute["id"] and disputes[-1].status == "won"
        movements = of_type(records, "BalanceMovement")
        assert [m.category for m in movements] == ["dispute", "dispute_reversal"]
        assert money_sum(m.net for m in movements) == 0
        again, _items, _cursor, _pages = pull(connector, "payouts", cursor)
        assert of_type(again, "BalanceMovement") == []


def test_a_pull_survives_429_bursts_and_retriable_5xx(sandbox, ledger):
    connector = connector_for(sandbox)
    sandbox.faults.rate_limit_next = 3
    sandbox.faults.fail_next = [(500, "true"), (503, None)]
    try:
        records, _items, _cursor, _pages = pull(connector, "payouts")
    finally:
        sandbox.faults.rate_limit_next, sandbox.faults.fail_next = 0, []
    assert [m.external_id for m in of_type(records, "BalanceMovement")] == [
        m.external_id for m in of_type(ledger[0], "BalanceMovement")
    ]
    assert connector.client.retries == 5 and len(connector.client.sleep.waits) == 5


def test_an_error_stripe_says_not_to_retry_stops_the_run_before_the_cursor_moves(sandbox, ledger):
    connector = connector_for(sandbox)
    pages = ledger[3]
    stored = None
    sandbox.faults.fail_next = []
    with pytest.raises(TransientError, match="not to be retried"):
        for index, page in enumerate(connector.fetch("payouts", None)):
            stored = page.cursor
            if index == 0:
                sandbox.faults.fail_next = [(500, "false")]
    sandbox.faults.fail_next = []
    assert stored == pages[0].cursor
    assert connector.client.retries == 0


def test_a_refused_key_stops_the_run(sandbox):
    connector = connector_for(sandbox, key="sk_test_51WrongKey00000000000000000")
    with pytest.raises(AuthenticationError, match="HTTP 401"):
        list(connector.fetch("orders", None))
    with pytest.raises(AuthenticationError):
        connector.test_connection()


def test_a_restricted_key_is_told_which_read_permissions_it_lacks():
    keys = {
        "rk_test_51AllReads000000000000000000": ALL_READS,
        "rk_test_51SomeReads00000000000000000": ALL_READS - {"payout_read", "event_read", "accounts_kyc_basic_read"},
    }
    with StripeSandbox(seed=2, days=14, restricted_keys=keys) as server:
        info = connector_for(server, key="rk_test_51AllReads000000000000000000").test_connection()
        assert info.details["restricted_key"] and info.details["mode"] == "test"
        assert info.name == "Sandbox Supply Co." and info.currency == "USD"
        partial = connector_for(server, key="rk_test_51SomeReads00000000000000000")
        with pytest.raises(PermissionRefused) as raised:
            partial.test_connection()
        message = str(raised.value)
        assert "Payouts (payout_read)" in message and "Events (event_read)" in message
        assert "Charges" not in message and "rk_test_51SomeReads" not in message
        assert set(raised.value.permission.split(",")) == {"payout_read", "event_read"}


def test_connection_details(sandbox):
    info = connector_for(sandbox).test_connection()
    balance = sandbox.account.balance()
    assert info.details["account_id"] == sandbox.account.account_id and not info.details["restricted_key"]
    assert info.details["balance_available"] == {"USD": str(usd(balance["available"][0]["amount"]))}
    assert info.details["api_version"] == "2026-10-28.endive"


def test_a_malformed_object_fails_alone(sandbox, ledger):
    connector = connector_for(sandbox)
    account = sandbox.account
    target = next(t for t in account.lists["balance_transactions"][10:] if account.objects[t]["type"] == "charge")
    account.malformed.add(target)
    try:
        failures, parsed = [], 0
        for page in connector.fetch("payouts", None):
            for item in page.items:
                try:
                    parsed += len(connector.parse("payouts", item.payload))
                except RecordError as exc:
                    failures.append((item.external_id, str(exc)))
    finally:
        account.malformed.discard(target)
    # the payout that settles it cannot be read whole either: it waits for a retry too
    payout = next(account.objects[p] for p, lines in account.payout_lines.items() if target in lines)
    assert [item for item, _message in failures] == [target, payout["balance_transaction"]]
    assert "integer amount in minor units" in failures[0][1]
    assert parsed == len(ledger[0]) - 3  # the charge's movement; the payout's movement and payout


def test_every_object_can_be_read_again(sandbox):
    connector = connector_for(sandbox)
    account = sandbox.account
    charge = account.objects[account.lists["charges"][-1]]
    refund = account.objects[account.lists["refunds"][0]]
    cases = [
        ("orders", charge["id"], "Order"),
        ("orders", charge["payment_intent"], "Order"),
        ("refunds", refund["id"], "Refund"),
        ("refunds", refund["charge"], "Refund"),
        ("payouts", account.lists["payouts"][0], "BalancePayout"),
        ("payouts", account.lists["disputes"][0], "Dispute"),
        ("payouts", account.lists["balance_transactions"][0], "BalanceMovement"),
    ]
    for flow, object_id, kind in cases:
        record = connector.fetch_record(flow, object_id)
        assert type(connector.parse(flow, record.payload)[-1]).__name__ == kind, (flow, object_id)
    with pytest.raises(NotFoundError):
        connector.fetch_record("orders", "ch_1Sbx0000000000000000")


def test_charges_of_a_woocommerce_site_are_its_orders_matched_not_imported():
    with WooCommerceSandbox(profile="us", orders=40, seed=9) as site, StripeSandbox(seed=4, days=14) as server:
        woo = sandbox_connector(site)
        woo_orders = [order for page in woo.fetch("orders", None) for item in page.items
                      for order in woo.parse("orders", item.payload)]  # fmt: skip
        rows = card_paid_orders(site.site.orders.values())
        assert rows and all(row.transaction_id.startswith("pi_") for row in rows)
        made = seed_store_charges(server.account, rows, site.site.site_url, site.site.profile.title)
        connector = connector_for(server, site_urls=[site.site.site_url])
        orders, _items, _cursor, _pages = pull(connector, "orders")
        store_charges = {charge["id"] for charge in made}
        assert not [order for order in of_type(orders, "Order") if order.transactions[0].external_id in store_charges]
        direct = next(m for m in of_type(ledger_of(connector), "BalanceMovement") if m.category == "charge"
                      and m.source_id not in store_charges)  # fmt: skip
        assert connector.linked_site(direct.match) == ""
        ledger, _items, _cursor, _pages = pull(connector, "payouts")
        movements = [m for m in of_type(ledger, "BalanceMovement") if m.source_id in store_charges]
        assert len(movements) == len(rows)
        by_id = {order.external_id: order for order in woo_orders}
        for movement in movements:
            match = movement.match
            assert match.names_an_order and connector.linked_site(match) == site.site.site_url
            order = matching_order(match, woo_orders, site.site.site_url)
            assert order is by_id[match.order_reference]
            # the WooCommerce order keeps the payment intent: found by the first key already
            assert order.transactions[0].external_id in match.transaction_ids
            assert movement.amount == order.total and match.email == order.email


def ledger_of(connector):
    return pull(connector, "payouts")[0]


def test_a_charge_naming_another_stores_order_read_as_a_direct_sale():
    """A charge a user confirmed as a sale of the account (linked by hand): its order, though it names one."""
    with StripeSandbox(seed=4, days=14) as server:
        charge = server.account.charge(
            4200,
            "usd",
            server.account.current_time,
            {"email": "walk.in@example.com", "name": "Walk In"},
            description="Phone order",
            metadata={"site_url": "https://old-shop.example.com", "order_id": "311"},
        )
        connector = connector_for(server)
        assert connector.parse("orders", connector.fetch_record("orders", charge["id"]).payload) == []
        order = connector.fetch_direct_sale(charge["id"])
        assert order.external_id == charge["payment_intent"]
        assert order.total == Decimal("42.00") and order.currency == "USD"
        assert [(line.quantity, line.unit_price, line.taxable) for line in order.lines] == [
            (1, Decimal("42.00"), False)
        ]
        assert order.email == "walk.in@example.com" and order.customer.email == "walk.in@example.com"
        assert [(t.external_id, t.amount, t.is_captured_payment) for t in order.transactions] == [
            (charge["id"], Decimal("42.00"), True)
        ]
        with pytest.raises(NotFoundError):
            connector.fetch_direct_sale(charge["payment_intent"])


def test_the_generated_history_is_deterministic():
    first, second = generate(seed=8, days=14, now=1796000000), generate(seed=8, days=14, now=1796000000)
    assert first.lists == second.lists
    assert [first.objects[i]["amount"] for i in first.lists["balance_transactions"]] == [
        second.objects[i]["amount"] for i in second.lists["balance_transactions"]
    ]
