"""The demo's Stripe accounts: served by a process of their own, their stores set up, their figures against Stripe's.

Two accounts, each a sandbox process started by ``demo.py`` (so that it keeps running, as the other
sandboxes do, while Odoo serves: "Sync now" works): :func:`start`, served by ``demo_platforms.serve``:

* ``--woocommerce``: the account taking the WooCommerce site's card payments: the charges and refunds
  the site's Stripe gateway made for its card-paid orders (the site regenerated from its seed and
  catalogue), then two automatic payouts;
* ``--stripe``: an account selling on its own (Checkout Sessions, a Payment Link, API charges, refunds,
  a lost and a won dispute, daily payouts): the sandbox's generated history, ending at a moment
  ``demo.py`` fixes.

``demo_setup.py`` (inside Odoo) imports this module to set the stores up as the Stripe sandbox's
``merchant`` module describes, and to sum each store up against its account, regenerated here from
the same description (never read through the connector).
"""

import sys

import demo_platforms

#: the Stripe store of a sandbox: its fields, those read from the sandbox's JSON line, the module setting it up
STORE = {"platform": "stripe", "stripe_local_test_account": True}
FROM_SANDBOX = {"stripe_secret_key": "secret_key", "stripe_api_base": "url"}
MERCHANT = "odoo.addons.ecommerce_sync_stripe.sandbox.merchant"
#: the store's field saying which mode (environment) of the platform it talks to
MODE = "stripe_mode"


def account_of(description):
    """The account a description (the JSON its process is given) stands for, the same every time.

    :param dict description: ``{"site": {...}}`` (a WooCommerce site's url, orders, seed, catalogue, start)
        or ``{"seed": N, "now": unix time}`` (an account with direct sales)
    """
    from odoo.addons.ecommerce_sync_stripe.sandbox import StripeAccount, generate
    from odoo.addons.ecommerce_sync_stripe.sandbox import merchant as stripe_merchant

    site = description.get("site")
    if not site:
        return generate(seed=description["seed"], days=demo_platforms.DIRECT_DAYS, now=description["now"])
    woo = demo_platforms.site_of(site)
    account = StripeAccount(seed=site["seed"])
    charges, _refunds = stripe_merchant.seed_site_payments(account, woo)
    times = sorted(charge["created"] for charge in charges)
    if times:
        stripe_merchant.pay_out(account, times[len(times) // 2] + 2 * 86400 + 60)
        stripe_merchant.pay_out(account, times[-1] + 2 * 86400 + 60)
    return account


def start(description):
    """The sandbox of the account ``description`` stands for: ``(serve, values)`` (see :func:`demo_platforms.serve`)."""
    from odoo.addons.ecommerce_sync_stripe.sandbox import StripeSandbox

    sandbox = StripeSandbox(account=account_of(description))
    counts = {name: len(ids) for name, ids in sandbox.account.lists.items()}
    values = {"url": sandbox.url, "secret_key": sandbox.secret_key, "counts": f"{counts['charges']} charges"}
    return sandbox.serve_forever, values


def summary(store, info):
    """The Stripe store against its account: orders, fees, payouts deposited, clearing against Stripe's balance.

    The payouts that arrived are deposited first (a statement line each, as the bank's would be).
    """
    from odoo.addons.ecommerce_sync_stripe.sandbox.merchant import deposit_payouts, minor_to_amount

    account = account_of(info)
    deposits = deposit_payouts(store, account)
    books = demo_platforms.Books(store)
    txns = [account.objects[txn_id] for txn_id in account.lists["balance_transactions"]]
    balance = account.balance()
    stripe_balance = sum(entry["amount"] for entry in balance["available"] + balance["pending"])

    def money(minor):
        return books.shown(minor_to_amount(minor, "usd"))

    settled = sum(txn["reporting_category"] in ("charge", "refund") for txn in txns)
    # what Stripe kept on each movement, and its own fees (Stripe Tax, Radar: movements of their own)
    fees = sum(txn["fee"] for txn in txns) - sum(txn["net"] for txn in txns if txn["reporting_category"] == "fee")
    rows = [("Charges and refunds in Stripe", settled)]
    if store.linked_store_ids:
        rows.append(("Settled with the site's payments", books.payments))
    else:
        sessions = account.lists.get("checkout_sessions", [])
        rows += books.direct_sales(f"{len(sessions)} Checkout Sessions in Stripe")
    rows += [
        *books.checks(),
        ("Fees", f"Stripe {money(fees)}, fee account {books.booked(store.fee_account_id)}"),
        books.payouts_row("Payouts", f"{len(account.lists['payouts'])} in Stripe", deposits),
        ("Clearing", f"{books.booked(store.clearing_account_id)} (Stripe balance {money(stripe_balance)})"),
    ]
    demo_platforms.print_summary(store.name, rows)


if __name__ == "__main__":
    sys.exit("run by demo.py (the sandbox process) and demo_setup.py (set-up, summary)")
