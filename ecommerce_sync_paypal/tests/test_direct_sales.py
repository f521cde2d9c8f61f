"""A PayPal account used on its own (PayPal Checkout buttons, invoices): a store of its own.

The sandbox generates two weeks of trading: sales in dollars with sales tax and shipping, sales in
euros converted to dollars, a sale whose items are only on its Orders v2 order, an eCheck cleared
days later, a denied payment, a full and a partial refund giving back part of the fee, a chargeback
lost and one won with PayPal's chargeback fee, a hold and its release, a code the connector does
not know, and a withdrawal every third day. Each sale becomes an order of the PayPal store; the
balance ties out to the bank after each withdrawal.
"""

import json
from datetime import datetime, timedelta, timezone

from odoo.tests import HttpCase, tagged

from ..sandbox import CHARGEBACK_FEE, WebhookSender
from .common import WEBHOOK_ID, D, PayPalAccountMixin, PayPalLedgerChecks, amount, cents, info, merchant


@tagged("post_install", "-at_install")
class TestDirectSales(PayPalAccountMixin, PayPalLedgerChecks, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.paypal = cls.paypal_direct_sales("PayPal Direct")
        cls.sandbox = cls.paypal_sandbox
        cls.logs = cls.sync_all(cls.paypal)
        cls.deposits = merchant.deposit_withdrawals(cls.paypal, cls.account)

    def sales(self):
        return [row for row in self.rows("T00") if amount(row) > 0]

    def test_the_sync_fails_nothing(self):
        self.assertFalse(self.logs.filtered("failed_count"), self.logs.line_ids.mapped("error"))

    def test_each_sale_is_an_order_invoiced_at_paypals_gross(self):
        sales = self.sales()
        self.assertGreater(len(sales), 25)
        for row in sales:
            txn_id = info(row)["transaction_id"]
            order = self.env["sale.order"].search(
                [("ecommerce_store_id", "=", self.paypal.id), ("ecommerce_external_id", "=", txn_id)]
            )
            self.assertEqual(len(order), 1, txn_id)
            invoice = order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")
            self.assertEqual(invoice.state, "posted", txn_id)
            self.assertEqual(invoice.currency_id.name, info(row)["transaction_amount"]["currency_code"])
            self.assertEqual(cents(invoice.amount_total), amount(row), txn_id)
            self.assertEqual(cents(invoice.amount_tax), amount(row, "sales_tax_amount"), txn_id)

    def test_one_payment_per_paypal_payment_and_the_denied_one_counted(self):
        sales = self.sales()
        self.assertEqual(len(self.platform_payments("inbound")), len(sales))
        for row in sales:
            payment = self.bound("transaction", info(row)["transaction_id"])
            self.assertEqual(payment._name, "account.payment", info(row)["transaction_id"])
            self.assertEqual(cents(payment.amount), amount(row))
        denied = self.rows("T00", status=("D",))
        self.assertEqual(len(denied), 1)
        failed = self.env["ecommerce.binding"].search(
            [("store_id", "=", self.paypal.id), ("kind", "=", "transaction"), ("revision", "=", "failed")]
        )
        self.assertEqual(failed.mapped("external_id"), [info(denied[0])["transaction_id"]])

    def test_refunds_are_credit_notes_paid_back_with_paypals_refunded_fee(self):
        refunds = self.rows("T1107")
        self.assertEqual(len(refunds), 2)
        for row in refunds:
            payment = self.bound("transaction", info(row)["transaction_id"])
            self.assertEqual(payment.payment_type, "outbound")
            self.assertEqual(cents(payment.amount), -amount(row))
            self.assertEqual(payment.reconciled_invoice_ids.move_type, "out_refund")
            self.assertEqual(cents(payment.reconciled_invoice_ids.amount_total), -amount(row))
            self.assertIn(payment.reconciled_invoice_ids.payment_state, ("paid", "in_payment"))
            # the part of the fee PayPal gave back comes off the fee account
            entry = self.bound("fee", info(row)["transaction_id"])
            fee = entry.line_ids.filtered(lambda line: line.account_id == self.paypal.fee_account_id)
            self.assertEqual(cents(sum(fee.mapped("balance"))), -amount(row, "fee_amount"))
            self.assertGreater(amount(row, "fee_amount"), 0)

    def test_chargebacks_lost_and_won_and_their_fees(self):
        chargebacks = self.rows("T1201")
        reversals = self.rows("T1202")
        self.assertEqual((len(chargebacks), len(reversals)), (2, 1))
        won = {info(row)["paypal_reference_id"] for row in reversals}
        lost = [row for row in chargebacks if info(row)["paypal_reference_id"] not in won]
        # the lost chargeback's amount stays withdrawn; the won one came back
        self.assertEqual(self.account_balance(self.paypal.dispute_account_id), -amount(lost[0]))
        flagged = self.env["ecommerce.discrepancy"].search(
            [("store_id", "=", self.paypal.id), ("kind", "=", "dispute")]
        )
        self.assertEqual(
            sorted(flagged.mapped("external_id")), sorted(info(row)["paypal_reference_id"] for row in chargebacks)
        )
        self.assertEqual(flagged.filtered(lambda d: d.external_id in won).state, "resolved")
        fees = self.rows("T0106")
        self.assertEqual([-amount(row) for row in fees], [CHARGEBACK_FEE, CHARGEBACK_FEE])
        for row in fees:
            self.assertTrue(self.bound("movement", info(row)["transaction_id"]))

    def test_the_hold_and_its_release_are_booked_as_reserves(self):
        [hold] = self.rows("T1503")
        [release] = self.rows("T1105")
        adjustments = self.paypal.adjustment_account_id or self.paypal.fee_account_id
        for row, expected in ((hold, D("75.00")), (release, D("-75.00"))):
            entry = self.bound("movement", info(row)["transaction_id"])
            self.assertEqual(entry._name, "account.move")
            lines = entry.line_ids.filtered(lambda line: line.account_id == adjustments)
            self.assertEqual(cents(sum(lines.mapped("balance"))), expected)

    def test_an_unknown_code_goes_to_suspense_with_a_discrepancy(self):
        [unknown] = self.rows("T99")
        self.assertEqual(self.account_balance(self.paypal.suspense_account_id), -amount(unknown))
        flagged = self.env["ecommerce.discrepancy"].search(
            [("store_id", "=", self.paypal.id), ("kind", "=", "unknown_movement")]
        )
        self.assertEqual(flagged.mapped("external_id"), [info(unknown)["transaction_id"]])
        self.assertIn("T9900", flagged.message)

    def test_fees_withdrawals_and_balance_tie_out(self):
        fees = self.assert_fees_are_paypals()
        self.assertGreater(fees["USD"], 0)
        withdrawals = self.assert_withdrawals_match_the_bank()
        self.assertEqual(len(self.deposits), len(withdrawals))
        self.assertTrue(all(self.deposits.mapped("is_reconciled")))
        self.assert_clearing_is_paypals_balance()
        self.assert_trial_balance_balanced()
        mismatches = self.env["ecommerce.discrepancy"].search(
            [("store_id", "=", self.paypal.id), ("state", "=", "open"), ("kind", "in", ("payout_mismatch",
             "unmatched_payment", "balance_mismatch"))]
        )  # fmt: skip
        self.assertFalse(mismatches, mismatches.mapped("message"))

    def test_resync_and_overlapping_windows_create_nothing(self):
        self.assert_resync_creates_nothing()
        # from the middle of the history: windows overlapping what was read
        middle = datetime.now(timezone.utc) - timedelta(days=6)
        logs = self.assert_resync_creates_nothing(middle.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
        self.assertGreater(sum(logs.mapped("fetched_count")), 10)

    # ------------------------------------------------------------------
    # webhooks
    def sender(self, webhook_id=WEBHOOK_ID, cert_url=None):
        return WebhookSender("", webhook_id, cert_url or self.sandbox.cert_url, self.sandbox.certificate, enabled=False)

    def post(self, delivery):
        url = f"{self.base_url()}/ecommerce_sync/webhook/{self.paypal.webhook_token}"
        return self.url_open(url, data=delivery.body, headers=delivery.headers)

    def webhook_events(self):
        return self.env["ecommerce.webhook.event"].search([("store_id", "=", self.paypal.id)])

    def events(self):
        """Events of what the account did: its captures, refunds and disputes."""
        sender = self.sender()
        now = datetime.now(timezone.utc)
        captures = [capture for capture in self.account.captures.values() if capture["status"] != "DECLINED"]
        made = [sender.event("PAYMENT.CAPTURE.COMPLETED", capture, now, "capture") for capture in captures[:12]]
        made += [
            sender.event("PAYMENT.CAPTURE.REFUNDED", item, now, "refund") for item in self.account.refunds.values()
        ]
        made += [
            sender.event("CUSTOMER.DISPUTE.RESOLVED", item, now, "dispute") for item in self.account.disputes.values()
        ]
        return made

    def test_replayed_webhooks_create_nothing(self):
        before = self.documents()
        sender = self.sender()
        events = self.events()
        for event in events:
            self.assertEqual(self.post(sender.build(event)).status_code, 200)
        stored = len(self.webhook_events())
        self.assertEqual(stored, len(events))
        for event in events:  # PayPal sends again what it thinks was not received: same event id
            answer = self.post(sender.build(event))
            self.assertEqual((answer.status_code, answer.json()["status"]), (200, "duplicate"))
        self.assertEqual(len(self.webhook_events()), stored)
        self.env["ecommerce.webhook.event"]._cron_process()
        failed = self.webhook_events().filtered(lambda event: event.state == "failed")
        self.assertFalse(failed, failed.mapped("error"))
        self.assertEqual(self.documents(), before)

    def test_forged_webhooks_and_certificates_of_other_hosts_are_refused(self):
        event = self.events()[0]
        forged = self.sender().build(event)
        forged.body = json.dumps({**event, "id": "WH-FORGED000000000-000000000000000"}).encode()
        self.assertEqual(self.post(forged).status_code, 401)
        elsewhere = f"https://certs.example.com/v1/notifications/certs/{self.sandbox.certificate.cert_id}"
        self.assertEqual(self.post(self.sender(cert_url=elsewhere).build(event)).status_code, 401)
        lookalike = f"https://api.paypal.com.example.com/v1/notifications/certs/{self.sandbox.certificate.cert_id}"
        self.assertEqual(self.post(self.sender(cert_url=lookalike).build(event)).status_code, 401)
        other_webhook = self.sender(webhook_id="8PT597110X687430LKGECATA").build(event)
        self.assertEqual(self.post(other_webhook).status_code, 401)
        stale = self.sender().build(event, sent_at=datetime.now(timezone.utc) - timedelta(seconds=600))
        self.assertEqual(self.post(stale).status_code, 401)
        self.assertFalse(self.webhook_events())
        self.assertFalse(self.paypal_sandbox.calls("/v1/notifications/verify-webhook-signature"))
        # the same event, signed as PayPal signs it, is accepted
        self.assertEqual(self.post(self.sender().build(event)).status_code, 200)
        self.assertEqual(len(self.webhook_events()), 1)
