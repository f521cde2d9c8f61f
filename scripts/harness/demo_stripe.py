"""The demo's Stripe accounts: served by a process of their own, their stores set up, their figures against Stripe's.

Two accounts, each a sandbox process started by ``demo.py`` (so that it keeps running, as the other
sandboxes do, while Odoo serves: "Sync now" works) through :func:`serve`, which prints one JSON line:

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

import json
import sys

import demo_dates

#: the flows pulled for a Stripe store, in the connector's order
FLOWS = ("orders", "refunds", "payouts")
#: days of history of the account selling on its own
DIRECT_DAYS = 30


def account_of(description):
    """The account a description (the JSON ``serve`` is given) stands for, the same every time.

    :param dict description: ``{"site": {...}}`` (a WooCommerce site's url, orders, seed, catalogue)
        or ``{"seed": N, "now": unix time}`` (an account with direct sales)
    """
    from odoo.addons.ecommerce_sync_stripe.sandbox import StripeAccount, generate
    from odoo.addons.ecommerce_sync_stripe.sandbox import merchant as stripe_merchant

    site = description.get("site")
    if not site:
        return generate(seed=description["seed"], days=DIRECT_DAYS, now=description["now"])
    from odoo.addons.ecommerce_sync_woocommerce.sandbox.data import Article, generate_site

    demo_dates.shift("ecommerce_sync_woocommerce", site.get("start"))
    with open(site["catalogue"], encoding="utf-8") as handle:
        catalogue = [Article.from_dict(item) for item in json.load(handle)]
    woo = generate_site("us", orders=site["orders"], seed=site["seed"], site_url=site["url"], catalogue=catalogue)
    account = StripeAccount(seed=site["seed"])
    charges, _refunds = stripe_merchant.seed_site_payments(account, woo)
    times = sorted(charge["created"] for charge in charges)
    if times:
        stripe_merchant.pay_out(account, times[len(times) // 2] + 2 * 86400 + 60)
        stripe_merchant.pay_out(account, times[-1] + 2 * 86400 + 60)
    return account


def serve(argv):
    """The sandbox process: ``[description JSON]``; one JSON line (url, secret key, counts), then serves."""
    from odoo.addons.ecommerce_sync_stripe.sandbox import StripeSandbox

    description = json.loads(argv[0])
    sandbox = StripeSandbox(account=account_of(description))
    counts = {name: len(ids) for name, ids in sandbox.account.lists.items()}
    print(json.dumps({"url": sandbox.url, "secret_key": sandbox.secret_key, **description, **counts}), flush=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def setup_store(env, info, name, linked=None):
    """The Stripe store of a sandbox (its JSON line), connected and set up as the sandbox's ``merchant`` module says.

    :param linked: the stores whose orders its charges pay (its linked stores), set before their
        orders are imported, so that their card payments are received in its clearing journal;
        none for an account selling on its own, whose tax rates and products are set up instead
    :return: the store
    """
    from odoo.addons.ecommerce_sync_stripe.sandbox import merchant as stripe_merchant

    store = env["ecommerce.store"].create(
        {
            "name": name,
            "platform": "stripe",
            "stripe_secret_key": info["secret_key"],
            "stripe_local_test_account": True,
            "stripe_api_base": info["url"],
            "linked_store_ids": [(6, 0, linked.ids if linked else [])],
            "fee_grouping": "transaction",
            "discrepancy_user_id": env.ref("base.user_admin").id,
        }
    )
    action = stripe_merchant.set_up_store(store, with_taxes=not linked)
    if not linked:
        stripe_merchant.create_products(env)
    if store.state != "connected":
        raise SystemExit(f"Test connection failed: {action['params']['message']}")
    return store


def summary(store, info):
    """The Stripe store against its account: orders, fees, payouts deposited, clearing against Stripe's balance.

    The payouts that arrived are deposited first (a statement line each, as the bank's would be).
    """
    from odoo.addons.ecommerce_sync_stripe.sandbox.merchant import deposit_payouts, minor_to_amount

    env = store.env
    account = account_of(info)
    deposits = deposit_payouts(store, account)
    currency = env.company.currency_id
    txns = [account.objects[txn_id] for txn_id in account.lists["balance_transactions"]]
    balance = account.balance()
    stripe_balance = sum(entry["amount"] for entry in balance["available"] + balance["pending"])

    def shown(amount):
        return currency.format(amount).replace("\ufeff", "")  # Odoo marks a sign with a zero-width space

    def money(minor):
        return shown(float(minor_to_amount(minor, "usd")))

    def booked(odoo_account):
        lines = env["account.move.line"].search([("account_id", "=", odoo_account.id), ("parent_state", "=", "posted")])
        return shown(sum(lines.mapped("balance")))

    Binding = env["ecommerce.binding"]
    payments = Binding.search_count(
        [("store_id", "=", store.id), ("kind", "=", "transaction"), ("res_model", "=", "account.payment")]
    )
    payouts = Binding.search([("store_id", "=", store.id), ("kind", "=", "payout")])
    matched = sum(1 for binding in payouts if binding._record().paired_internal_transfer_payment_id.is_matched)
    failed = env["ecommerce.sync.log.line"].search_count([("store_id", "=", store.id), ("state", "=", "failed")])
    review = env["ecommerce.discrepancy"].search_count(
        [("store_id", "=", store.id), ("state", "=", "open"), ("kind", "in", ("unmatched_payment", "payout_mismatch"))]
    )
    settled = sum(txn["reporting_category"] in ("charge", "refund") for txn in txns)
    # what Stripe kept on each movement, and its own fees (Stripe Tax, Radar: movements of their own)
    fees = sum(txn["fee"] for txn in txns) - sum(txn["net"] for txn in txns if txn["reporting_category"] == "fee")
    rows = [("Charges and refunds in Stripe", settled)]
    if store.linked_store_ids:
        rows.append(("Settled with the site's payments", payments))
    else:
        sales = env["sale.order"].search([("ecommerce_store_id", "=", store.id)])
        invoiced = sales.invoice_ids.filtered(lambda move: move.state == "posted" and move.move_type == "out_invoice")
        sessions = [account.objects[key] for key in account.lists.get("checkout_sessions", [])]
        rows += [
            ("Direct sales", f"{len(sales)} orders ({len(sessions)} Checkout Sessions in Stripe)"),
            ("Invoiced", shown(sum(invoiced.mapped("amount_total_signed")))),
            ("Payments booked", payments),
        ]
    rows += [
        ("Records failed (to retry)", failed),
        ("Payments in review, mismatches", review),
        ("Fees", f"Stripe {money(fees)}, fee account {booked(store.fee_account_id)}"),
        (
            "Payouts",
            f"{len(account.lists['payouts'])} in Stripe, {len(payouts)} booked, {matched} matched "
            f"with the {len(deposits)} bank deposits",
        ),  # fmt: skip
        ("Clearing", f"{booked(store.clearing_account_id)} (Stripe balance {money(stripe_balance)})"),
    ]
    width = max(len(label) for label, _value in rows)
    print(f"\n    Summary: {store.name}")
    for label, value in rows:
        print(f"    {label:<{width}}  {value}")


if __name__ == "__main__":
    sys.exit("run by demo.py (serve) and demo_setup.py (set-up, summary)")
