"""What the demo's payment platform accounts share (``demo_stripe.py``, ``demo_paypal.py``).

A payment platform's account is described by a small JSON object: ``{"site": {...}}`` for the
account taking a WooCommerce sandbox site's payments (the site's url, orders, seed, catalogue and
start: the site is regenerated from them), or ``{"seed": N, "now": unix time}`` for an account
selling on its own. ``demo.py`` starts each account as a process of its own (:func:`serve`, through
its launcher), which prints one JSON line and keeps serving while Odoo runs; ``demo_setup.py``
(inside Odoo) creates its store (:func:`create_store`) and prints its summary, whose figures the
platform's module reads from the account regenerated from the same description and whose Odoo side
is read here (:class:`Books`).
"""

import importlib
import json
from decimal import Decimal

import demo_dates

#: the flows pulled for a payment platform's store, in its connector's order
FLOWS = ("orders", "refunds", "payouts")
#: days of history of an account selling on its own
DIRECT_DAYS = 30


def site_of(site):
    """The WooCommerce sandbox site a description stands for, regenerated: the same orders, ids and dates.

    :param dict site: the site's ``url``, ``orders``, ``seed``, ``catalogue`` (a file) and ``start``
    """
    from odoo.addons.ecommerce_sync_woocommerce.sandbox.data import Article, generate_site

    demo_dates.shift("ecommerce_sync_woocommerce", site.get("start"))
    with open(site["catalogue"], encoding="utf-8") as handle:
        catalogue = [Article.from_dict(item) for item in json.load(handle)]
    return generate_site("us", orders=site["orders"], seed=site["seed"], site_url=site["url"], catalogue=catalogue)


def serve(argv, start):
    """The sandbox process of an account: ``argv`` is ``[description JSON]``.

    :param start: the platform's demo module's ``start(description)`` -> ``(run, values)``: ``run()``
        serves until stopped, ``values`` (its address, credentials, ``counts``: what it holds, in
        words) go on the one JSON line printed, with the description, before it serves
    """
    description = json.loads(argv[0])
    run, values = start(description)
    print(json.dumps({**values, **description}), flush=True)
    try:
        run()
    except KeyboardInterrupt:
        pass
    return 0


def create_store(env, module, info, name, linked=None):
    """A payment platform's store, connected and set up as its sandbox's ``merchant`` module says.

    :param module: the platform's demo module: its ``STORE`` fields, ``FROM_SANDBOX`` (``{field: key of
        the sandbox's JSON line}``: credentials, address) and ``MERCHANT`` (its sandbox's ``merchant``
        module, setting the store up)
    :param dict info: the sandbox's JSON line
    :param linked: the stores whose orders its payments pay (its linked stores), set before their
        orders are imported, so that their payments are received in its clearing journal; none for
        an account selling on its own, whose taxes are mapped and products made instead
    :return: the store
    """
    merchant = importlib.import_module(module.MERCHANT)
    store = env["ecommerce.store"].create(
        {
            "name": name,
            "linked_store_ids": [(6, 0, linked.ids if linked else [])],
            "fee_grouping": "transaction",
            "discrepancy_user_id": env.ref("base.user_admin").id,
            **module.STORE,
            **{field: info[key] for field, key in module.FROM_SANDBOX.items()},
        }
    )
    action = merchant.set_up_store(store, with_taxes=not linked)
    if not linked:
        merchant.create_products(env)
    if store.state != "connected":
        raise SystemExit(f"Test connection failed: {action['params']['message']}")
    return store


class Books:
    """What Odoo holds for a payment platform's store, as its demo summary shows it."""

    def __init__(self, store):
        self.store = store
        self.env = store.env
        Binding = self.env["ecommerce.binding"]
        #: customers' payments and refunds of the platform bound to Odoo payments
        self.payments = Binding.search_count(
            [("store_id", "=", store.id), ("kind", "=", "transaction"), ("res_model", "=", "account.payment")]
        )
        self.payouts = Binding.search([("store_id", "=", store.id), ("kind", "=", "payout")])
        #: payouts whose transfer to the bank is matched with a bank statement line
        self.matched = sum(
            1 for binding in self.payouts if binding._record().paired_internal_transfer_payment_id.is_matched
        )
        self.failed = self.env["ecommerce.sync.log.line"].search_count(
            [("store_id", "=", store.id), ("state", "=", "failed")]
        )
        self.review = self.env["ecommerce.discrepancy"].search_count(
            [
                ("store_id", "=", store.id),
                ("state", "=", "open"),
                ("kind", "in", ("unmatched_payment", "payout_mismatch")),
            ]
        )

    def shown(self, amount, currency=None):
        """``$ 1,204.50`` (Odoo's format of the currency, the company's by default)."""
        currency = currency or self.env.company.currency_id
        return currency.format(float(amount)).replace("\ufeff", "")  # Odoo marks a sign with a zero-width space

    def shown_each(self, amounts):
        """``{currency code: amount}`` shown currency by currency (``$ 10.00 + 2.50 €``; zero when empty)."""
        Currency = self.env["res.currency"].with_context(active_test=False)
        parts = [
            self.shown(value, Currency.search([("name", "=", code)], limit=1))
            for code, value in sorted(amounts.items(), key=lambda item: item[0] != self.env.company.currency_id.name)
            if value
        ]
        return " + ".join(parts) or self.shown(0)

    def lines(self, odoo_account):
        return self.env["account.move.line"].search(
            [("account_id", "=", odoo_account.id), ("parent_state", "=", "posted")]
        )

    def booked(self, odoo_account):
        """The balance of an Odoo account, in the company's currency, shown."""
        return self.shown(sum(self.lines(odoo_account).mapped("balance")))

    def booked_each(self, odoo_account):
        """An Odoo account's amounts in each currency (its lines' amounts in their currencies), shown."""
        totals = {}
        for line in self.lines(odoo_account):
            name = line.currency_id.name
            totals[name] = totals.get(name, Decimal(0)) + Decimal(str(line.amount_currency))
        return self.shown_each({code: round(value, 2) for code, value in totals.items()})

    def direct_sales(self, in_platform):
        """The rows of an account selling on its own: its orders (``in_platform``: what the platform
        counts, in words), what they invoiced, the payments booked."""
        sales = self.env["sale.order"].search([("ecommerce_store_id", "=", self.store.id)])
        invoiced = sales.invoice_ids.filtered(lambda move: move.state == "posted" and move.move_type == "out_invoice")
        return [
            ("Direct sales", f"{len(sales)} orders ({in_platform})"),
            ("Invoiced", self.shown(sum(invoiced.mapped("amount_total_signed")))),
            ("Payments booked", self.payments),
        ]

    def checks(self):
        """The rows every platform's summary has: records failed, payments in review."""
        return [("Records failed (to retry)", self.failed), ("Payments in review, mismatches", self.review)]

    def payouts_row(self, label, in_platform, deposits):
        """``Payouts  27 in Stripe, 27 booked, 25 matched with the 25 bank deposits``."""
        return (
            label,
            f"{in_platform}, {len(self.payouts)} booked, {self.matched} matched with the {len(deposits)} bank deposits",
        )


def print_summary(title, rows):
    """``Summary: <title>`` and its rows, labels aligned."""
    width = max(len(label) for label, _value in rows)
    print(f"\n    Summary: {title}")
    for label, value in rows:
        print(f"    {label:<{width}}  {value}")
