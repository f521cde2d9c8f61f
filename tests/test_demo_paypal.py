"""The demo's PayPal accounts: the one paying the WooCommerce site holds exactly the site's PayPal money, and
the figures its summary compares with Odoo's are PayPal's own."""

import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from odoo.addons.ecommerce_sync.connector import to_datetime
from odoo.addons.ecommerce_sync_paypal.sandbox import CHARGEBACK_FEE, FEE_RATE, FIXED_FEES, paypal_paid_orders
from odoo.addons.ecommerce_sync_paypal.sandbox.state import cents
from odoo.addons.ecommerce_sync_woocommerce.sandbox import state

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts" / "harness"))
import demo_dates
import demo_paypal
import demo_platforms
import shared_catalogue

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 6, 15, 12, 30, tzinfo=timezone.utc)
WOOCOMMERCE = "ecommerce_sync_woocommerce"


@pytest.fixture
def restore_start():
    start = state.START
    yield
    state.START = start


@pytest.fixture(params=[60, 120])
def site(request, tmp_path, restore_start):
    """A WooCommerce site as the demo describes it to the PayPal account's process."""
    orders = request.param
    catalogue = tmp_path / "catalogue.json"
    shared_catalogue.main(str(REPO), "1", str(orders), str(catalogue))
    start = demo_dates.demo_start(orders, WOOCOMMERCE, now=NOW)
    return {"url": "http://127.0.0.1:9", "orders": orders, "seed": 1, "catalogue": str(catalogue), "start": start}


def data(row):
    return row["transaction_info"]


def amount(row, key="transaction_amount"):
    return Decimal((data(row).get(key) or {}).get("value") or "0")


def coded(account, prefix):
    return [row for row in account.rows if data(row)["transaction_event_code"].startswith(prefix)]


def test_one_payment_per_paypal_paid_order_of_the_site(site):
    account = demo_paypal.account_of({"site": site})
    orders = paypal_paid_orders(demo_platforms.site_of(site).orders.values())
    payments = coded(account, "T00")
    assert len(orders) >= 5
    assert len(payments) == len(orders)
    by_invoice = {data(row)["invoice_id"]: row for row in payments}
    for order in orders:
        row = by_invoice[f"WC-{order.number}"]
        assert data(row)["custom_field"] == str(order.order_id)
        assert amount(row) == order.total
        assert data(row)["transaction_status"] == "S"


def test_refunds_are_the_sites_paypal_refunds(site):
    account = demo_paypal.account_of({"site": site})
    woo = demo_platforms.site_of(site)
    paid = {str(order.order_id) for order in paypal_paid_orders(woo.orders.values())}
    refunded = sorted(
        Decimal(refund["amount"])
        for order_id, refunds in woo.refunds.items()
        if str(order_id) in paid
        for refund in refunds
        if refund["refunded_payment"]
    )
    refunds = coded(account, "T1107")
    assert refunds, "the site refunds some PayPal payments through PayPal"
    assert sorted(-amount(row) for row in refunds) == refunded
    # PayPal gives back the percentage part of its fee
    assert all(amount(row, "fee_amount") > 0 for row in refunds)


def test_two_withdrawals_leave_the_last_payment_in_the_balance(site):
    account = demo_paypal.account_of({"site": site})
    withdrawals = coded(account, "T04")
    assert len(withdrawals) == 2
    last_payment = coded(account, "T00")[-1]
    moment = {id(row): to_datetime(data(row)["transaction_initiation_date"], "date") for row in account.rows}
    assert moment[id(withdrawals[0])] < moment[id(withdrawals[1])] < moment[id(last_payment)]
    for row in withdrawals:
        assert amount(row) < 0
        assert amount(row, "ending_balance") == 0, "all that was available went to the bank"
    after = [row for row in account.rows if moment[id(row)] > moment[id(withdrawals[1])]]
    assert last_payment in after
    left = sum((amount(row) + amount(row, "fee_amount") for row in after), Decimal(0))
    assert account.balance == {"USD": left}
    # everything happened before the demo's sync reads the account
    assert max(moment.values()) <= NOW


def test_the_summarys_figures_are_paypals(site):
    account = demo_paypal.account_of({"site": site})
    settled, fees, withdrawals, balance = demo_paypal.figures(account)
    payments, refunds = coded(account, "T00"), coded(account, "T1107")
    assert settled == len(payments) + len(refunds)
    assert withdrawals == 2
    # PayPal's rate on each payment, less the part it gave back on refunds
    charged = sum((cents(amount(row) * FEE_RATE) + FIXED_FEES["USD"] for row in payments), Decimal(0))
    given_back = sum((amount(row, "fee_amount") for row in refunds), Decimal(0))
    assert fees == {"USD": charged - given_back}
    moved = sum((amount(row) for row in payments + refunds + coded(account, "T04")), Decimal(0))
    assert balance == {"USD": moved - fees["USD"]}


def test_the_same_description_gives_the_same_account(site):
    """The summary regenerates the account the process serves: the same transactions, ids included."""
    first, second = demo_paypal.account_of({"site": site}), demo_paypal.account_of({"site": site})
    assert first.rows == second.rows
    assert [data(row)["transaction_id"] for row in first.rows] == [data(row)["transaction_id"] for row in second.rows]


def test_direct_sales_fees_count_the_chargeback_fees():
    now = NOW - timedelta(hours=5)
    account = demo_paypal.account_of({"seed": 1, "now": int(now.timestamp())})
    settled, fees, withdrawals, _balance = demo_paypal.figures(account)
    kept = {}
    for row in account.rows:
        if data(row)["transaction_status"] in ("S", "P"):
            currency = data(row)["transaction_amount"]["currency_code"]
            kept[currency] = kept.get(currency, Decimal(0)) - amount(row, "fee_amount")
    chargebacks = coded(account, "T1201")
    assert len(chargebacks) == 2
    assert fees == {"USD": kept["USD"] + 2 * CHARGEBACK_FEE, "EUR": kept["EUR"]}
    assert withdrawals == len(coded(account, "T04")) >= 9
    denied = [row for row in coded(account, "T00") if data(row)["transaction_status"] == "D"]
    assert settled == len(coded(account, "T00")) - len(denied) + len(coded(account, "T1107"))
