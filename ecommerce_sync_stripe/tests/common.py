"""A Stripe store connected to a sandbox account on 127.0.0.1, and the checks every Stripe store must pass.

Every figure is compared with what the sandbox account holds (its balance
transactions, payouts and balance), never with what Odoo computed.
"""

from decimal import Decimal

from odoo.addons.ecommerce_sync.tools.deadline import Deadline

from ..sandbox import DEFAULT_KEY, StripeSandbox, merchant

D = Decimal
SECRET = "whsec_stripe_sandbox_first"
NEXT_SECRET = "whsec_stripe_sandbox_second"


def cents(value):
    return D(f"{value:.2f}")


def minor(value):
    """Minor units of the account's currency (USD) as Decimal."""
    return (D(value) / 100).quantize(D("0.01"))


class StripeAccountMixin:
    """Starts a Stripe sandbox for the test class; creates stores connected to it."""

    @classmethod
    def start_stripe(cls, account=None, **options):
        cls.stripe_sandbox = StripeSandbox(account=account, **options).start()
        cls.addClassCleanup(cls.stripe_sandbox.stop)
        return cls.stripe_sandbox

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

    @classmethod
    def create_stripe_store(cls, name="Stripe Sandbox", **values):
        return (
            cls.env["ecommerce.store"]
            .with_context(tracking_disable=True)
            .create(
                {
                    "name": name,
                    "platform": "stripe",
                    "stripe_secret_key": DEFAULT_KEY,
                    "stripe_local_test_account": True,
                    "stripe_api_base": cls.stripe_sandbox.url,
                    "webhook_secret": SECRET,
                    "fee_grouping": "transaction",
                    **values,
                }
            )
        )

    @classmethod
    def create_linked_stripe_store(cls, store, name="Stripe for Woo", **values):
        """A Stripe store paying ``store``'s orders (its linked store), connected and set up without taxes."""
        stripe = cls.create_stripe_store(
            name, company_id=store.company_id.id, linked_store_ids=[(6, 0, store.ids)], **values
        )
        merchant.set_up_store(stripe, with_taxes=False)
        return stripe


class StripeLedgerChecks:
    """What ties out for a Stripe store (``self.stripe``) and its sandbox account (``self.account``)."""

    def transactions(self):
        return [self.account.objects[txn_id] for txn_id in self.account.lists["balance_transactions"]]

    def stripe_balance(self):
        balance = self.account.balance()
        return minor(sum(entry["amount"] for entry in balance["available"] + balance["pending"]))

    def account_balance(self, account):
        lines = self.env["account.move.line"].search([("account_id", "=", account.id), ("parent_state", "=", "posted")])
        return cents(sum(lines.mapped("balance")))

    def stripe_payments(self, payment_type):
        return self.env["account.payment"].search(
            [
                ("journal_id", "=", self.stripe.clearing_journal_id.id),
                ("payment_type", "=", payment_type),
                ("paired_internal_transfer_payment_id", "=", False),
                ("state", "!=", "canceled"),
            ]
        )

    def bound(self, kind, external_id):
        return self.env["ecommerce.binding"]._find_record(self.stripe, kind, external_id)

    def assert_fees_are_stripes(self):
        fees = sum((D(txn["fee"]) for txn in self.transactions()), D(0))
        fees -= sum((D(txn["net"]) for txn in self.transactions() if txn["reporting_category"] == "fee"), D(0))
        self.assertEqual(self.account_balance(self.stripe.fee_account_id), minor(fees))
        return minor(fees)

    def assert_clearing_is_stripes_balance(self):
        self.assertEqual(self.account_balance(self.stripe.clearing_account_id), self.stripe_balance())

    def assert_payouts_match_the_bank(self):
        paid = [self.account.get(po) for po in self.account.lists["payouts"]]
        self.assertTrue(paid)
        for payout in paid:
            transfer = self.bound("payout", payout["id"])
            self.assertTrue(transfer, payout["id"])
            self.assertEqual(cents(transfer.amount), minor(payout["amount"]))
            if payout["status"] == "paid":
                self.assertTrue(transfer.paired_internal_transfer_payment_id.is_matched, payout["id"])
        return paid

    def assert_trial_balance_balanced(self):
        lines = self.env["account.move.line"].search(
            [("company_id", "=", self.stripe.company_id.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(cents(sum(lines.mapped("balance"))), D("0.00"))

    def assert_no_mismatch(self):
        open_ones = self.env["ecommerce.discrepancy"].search(
            [
                ("store_id", "=", self.stripe.id),
                ("state", "=", "open"),
                ("kind", "in", ("payout_mismatch", "unmatched_payment", "unknown_movement")),
            ]
        )
        self.assertFalse(open_ones, open_ones.mapped("message"))

    def documents(self):
        return {
            "payments": self.env["account.payment"].search_count([]),
            "entries": self.env["account.move"].search_count([]),
            "bindings": self.env["ecommerce.binding"].search_count([("store_id", "=", self.stripe.id)]),
            "discrepancies": self.env["ecommerce.discrepancy"].search_count([("store_id", "=", self.stripe.id)]),
        }

    def assert_resync_creates_nothing(self):
        before = self.documents()
        self.stripe.write({"cursor_orders": False, "cursor_refunds": False, "cursor_payouts": False})
        logs = self.sync_all(self.stripe)
        self.assertFalse(logs.filtered(lambda log: log.failed_count), logs.line_ids.mapped("error"))
        self.assertEqual(self.documents(), before)


__all__ = ["D", "NEXT_SECRET", "SECRET", "StripeAccountMixin", "StripeLedgerChecks", "cents", "merchant", "minor"]
