from odoo.tests import HttpCase, tagged

from odoo.addons.ecommerce_sync_shopify.sandbox import WebhookSender

from ..sandbox import merchant
from .common import SECRET, start_sandbox, store_values


@tagged("post_install", "-at_install")
class TestShopifyFlowsOff(HttpCase):
    """The store's flow toggles mean what they say for a Shopify store."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.server = start_sandbox(orders=12, seed=18)
        cls.addClassCleanup(cls.server.stop)
        cls.shop = cls.server.shop
        cls.store = cls.env["ecommerce.store"].create(store_values(cls.server))
        merchant.set_up_store(cls.env, cls.store, cls.shop)
        cls.path = f"/ecommerce_sync/webhook/{cls.store.sudo().webhook_token}"

    def store_documents(self, move_type):
        return self.env["account.move"].search(
            [("ecommerce_store_id", "=", self.store.id), ("move_type", "=", move_type)]
        )

    def test_refunds_off_imports_every_order_and_books_none_of_its_refunds(self):
        refunded = [order for order in self.shop.orders.values() if order["refunds"]]
        self.assertTrue(refunded, "the shop has refunds")
        self.store.write({"sync_refunds": False, "sync_payouts": False})

        self.store.action_sync_now()

        logs = self.store.sync_log_ids
        self.assertEqual(set(logs.mapped("flow")), {"products", "orders", "stock"}, "payouts are not pulled")
        self.assertFalse(logs.line_ids, "\n".join(logs.line_ids.mapped("error")))
        for order in refunded:
            sale_order = self.env["sale.order"].search(
                [("ecommerce_store_id", "=", self.store.id), ("ecommerce_external_id", "=", str(order["id"]))]
            )
            self.assertEqual(len(sale_order), 1, f"order {order['name']} is imported")
        self.assertFalse(
            self.env["ecommerce.binding"].search([("store_id", "=", self.store.id), ("kind", "=", "refund")])
        )
        refund_payments = self.env["account.payment"].search(
            [("move_id.ecommerce_store_id", "=", self.store.id), ("payment_type", "=", "outbound")]
        )
        self.assertFalse(refund_payments, "no money paid back")
        for credit_note in self.store_documents("out_refund"):
            # the only credit notes: invoices of orders cancelled before any payment, reversed in full
            invoice = credit_note.reversed_entry_id
            self.assertEqual(credit_note.amount_total, invoice.amount_total)
            self.assertEqual(invoice.invoice_line_ids.sale_line_ids.order_id.state, "cancel")
        self.assertFalse(
            self.env["stock.picking"].search(
                [("sale_id.ecommerce_store_id", "=", self.store.id), ("picking_type_code", "=", "incoming")]
            ),
            "no return",
        )

    def test_webhooks_of_flows_switched_off_are_acknowledged_and_skipped(self):
        order = next(order for order in self.shop.orders.values() if order["refunds"])
        product = next(iter(self.shop.products.values()))
        self.store.write({"sync_orders": False, "sync_refunds": False, "sync_products": False})
        sender = WebhookSender(f"{self.base_url()}{self.path}", SECRET, self.shop.domain, enabled=False)
        for topic, payload in (
            ("orders/create", order),
            ("refunds/create", order["refunds"][0]),
            ("products/update", product),
        ):
            delivery = sender.build(topic, payload)
            response = self.url_open(self.path, data=delivery.body, headers=delivery.headers)
            self.assertEqual((response.status_code, response.json()["status"]), (200, "skipped"), topic)
        calls = self.server.calls()

        self.env["ecommerce.webhook.event"]._cron_process()

        events = self.env["ecommerce.webhook.event"].search([("store_id", "=", self.store.id)])
        self.assertEqual(events.mapped("state"), ["skipped"] * 3)
        self.assertEqual(self.server.calls(), calls, "nothing was read from the shop")
        self.assertFalse(self.env["sale.order"].search([("ecommerce_store_id", "=", self.store.id)]))
        self.assertFalse(self.store.product_link_ids)
