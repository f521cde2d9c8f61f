"""The demo's PayPal accounts: served by a process of their own, their stores set up, their figures against PayPal's.

Two accounts, each a sandbox process started by ``demo.py`` (so that it keeps running, as the other
sandboxes do, while Odoo serves: "Sync now" works): :func:`start`, served by ``demo_platforms.serve``:

* ``--woocommerce --paypal``: the account taking the WooCommerce site's PayPal payments: the payments
  WooCommerce PayPal Payments made for the site's PayPal-paid orders and the refunds the site made
  through PayPal (the site regenerated from its seed and catalogue), with two withdrawals to the
  bank, the last payment left in the balance (:func:`seed_from_site`);
* ``--paypal`` alone: an account selling on its own (PayPal Checkout sales in dollars and euros, an
  invoice, an eCheck, refunds, chargebacks, a hold, a withdrawal every third day): the sandbox's
  generated history, ending at a moment ``demo.py`` fixes.

Inside Odoo, ``demo_setup.py`` connects each store (:data:`STORE`: its fields and credentials, the
PayPal sandbox's ``merchant`` module setting it up) and prints its :func:`summary`: the store's books
against the account, regenerated here from the same description, never read through the connector.
"""

import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import demo_platforms

#: the PayPal store of a sandbox: its fields, those read from the sandbox's JSON line, the module setting it up
STORE = {"platform": "paypal", "paypal_environment": "sandbox", "paypal_local_test_account": True}
FROM_SANDBOX = {"paypal_client_id": "client_id", "paypal_client_secret": "client_secret", "paypal_api_base": "url"}
MERCHANT = "odoo.addons.ecommerce_sync_paypal.sandbox.merchant"
#: the store's field saying which mode (environment) of the platform it talks to
MODE = "paypal_environment"
#: how long after a payment the merchant withdraws what is available
WITHDRAWAL_AFTER = timedelta(hours=1)
#: how long before the site's last PayPal payment the merchant withdraws for the last time
LAST_ONE = timedelta(minutes=1)


def account_of(description):
    """The account a description (the JSON its process is given) stands for, the same every time.

    :param dict description: ``{"site": {...}}`` (a WooCommerce site's url, orders, seed, catalogue, start)
        or ``{"seed": N, "now": unix time}`` (an account with direct sales, its history ending then)
    """
    from odoo.addons.ecommerce_sync_paypal.sandbox import PayPalAccount, generate

    site = description.get("site")
    if not site:
        now = datetime.fromtimestamp(description["now"], timezone.utc)
        return generate(seed=description["seed"], days=demo_platforms.DIRECT_DAYS, now=now)
    account = PayPalAccount(seed=site["seed"])
    seed_from_site(account, demo_platforms.site_of(site))
    return account


def seed_from_site(account, site):
    """The site's PayPal payments and PayPal refunds in ``account``, in time order, with the merchant's
    withdrawals of all that is available: an hour after the middle payment and a minute before the last
    one (the last payment, and the refunds after it, stay in the PayPal balance).

    :param site: the WooCommerce sandbox's site state
    :return: ``(payments, refunds)``: their Transaction Search rows
    """
    from odoo.addons.ecommerce_sync.connector import to_datetime
    from odoo.addons.ecommerce_sync_paypal.sandbox import merchant as paypal_merchant
    from odoo.addons.ecommerce_sync_paypal.sandbox import paypal_paid_orders

    times = sorted(to_datetime(row.paid_at, "paid_at") for row in paypal_paid_orders(site.orders.values()))
    then = []
    if len(times) >= 2:
        then = [(times[(len(times) - 1) // 2] + WITHDRAWAL_AFTER, _withdraw), (times[-1] - LAST_ONE, _withdraw)]
    return paypal_merchant.seed_site_payments(account, site, then=then)


def _withdraw(account, at, _captures):
    account.withdraw(at)


def start(description):
    """The sandbox of the account ``description`` stands for: ``(serve, values)`` (see :func:`demo_platforms.serve`)."""
    from odoo.addons.ecommerce_sync_paypal.sandbox import PayPalSandbox

    sandbox = PayPalSandbox(account=account_of(description))
    values = {
        "url": sandbox.url,
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "counts": f"{len(sandbox.account.rows)} transactions",
    }
    return sandbox.serve_until_stopped, values


def figures(account):
    """What PayPal says: ``(payments and refunds, fees, withdrawals, balance)``.

    Payments and refunds are counted once settled or pending (a denied payment moved nothing); fees,
    ``{currency: amount}``, are what PayPal kept on each transaction (less what it gave back on
    refunds) and the fees it charged apart (T01nn, a chargeback's fee); withdrawals are those that
    went through; the balance is the balance after the last transaction, per currency.
    """
    from odoo.addons.ecommerce_sync_paypal.connector.codes import category

    settled, fees, withdrawals = 0, {}, 0
    for row in account.rows:
        data = row["transaction_info"]
        if data["transaction_status"] not in ("S", "P"):
            continue
        code, currency = data["transaction_event_code"], data["transaction_amount"]["currency_code"]
        gross = Decimal(data["transaction_amount"]["value"])
        kind = category(code, gross)
        settled += kind in ("charge", "refund")
        withdrawals += kind == "payout"
        kept = -Decimal((data.get("fee_amount") or {}).get("value") or 0) - (gross if kind == "fee" else 0)
        fees[currency] = fees.get(currency, Decimal(0)) + kept
    return settled, fees, withdrawals, dict(account.balance)


def summary(store, info):
    """The PayPal store against its account: payments, fees, withdrawals deposited, clearing against PayPal's balance.

    The withdrawals are deposited first (a statement line each, as the bank's would be).
    """
    from odoo.addons.ecommerce_sync_paypal.sandbox import merchant as paypal_merchant

    account = account_of(info)
    deposits = paypal_merchant.deposit_withdrawals(store, account)
    books = demo_platforms.Books(store)
    settled, fees, withdrawals, balance = figures(account)
    rows = [("Payments and refunds in PayPal", settled)]
    if store.linked_store_ids:
        rows.append(("Settled with the site's payments", books.payments))
    else:
        payments = [row["transaction_info"] for row in account.rows]
        payments = [data for data in payments if data["transaction_event_code"].startswith("T00")]
        denied = sum(data["transaction_status"] == "D" for data in payments)
        rows += books.direct_sales(f"{len(payments) - denied} payments in PayPal, {denied} denied")
    rows += [
        *books.checks(),
        ("Fees", f"PayPal {books.shown_each(fees)}, fee account {books.booked_each(store.fee_account_id)}"),
        books.payouts_row("Withdrawals", f"{withdrawals} in PayPal", deposits),
        (
            "Clearing",
            f"{books.booked_each(store.clearing_account_id)} (PayPal balance {books.shown_each(balance)})",
        ),
    ]
    demo_platforms.print_summary(store.name, rows)


if __name__ == "__main__":
    sys.exit("run by demo.py (the sandbox process) and demo_setup.py (set-up, summary)")
