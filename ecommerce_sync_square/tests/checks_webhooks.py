from odoo.tools import mute_logger

from odoo.addons.ecommerce_sync_square.sandbox import WebhookSender

from ..sandbox import figures
from .common import SIGNATURE_KEY


class WebhookChecks:
    """Square's notifications, signed as Square signs them, through the base controller, after the sync.

    Each test changes the sandbox seller the way a buyer or the seller would (a sale, an edit, a return,
    a late fee adjustment) and delivers the notifications the seller sent for it.
    """

    def test_a_sale_its_edit_and_its_return_arrive_by_webhook_once(self):
        sold = self.seller.sell("cafe")
        [(topic, headers, body)] = self.deliver_new()
        self.assertEqual(topic, "order.created")
        self.process()
        sale_order = self.sale_order(sold["id"])
        untaxed, tax, total = figures.totals(self.seller.data["orders"][sold["id"]])
        self.assertRecordValues(
            sale_order.invoice_ids, [{"amount_untaxed": float(untaxed), "amount_tax": float(tax),
                                      "amount_total": float(total)}]
        )  # fmt: skip
        self.assertEqual(sale_order.warehouse_id, self.locations["cafe"].warehouse_id)
        documents = self.documents()

        # Square retries the same event: recognised at the door; the scheduled pull finds it imported
        self.assertEqual(self.deliver(headers, body), (200, "duplicate"))
        self.scheduled_pull()
        after_pull = self.documents()
        self.assertEqual(after_pull["sale orders"], documents["sale orders"])
        paid_by_card = figures.tender_of(self.seller.data["orders"][sold["id"]])["type"] == "CARD"
        self.assertEqual(after_pull["journal entries"], documents["journal entries"] + paid_by_card, "its card fee")

        # an edit (a note) is fetched again and changes nothing the invoice says
        self.seller.touch_order(sold["id"])
        self.deliver_new()
        self.process()
        self.assertEqual(self.documents(), after_pull)
        self.assertEqual(len(sale_order.invoice_ids), 1)

        # the buyer brings a unit back: the return order and the refund arrive
        returned = self.seller.return_item(sold["id"])
        self.assertEqual([topic for topic, *_rest in self.deliver_new()], ["order.created", "refund.created"])
        self.process()
        refund = next(item for item in self.seller.data["refunds"].values() if item["order_id"] == returned["id"])
        credit_note = self.bound("refund", refund["id"])
        self.assertRecordValues(
            credit_note, [{"move_type": "out_refund", "amount_total": refund["amount_money"]["amount"] / 100}]
        )
        self.assertEqual(self.bound("transaction", refund["id"]).journal_id, self.store.clearing_journal_id)
        documents = self.documents()
        self.scheduled_pull()
        self.assertEqual(self.documents(), documents, "nothing twice")

    def test_a_late_fee_adjustment_is_booked_once(self):
        order = next(o for o in figures.sales(self.seller) if figures.tender_of(o)["type"] == "CARD")
        payment_id = figures.tender_of(order)["payment_id"]
        fees = self.balance(self.store.fee_account_id)

        self.seller.adjust_fee(payment_id, 7)
        [(topic, headers, body)] = self.deliver_new()
        self.assertEqual(topic, "payment.updated")
        self.process()

        self.assertEqual(self.balance(self.store.fee_account_id), round(fees + 0.07, 2))
        self.assertEqual(self.balance(self.store.fee_account_id), float(figures.fees(self.seller)))
        documents = self.documents()
        self.assertEqual(self.deliver(headers, body), (200, "duplicate"))
        self.scheduled_pull()
        self.assertEqual(self.documents(), documents)
        self.assertEqual(self.balance(self.store.fee_account_id), float(figures.fees(self.seller)))

    def test_forged_notifications_are_refused_and_touch_nothing(self):
        self.seller.sell("online")
        headers, body = self.seller.webhooks.sent[-1]
        documents = self.documents()
        url = self.seller.webhooks.notification_url
        forger = WebhookSender(url, "not-the-signature-key", self.seller.merchant["id"])
        other_url = WebhookSender(f"{url}-elsewhere", SIGNATURE_KEY, self.seller.merchant["id"])
        with mute_logger("odoo.addons.ecommerce_sync.controllers.main"):
            for sender in (forger, other_url):
                forged_headers, forged_body = sender.notification("order.created", "order", "X", {})
                self.assertEqual(self.deliver(forged_headers, forged_body), (401, "invalid signature"))
            tampered = body.replace(b'"order.created"', b'"order.updated"')
            self.assertEqual(self.deliver(headers, tampered), (401, "invalid signature"))
            unsigned = {key: value for key, value in headers.items() if key != "x-square-hmacsha256-signature"}
            self.assertEqual(self.deliver(unsigned, body), (401, "invalid signature"))
        self.assertFalse(self.Event.search([("store_id", "=", self.store.id)]))
        self.assertEqual(self.documents(), documents)
