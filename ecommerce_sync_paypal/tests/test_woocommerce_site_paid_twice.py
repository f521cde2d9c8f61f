"""A WooCommerce site whose card payments go through Stripe and its PayPal payments through PayPal.

The site's orders are imported once, by the WooCommerce store: the card-paid ones with their payment
in the Stripe clearing journal, the PayPal-paid ones in the PayPal clearing journal (the gateway
mappings each platform store's set-up gives the site). Each platform then books its own balance: its
payments settle the site's payments (none is made twice, none by the other platform), its fees, the
refunds the site made through it, and two payouts or withdrawals matched with the bank's statement
lines; each clearing account ends at its platform's balance.
"""

from odoo.tests import tagged

from odoo.addons.ecommerce_sync_stripe.sandbox import card_paid_orders
from odoo.addons.ecommerce_sync_stripe.tests.common import StripeAccountMixin, StripeLedgerChecks
from odoo.addons.ecommerce_sync_woocommerce.tests.site_common import PAID, WooCommerceSiteCase

from ..sandbox import paypal_paid_orders
from .common import D, PayPalAccountMixin, PayPalLedgerChecks, amount, cents, info, merchant, refund_through_paypal
from .common import seed_site_account as seed_paypal_account


@tagged("post_install", "-at_install")
class TestWooCommerceSitePaidThroughStripeAndPayPal(
    PayPalAccountMixin, PayPalLedgerChecks, StripeAccountMixin, StripeLedgerChecks, WooCommerceSiteCase
):
    sandbox_orders = 40  # card and PayPal payments enough for two payouts and two withdrawals each
    #: the platform the ledger checks look at: "stripe" or "paypal"
    checked = "paypal"

    @property
    def account(self):
        return self.stripe_account if self.checked == "stripe" else self.paypal_account

    @property
    def platform_store(self):
        return self.stripe if self.checked == "stripe" else self.paypal

    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # the site imported by its store
        cls.logs |= cls.sync_all(cls.store)
        cls.stripe_logs, cls.stripe_deposits = cls.pay_out_and_sync(cls.stripe, cls.stripe_account, cls.charges)
        cls.payments, cls.paypal_refunds, first = seed_paypal_account(cls.paypal_account, cls.sandbox.site)
        cls.since, cls.paypal_logs = cls.sync_paypal_from(cls.paypal, first)
        cls.paypal_deposits = merchant.deposit_withdrawals(cls.paypal, cls.paypal_account)

    @classmethod
    def create_store(cls, name="Woo Sandbox", **values):
        woo = super().create_store(name, **values)
        refund_through_paypal(cls.sandbox.site)
        cls.stripe, cls.charges, cls.refunds = cls.stripe_paying(woo)
        cls.stripe_account = cls.stripe_sandbox.account
        cls.paypal = cls.paypal_paying(woo)
        cls.paypal_account = cls.paypal_sandbox.account
        return woo

    def test_the_site_is_paid_through_both_and_nothing_failed(self):
        orders = self.site.orders.values()
        self.assertGreaterEqual(len(card_paid_orders(orders)), 10)
        self.assertGreaterEqual(len(paypal_paid_orders(orders)), 5)
        self.assertEqual(len(self.charges), len(card_paid_orders(orders)))
        self.assertEqual(len(self.payments), len(paypal_paid_orders(orders)))
        self.assertTrue(self.refunds)
        self.assertEqual(len(self.paypal_refunds), 2)
        for logs in (self.logs, self.stripe_logs, self.paypal_logs):
            self.assertFalse(logs.filtered("failed_count"), logs.line_ids.mapped("error"))

    def test_each_platform_payment_settles_one_payment_of_its_order(self):
        self.checked = "stripe"
        self.assertEqual(len(self.platform_payments("inbound")), len(self.charges))
        by_stripe = {}
        for charge in self.charges:
            payment = self.bound("transaction", charge["id"])
            self.assertEqual(cents(payment.amount), D(charge["amount"]) / 100)
            by_stripe[charge["metadata"]["order_id"]] = payment
        self.assertEqual(len(self.platform_payments("outbound")), len(self.refunds))
        self.checked = "paypal"
        self.assertEqual(len(self.platform_payments("inbound")), len(self.payments))
        by_paypal = {}
        for row in self.payments:
            payment = self.bound("transaction", info(row)["transaction_id"])
            self.assertEqual(cents(payment.amount), amount(row))
            by_paypal[info(row)["custom_field"]] = payment
        self.assertEqual(len(self.platform_payments("outbound")), len(self.paypal_refunds))
        # the two platforms paid distinct orders; each order of the site is paid once, in its platform's journal
        self.assertFalse(set(by_stripe) & set(by_paypal))
        seen = 0
        for order in self.site.orders.values():
            sale = self.env["sale.order"].search(
                [("ecommerce_store_id", "=", self.store.id), ("ecommerce_external_id", "=", str(order["id"]))]
            )
            invoice = sale.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")
            receipts = invoice._get_reconciled_payments().filtered(lambda payment: payment.payment_type == "inbound")
            if order["status"] not in PAID or str(order["id"]) not in by_stripe | by_paypal:
                continue
            platform = by_stripe.get(str(order["id"])) or by_paypal[str(order["id"])]
            self.assertEqual(receipts, platform, order["id"])
            journal = (self.stripe if str(order["id"]) in by_stripe else self.paypal).clearing_journal_id
            self.assertEqual(receipts.journal_id, journal, order["id"])
            seen += 1
        self.assertEqual(seen, len(by_stripe) + len(by_paypal))
        self.assertFalse(
            self.env["sale.order"].search_count([("ecommerce_store_id", "in", (self.stripe | self.paypal).ids)])
        )

    def test_each_platform_ties_out_on_its_own(self):
        self.checked = "stripe"
        self.assertGreater(self.assert_fees_are_stripes(), 0)
        self.assertEqual(len(self.assert_payouts_match_the_bank()), 2)
        self.assertEqual(len(self.stripe_deposits), 2)
        self.assert_clearing_is_stripes_balance()
        self.assert_no_mismatch()
        self.checked = "paypal"
        self.assertGreater(self.assert_fees_are_paypals()["USD"], 0)
        self.assertEqual(len(self.assert_withdrawals_match_the_bank()), 2)
        self.assertEqual(len(self.paypal_deposits), 2)
        self.assert_clearing_is_paypals_balance()
        self.assert_no_mismatch()
        self.assertTrue(all((self.stripe_deposits | self.paypal_deposits).mapped("is_reconciled")))
        self.assertNotEqual(self.stripe.clearing_account_id, self.paypal.clearing_account_id)
        # both pay out to the merchant's one bank account: each deposit found its own payout
        self.assertEqual(self.stripe.payout_journal_id, self.paypal.payout_journal_id)
        self.assert_trial_balance_balanced()
