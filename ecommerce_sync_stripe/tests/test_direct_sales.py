"""A Stripe account used on its own (Checkout Sessions, Payment Links, API charges): a store of its own.

The sandbox generates two weeks of trading: sales in dollars with US sales tax and in euros with VAT
(settled in dollars), a full and a partial refund, a dispute lost and one won, a Stripe fee, declined
cards, daily payouts, one of them returned by the bank and sent again. Each sale becomes an order of
the Stripe store with its invoice at the session's total; the balance ties out to the bank.
"""

import json
import time

from odoo.tests import HttpCase, tagged

from ..sandbox import WebhookSender
from .common import NEXT_SECRET, SECRET, D, StripeAccountMixin, StripeLedgerChecks, cents, merchant, minor


@tagged("post_install", "-at_install")
class TestDirectSales(StripeAccountMixin, StripeLedgerChecks, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stripe = cls.stripe_direct_sales("Stripe Direct", stripe_webhook_secret_next=NEXT_SECRET)
        cls.engine = cls.env["ecommerce.sync.engine"]
        cls.logs = cls.sync_all(cls.stripe)
        cls.deposits = merchant.deposit_payouts(cls.stripe, cls.account)

    def objects(self, resource):
        return [self.account.get(object_id) for object_id in self.account.lists[resource]]

    def paid_charges(self):
        return [charge for charge in self.objects("charges") if charge["status"] == "succeeded"]

    def test_the_sync_fails_nothing(self):
        self.assertFalse(self.logs.filtered("failed_count"), self.logs.line_ids.mapped("error"))

    def test_each_sale_is_an_order_invoiced_at_the_sessions_total(self):
        sessions = self.objects("checkout_sessions")
        self.assertGreater(len(sessions), 20)
        for session in sessions:
            order = self.env["sale.order"].search(
                [("ecommerce_store_id", "=", self.stripe.id), ("ecommerce_external_id", "=", session["payment_intent"])]
            )
            self.assertEqual(len(order), 1, session["id"])
            invoice = order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")
            self.assertEqual(invoice.state, "posted")
            self.assertEqual(invoice.currency_id.name, session["currency"].upper())
            self.assertEqual(cents(invoice.amount_total), D(session["amount_total"]) / 100, session["id"])

    def test_one_payment_per_charge_and_failed_cards_counted(self):
        charges = self.paid_charges()
        self.assertEqual(len(self.platform_payments("inbound")), len(charges))
        for charge in charges:
            self.assertEqual(self.bound("transaction", charge["id"])._name, "account.payment", charge["id"])
        declined = [charge for charge in self.objects("charges") if charge["status"] == "failed"]
        self.assertTrue(declined)
        failed = self.env["ecommerce.binding"].search(
            [("store_id", "=", self.stripe.id), ("kind", "=", "transaction"), ("revision", "=", "failed")]
        )
        self.assertEqual(sorted(failed.mapped("external_id")), sorted(charge["id"] for charge in declined))

    def test_refunds_are_credit_notes_paid_back(self):
        refunds = self.objects("refunds")
        self.assertEqual(len(refunds), 2)
        for refund in refunds:
            payment = self.bound("transaction", refund["id"])
            self.assertEqual(payment.payment_type, "outbound")
            self.assertEqual(payment.reconciled_invoice_ids.move_type, "out_refund")

    def test_disputes_lost_and_won(self):
        disputes = {dispute["status"]: dispute for dispute in self.objects("disputes")}
        self.assertEqual(set(disputes), {"lost", "won"})
        # the lost dispute's amount stays withdrawn; the won one came back
        self.assertEqual(self.account_balance(self.stripe.dispute_account_id), minor(disputes["lost"]["amount"]))
        flagged = self.env["ecommerce.discrepancy"].search(
            [("store_id", "=", self.stripe.id), ("kind", "=", "dispute")]
        )
        self.assertEqual(sorted(flagged.mapped("external_id")), sorted(d["id"] for d in disputes.values()))
        self.assertEqual(set(flagged.mapped("state")), {"resolved"})

    def test_fees_payouts_and_balance_tie_out(self):
        fees = self.assert_fees_are_stripes()
        self.assertGreater(fees, 0)
        payouts = self.assert_payouts_match_the_bank()
        failed = [payout for payout in payouts if payout["status"] == "failed"]
        self.assertEqual(len(failed), 1)
        self.assertEqual(len(self.deposits), len(payouts) - 1 - sum(p["status"] == "in_transit" for p in payouts))
        self.assertTrue(all(self.deposits.mapped("is_reconciled")))
        self.assert_clearing_is_stripes_balance()
        self.assert_no_mismatch()
        self.assert_trial_balance_balanced()

    def test_resync_creates_nothing(self):
        self.assert_resync_creates_nothing()

    # ------------------------------------------------------------------
    # webhooks
    def post(self, delivery):
        url = f"{self.base_url()}/ecommerce_sync/webhook/{self.stripe.webhook_token}"
        return self.url_open(url, data=delivery.body, headers=delivery.headers)

    def webhook_events(self):
        return self.env["ecommerce.webhook.event"].search([("store_id", "=", self.stripe.id)])

    def test_replayed_and_reordered_webhooks_create_nothing(self):
        before = self.documents()
        sender = WebhookSender("", [SECRET], enabled=False)
        events = list(reversed(self.objects("events")))[:40]
        for event in events:
            self.assertEqual(self.post(sender.build(event)).status_code, 200)
        stored = len(self.webhook_events())
        self.assertGreater(stored, 20)
        for event in events[:10] + events[30:]:
            self.assertEqual(self.post(sender.build(event)).status_code, 200)
        self.assertEqual(len(self.webhook_events()), stored)
        self.env["ecommerce.webhook.event"]._cron_process()
        failed = self.webhook_events().filtered(lambda event: event.state == "failed")
        self.assertFalse(failed, failed.mapped("error"))
        self.assertEqual(self.documents(), before)

    def test_forged_stale_and_rotated_signatures(self):
        event = self.objects("events")[-1]
        forged = WebhookSender("", [SECRET], enabled=False).build(event)
        forged.body = json.dumps({**event, "id": "evt_1Forged000000000000"}).encode()
        self.assertEqual(self.post(forged).status_code, 401)
        stale = WebhookSender("", [SECRET], enabled=False).build(event, stamp=time.time() - 600)
        self.assertEqual(self.post(stale).status_code, 401)
        unknown = WebhookSender("", ["whsec_someone_else"], enabled=False).build(event)
        self.assertEqual(self.post(unknown).status_code, 401)
        self.assertFalse(self.webhook_events())
        # while the secret is rolled, Stripe signs with the new one too: either is accepted
        rotated = WebhookSender("", [NEXT_SECRET], enabled=False).build(event)
        self.assertEqual(self.post(rotated).status_code, 200)
        self.assertEqual(len(self.webhook_events()), 1)
