"""A WooCommerce site whose card payments go through a Stripe account: both stores tie out to the bank.

The site's orders are imported by the WooCommerce store, their payments received in the Stripe
clearing journal (the gateway mapping the Stripe store's set-up gives its linked store); the Stripe
store then books the account's balance: each charge settles the payment of its order (none is made
twice), Stripe's fees, the refunds the site made through the gateway, and the payouts, matched with
the bank's statement lines.
"""

from odoo.tests import tagged

from odoo.addons.ecommerce_sync_woocommerce.tests.site_common import WooCommerceSiteCase

from ..sandbox import card_paid_orders
from .common import D, StripeAccountMixin, StripeLedgerChecks, cents


@tagged("post_install", "-at_install")
class TestWooCommerceSitePaidThroughStripe(StripeAccountMixin, StripeLedgerChecks, WooCommerceSiteCase):
    sandbox_orders = 40  # enough card payments for two payouts

    @classmethod
    def create_store(cls, name="Woo Sandbox", **values):
        woo = super().create_store(name, **values)
        cls.stripe, cls.charges, cls.refunds = cls.stripe_paying(woo)
        cls.account = cls.stripe_sandbox.account
        return woo

    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # the site imported by its store
        cls.logs |= cls.sync_all(cls.store)
        # the refunds made after the last payout are left in the balance (it is negative: Stripe debits the bank)
        cls.stripe_logs, cls.deposits = cls.pay_out_and_sync(cls.stripe, cls.account, cls.charges)

    def test_the_site_has_card_paid_orders_and_gateway_refunds(self):
        rows = card_paid_orders(self.site.orders.values())
        self.assertEqual(len(self.charges), len(rows))
        self.assertGreaterEqual(len(rows), 5)
        self.assertTrue(self.refunds)
        self.assertFalse(self.logs.filtered("failed_count"), self.logs.line_ids.mapped("error"))
        self.assertFalse(self.stripe_logs.filtered("failed_count"), self.stripe_logs.line_ids.mapped("error"))

    def test_one_payment_per_charge(self):
        received = self.platform_payments("inbound")
        self.assertEqual(len(received), len(self.charges))
        for charge in self.charges:
            payment = self.bound("transaction", charge["id"])
            self.assertTrue(payment, charge["id"])
            self.assertEqual(cents(payment.amount), D(charge["amount"]) / 100)
            order = payment.reconciled_invoice_ids.invoice_line_ids.sale_line_ids.order_id
            self.assertEqual(order.ecommerce_external_id, charge["metadata"]["order_id"])
            self.assertEqual(order.ecommerce_store_id, self.store)

    def test_refunds_settle_the_sites_refund_payments(self):
        sent = self.platform_payments("outbound")
        self.assertEqual(len(sent), len(self.refunds))
        for refund in self.refunds:
            payment = self.bound("transaction", refund["id"])
            self.assertEqual(cents(payment.amount), D(refund["amount"]) / 100)
            self.assertEqual(payment.reconciled_invoice_ids.move_type, "out_refund")

    def test_fees_payouts_and_balance_tie_out(self):
        fees = self.assert_fees_are_stripes()
        self.assertGreater(fees, 0)
        payouts = self.assert_payouts_match_the_bank()
        self.assertEqual(len(payouts), 2)
        self.assertEqual(len(self.deposits), 2)
        self.assertTrue(all(self.deposits.mapped("is_reconciled")))
        self.assert_clearing_is_stripes_balance()
        self.assertLess(self.stripe_balance(), 0)
        self.assert_no_mismatch()
        self.assert_trial_balance_balanced()

    def test_resync_creates_nothing(self):
        self.assert_resync_creates_nothing()
