"""What every payment platform store connected to its sandbox must show in Odoo's books.

Mixed into a connector addon's test case, whose ``platform_store`` is the payment platform's store.
Every figure is compared with what the platform's sandbox holds, never with what Odoo computed.
"""

from decimal import Decimal

from ..tools.deadline import Deadline

D = Decimal
#: discrepancies that say the platform's money does not tie out
MISMATCHES = ("payout_mismatch", "unmatched_payment", "unknown_movement", "balance_mismatch")


def cents(value):
    """An Odoo amount (float) to the cent."""
    return D(f"{value:.2f}")


class PaymentPlatformChecks:
    """Syncs and tie-out checks of the payment platform store ``self.platform_store`` (the case defines it)."""

    @classmethod
    def start_platform_sandbox(cls, sandbox_class, account=None, **options):
        """A platform's sandbox server started for the test class (stopped after it).

        :param sandbox_class: the platform's sandbox (e.g. ``StripeSandbox``)
        :param account: its account state (generated from ``options`` when None)
        """
        sandbox = sandbox_class(account=account, **options).start()
        cls.addClassCleanup(sandbox.stop)
        return sandbox

    @classmethod
    def create_platform_store(cls, name, platform, **values):
        """A store of ``platform`` with its connection ``values``; fees booked per transaction unless said."""
        return (
            cls.env["ecommerce.store"]
            .with_context(tracking_disable=True)
            .create({"name": name, "platform": platform, "fee_grouping": "transaction", **values})
        )

    @classmethod
    def direct_sales_store(cls, start, create_store, merchant, name, **values):
        """A platform's generated sandbox account (``cls.account``: two weeks of direct sales) and its store,
        set up as the merchant would: connected, its accounting, the taxes of its sales and its products.

        :param start: the platform mixin's ``start_<platform>``
        :param create_store: the platform mixin's ``create_<platform>_store``
        :param merchant: the platform sandbox's ``merchant`` module
        """
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.account = start(seed=1, days=14).account
        store = create_store(name, **values)
        merchant.set_up_store(store)
        merchant.create_products(cls.env)
        return store

    @classmethod
    def linked_platform_store(cls, start, create_store, merchant, account, linked, name):
        """A platform's sandbox ``account`` started, and its store paying the orders of the store ``linked``
        (e.g. a web shop), set up as the merchant would (no taxes: it sells nothing itself).

        :param start: / ``create_store``, ``merchant``: as for :meth:`direct_sales_store`
        """
        start(account=account)
        store = create_store(name, company_id=linked.company_id.id, linked_store_ids=[(6, 0, linked.ids)])
        merchant.set_up_store(store, with_taxes=False)
        return store

    @classmethod
    def sync_all(cls, store, rounds=20):
        """ "Sync now" until the store has nothing more pending (the scheduled runs a real store gets)."""
        logs = cls.env["ecommerce.sync.log"]
        for _round in range(rounds):
            run = cls.env["ecommerce.sync.engine"].sync_store(store, deadline=Deadline(3600))
            logs |= run
            if not run.filtered("more_pending"):
                break
        return logs

    def account_balance(self, account):
        lines = self.env["account.move.line"].search([("account_id", "=", account.id), ("parent_state", "=", "posted")])
        return cents(sum(lines.mapped("balance")))

    def platform_payments(self, payment_type):
        """The customers' payments (inbound) or refunds (outbound) of the platform's clearing journal."""
        return self.env["account.payment"].search(
            [
                ("journal_id", "=", self.platform_store.clearing_journal_id.id),
                ("payment_type", "=", payment_type),
                ("paired_internal_transfer_payment_id", "=", False),
                ("state", "!=", "canceled"),
            ]
        )

    def bound(self, kind, external_id):
        return self.env["ecommerce.binding"]._find_record(self.platform_store, kind, external_id)

    def assert_trial_balance_balanced(self):
        lines = self.env["account.move.line"].search(
            [("company_id", "=", self.platform_store.company_id.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(cents(sum(lines.mapped("balance"))), D("0.00"))

    def assert_no_mismatch(self):
        open_ones = self.env["ecommerce.discrepancy"].search(
            [("store_id", "=", self.platform_store.id), ("state", "=", "open"), ("kind", "in", MISMATCHES)]
        )
        self.assertFalse(open_ones, open_ones.mapped("message"))

    def documents(self):
        store = self.platform_store
        return {
            "payments": self.env["account.payment"].search_count([]),
            "entries": self.env["account.move"].search_count([]),
            "bindings": self.env["ecommerce.binding"].search_count([("store_id", "=", store.id)]),
            "discrepancies": self.env["ecommerce.discrepancy"].search_count([("store_id", "=", store.id)]),
        }

    def assert_resync_creates_nothing(self, cursor=False):
        """Every flow read again from ``cursor`` (the start): nothing new in the books."""
        before = self.documents()
        self.platform_store.write({"cursor_orders": cursor, "cursor_refunds": cursor, "cursor_payouts": cursor})
        logs = self.sync_all(self.platform_store)
        self.assertFalse(logs.filtered(lambda log: log.failed_count), logs.line_ids.mapped("error"))
        self.assertEqual(self.documents(), before)
        return logs
