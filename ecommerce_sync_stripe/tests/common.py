"""A Stripe store connected to a sandbox account on 127.0.0.1, and the checks every Stripe store must pass.

Every figure is compared with what the sandbox account holds (its balance
transactions, payouts and balance), never with what Odoo computed.
"""

from odoo.addons.ecommerce_sync.tests.common_platform import D, PaymentPlatformChecks, cents

from ..sandbox import DEFAULT_KEY, StripeAccount, StripeSandbox, merchant

SECRET = "whsec_stripe_sandbox_first"
NEXT_SECRET = "whsec_stripe_sandbox_second"


DAY = 86400


def minor(value):
    """Minor units of the account's currency (USD) as Decimal."""
    return (D(value) / 100).quantize(D("0.01"))


class StripeAccountMixin(PaymentPlatformChecks):
    """Starts a Stripe sandbox for the test class; creates stores connected to it."""

    @classmethod
    def start_stripe(cls, account=None, **options):
        cls.stripe_sandbox = cls.start_platform_sandbox(StripeSandbox, account, **options)
        return cls.stripe_sandbox

    @classmethod
    def stripe_paying(cls, linked, name="Stripe for Woo", seed=5):
        """A Stripe sandbox account (``cls.stripe_sandbox.account``) that took the card payments of the
        WooCommerce sandbox site of ``linked`` (its charges and gateway refunds), and its store paying them.

        :return: ``(store, charges, refunds)``
        """
        account = StripeAccount(seed=seed)
        charges, refunds = merchant.seed_site_payments(account, cls.sandbox.site)
        store = cls.linked_platform_store(cls.start_stripe, cls.create_stripe_store, merchant, account, linked, name)
        return store, charges, refunds

    @classmethod
    def pay_out_and_sync(cls, store, account, charges):
        """Two automatic payouts of ``account``, one in the middle of ``charges`` (a site's, as the sandbox
        holds them) and one once the last was available; then ``store`` synced and a bank statement line
        made per payout that arrived.

        :return: ``(the sync logs, the statement lines)``
        """
        times = sorted(charge["created"] for charge in charges)
        merchant.pay_out(account, times[len(times) // 2] + 2 * DAY + 60)
        merchant.pay_out(account, times[-1] + 2 * DAY + 60)
        logs = cls.sync_all(store)
        return logs, merchant.deposit_payouts(store, account)

    @classmethod
    def stripe_direct_sales(cls, name, **values):
        """The sandbox's generated account (``cls.account``) and a Stripe store of its own sales, set up."""
        return cls.direct_sales_store(cls.start_stripe, cls.create_stripe_store, merchant, name, **values)

    @classmethod
    def create_stripe_store(cls, name="Stripe Sandbox", **values):
        return cls.create_platform_store(
            name,
            "stripe",
            **{
                "stripe_secret_key": DEFAULT_KEY,
                "stripe_local_test_account": True,
                "stripe_api_base": cls.stripe_sandbox.url,
                "webhook_secret": SECRET,
                **values,
            },
        )

    @classmethod
    def create_linked_stripe_store(cls, store, name="Stripe for Woo", **values):
        """A Stripe store paying ``store``'s orders (its linked store), connected and set up without taxes."""
        stripe = cls.create_stripe_store(
            name, company_id=store.company_id.id, linked_store_ids=[(6, 0, store.ids)], **values
        )
        merchant.set_up_store(stripe, with_taxes=False)
        return stripe


class StripeLedgerChecks(PaymentPlatformChecks):
    """What ties out for a Stripe store (``self.stripe``) and its sandbox account (``self.account``)."""

    @property
    def platform_store(self):
        return self.stripe

    def transactions(self):
        return [self.account.objects[txn_id] for txn_id in self.account.lists["balance_transactions"]]

    def stripe_balance(self):
        balance = self.account.balance()
        return minor(sum(entry["amount"] for entry in balance["available"] + balance["pending"]))

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


__all__ = [
    "DAY",
    "NEXT_SECRET",
    "SECRET",
    "D",
    "StripeAccountMixin",
    "StripeLedgerChecks",
    "cents",
    "merchant",
    "minor",
]
