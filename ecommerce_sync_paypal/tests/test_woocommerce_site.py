"""A WooCommerce site whose PayPal payments go through a PayPal account: both stores tie out to the bank.

The site's orders are imported by the WooCommerce store, the payments of its PayPal-paid orders
received in the PayPal clearing journal (the gateway mapping the PayPal store's set-up gives its
linked store); the PayPal store then books the account's balance: each payment settles the payment
of its order (none is made twice), PayPal's fees, the refunds the site made through PayPal with the
part of the fee PayPal gave back, a chargeback and its fee, a hold, and two withdrawals matched with
the bank's statement lines.
"""

from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.ecommerce_sync.connector import to_datetime
from odoo.addons.ecommerce_sync_woocommerce.tests.site_common import WooCommerceSiteCase

from ..sandbox import CHARGEBACK_FEE, paypal_paid_orders
from .common import (
    D,
    PayPalAccountMixin,
    PayPalLedgerChecks,
    amount,
    cents,
    info,
    initiated,
    merchant,
    refund_through_paypal,
    seed_site_account,
)

HOLD = D("40.00")


@tagged("post_install", "-at_install")
class TestWooCommerceSitePaidThroughPayPal(PayPalAccountMixin, PayPalLedgerChecks, WooCommerceSiteCase):
    sandbox_orders = 40  # enough PayPal payments for two withdrawals, a refund and a chargeback

    @classmethod
    def create_store(cls, name="Woo Sandbox", **values):
        woo = super().create_store(name, **values)
        refund_through_paypal(cls.sandbox.site)
        cls.paypal = cls.paypal_paying(woo)
        cls.account = cls.paypal_sandbox.account
        return woo

    @classmethod
    def seed_account(cls):
        """The site's PayPal payments and refunds, a chargeback of a payment not refunded, a hold, and
        a withdrawal in the middle and one at the end."""
        site = cls.sandbox.site
        rows = paypal_paid_orders(site.orders.values())
        refunded = {str(order_id) for order_id, refunds in site.refunds.items() if refunds}
        times = sorted(to_datetime(row.paid_at, "paid_at") for row in rows)
        disputed = next(row for row in rows[len(rows) // 3 :] if str(row.order_id) not in refunded)

        def chargeback(account, at, captures):
            account.chargeback(captures[str(disputed.order_id)], at)

        def hold(account, at, captures):
            account.hold(HOLD, at)

        then = [
            (to_datetime(disputed.paid_at, "paid_at") + timedelta(hours=30), chargeback),
            (times[len(times) // 2] + timedelta(minutes=30), hold),
        ]
        cls.payments, cls.refunds, first = seed_site_account(cls.account, site, then)
        cls.disputed = disputed
        return first

    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # the site imported by its store
        cls.logs |= cls.sync_all(cls.store)
        # the first import reads from the site's first PayPal payment on (the history it has)
        cls.since, cls.paypal_logs = cls.sync_paypal_from(cls.paypal, cls.seed_account())
        cls.deposits = merchant.deposit_withdrawals(cls.paypal, cls.account)

    def test_the_site_has_paypal_paid_orders_and_paypal_refunds(self):
        rows = paypal_paid_orders(self.site.orders.values())
        self.assertEqual(len(self.payments), len(rows))
        self.assertGreaterEqual(len(rows), 5)
        self.assertFalse(self.logs.filtered("failed_count"), self.logs.line_ids.mapped("error"))
        self.assertFalse(self.paypal_logs.filtered("failed_count"), self.paypal_logs.line_ids.mapped("error"))

    def test_one_payment_per_paypal_payment_and_no_order_of_the_paypal_store(self):
        received = self.platform_payments("inbound")
        self.assertEqual(len(received), len(self.payments))
        for row in self.payments:
            payment = self.bound("transaction", info(row)["transaction_id"])
            self.assertTrue(payment, info(row)["transaction_id"])
            self.assertEqual(cents(payment.amount), amount(row))
            order = payment.reconciled_invoice_ids.invoice_line_ids.sale_line_ids.order_id
            self.assertEqual(order.ecommerce_external_id, info(row)["custom_field"])
            self.assertEqual(order.ecommerce_store_id, self.store)
        self.assertFalse(self.env["sale.order"].search_count([("ecommerce_store_id", "=", self.paypal.id)]))

    def test_refunds_settle_the_sites_refund_payments(self):
        sent = self.platform_payments("outbound")
        self.assertEqual(len(sent), len(self.refunds))
        self.assertEqual(len(self.refunds), 2)
        for row in self.refunds:
            payment = self.bound("transaction", info(row)["transaction_id"])
            self.assertEqual(cents(payment.amount), -amount(row))
            self.assertEqual(payment.reconciled_invoice_ids.move_type, "out_refund")
            self.assertGreater(amount(row, "fee_amount"), 0, "PayPal gave part of its fee back")

    def test_the_chargeback_and_the_hold_are_booked(self):
        [chargeback] = self.rows("T1201")
        self.assertEqual(-amount(chargeback), D(str(self.disputed.total)))
        self.assertEqual(self.account_balance(self.paypal.dispute_account_id), D(str(self.disputed.total)))
        flagged = self.env["ecommerce.discrepancy"].search(
            [("store_id", "=", self.paypal.id), ("kind", "=", "dispute")]
        )
        self.assertEqual(flagged.mapped("external_id"), [info(chargeback)["paypal_reference_id"]])
        [fee] = self.rows("T0106")
        self.assertEqual(-amount(fee), CHARGEBACK_FEE)
        [hold] = self.rows("T1503")
        entry = self.bound("movement", info(hold)["transaction_id"])
        clearing = entry.line_ids.filtered(lambda line: line.account_id == self.paypal.clearing_account_id)
        self.assertEqual(cents(sum(clearing.mapped("balance"))), -HOLD)
        withheld = {currency: held for currency, _primary, _total, _available, held in self.account.balances()}
        self.assertEqual(withheld["USD"], HOLD)

    def test_fees_withdrawals_and_balance_tie_out(self):
        fees = self.assert_fees_are_paypals()
        self.assertGreater(fees["USD"], CHARGEBACK_FEE)
        withdrawals = self.assert_withdrawals_match_the_bank()
        self.assertEqual(len(withdrawals), 2)
        self.assertEqual(len(self.deposits), 2)
        self.assertTrue(all(self.deposits.mapped("is_reconciled")))
        self.assertLessEqual(initiated(withdrawals[0]), initiated(withdrawals[1]))
        self.assert_clearing_is_paypals_balance()
        self.assert_no_mismatch()
        self.assert_trial_balance_balanced()

    def test_resync_creates_nothing(self):
        logs = self.assert_resync_creates_nothing(self.since)
        self.assertGreaterEqual(sum(logs.mapped("fetched_count")), len(self.account.rows))
