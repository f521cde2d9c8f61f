import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.ecommerce_sync_shopify.sandbox import WebhookSender

from .common import SECRET, start_sandbox, store_values


@tagged("post_install", "-at_install")
class TestShopifyWebhooks(HttpCase):
    """Shopify deliveries, signed as Shopify signs them, through the base webhook controller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = start_sandbox(orders=12, seed=5)
        cls.addClassCleanup(cls.server.stop)
        cls.shop = cls.server.shop
        cls.store = cls.env["ecommerce.store"].create(store_values(cls.server))
        cls.store.action_test_connection()
        cls.path = f"/ecommerce_sync/webhook/{cls.store.sudo().webhook_token}"
        cls.Event = cls.env["ecommerce.webhook.event"]

    def sender(self, secret=SECRET):
        return WebhookSender(f"{self.base_url()}{self.path}", secret, self.shop.domain, enabled=False)

    def deliver(self, delivery):
        response = self.url_open(self.path, data=delivery.body, headers=delivery.headers)
        return response.status_code, response.json()

    def events(self):
        return self.Event.search([("store_id", "=", self.store.id)])

    def test_a_signed_delivery_is_stored_and_a_redelivery_is_a_duplicate(self):
        order = next(iter(self.shop.orders.values()))
        delivery = self.sender().build("orders/updated", order)

        status, answer = self.deliver(delivery)

        self.assertEqual((status, answer["status"], answer["topic"]), (200, "accepted", "orders/updated"))
        self.assertRecordValues(
            self.events(),
            [{"state": "pending", "flow": "orders", "external_id": str(order["id"]), "refetch": True,
              "delivery_id": delivery.webhook_id, "revision": order["updated_at"]}],
        )  # fmt: skip
        self.assertEqual(json.loads(self.events().sudo().payload)["id"], order["id"])

        status, answer = self.deliver(delivery)
        self.assertEqual((status, answer["status"]), (200, "duplicate"))
        self.assertEqual(len(self.events()), 1)

    @mute_logger("odoo.addons.ecommerce_sync.controllers.main")
    def test_forged_deliveries_are_refused(self):
        order = next(iter(self.shop.orders.values()))
        forged = self.sender(secret="not-the-app-secret").build("orders/create", order)
        self.assertEqual(self.deliver(forged)[0], 401)

        genuine = self.sender().build("orders/create", order)
        tampered = genuine.body.replace(b'"financial_status":"', b'"financial_status":"x')
        response = self.url_open(self.path, data=tampered, headers=genuine.headers)
        self.assertEqual(response.status_code, 401)

        unsigned = {key: value for key, value in genuine.headers.items() if key != "X-Shopify-Hmac-Sha256"}
        self.assertEqual(self.url_open(self.path, data=genuine.body, headers=unsigned).status_code, 401)
        self.assertFalse(self.events())

    def test_product_and_stock_events_are_processed(self):
        product = next(iter(self.shop.products.values()))
        level = next(iter(self.shop.levels.values()))
        sender = self.sender()
        self.assertEqual(self.deliver(sender.build("products/update", product))[1]["status"], "accepted")
        self.assertEqual(self.deliver(sender.build("inventory_levels/update", level))[1]["status"], "accepted")
        self.assertEqual(self.deliver(sender.build("app/uninstalled", {"id": 1}))[1]["status"], "ignored")
        calls = self.server.calls()

        product_event = self.events().filtered(lambda event: event.flow == "products")
        self.env["ecommerce.sync.engine"].process_webhook_events(product_event)

        self.assertEqual(product_event.state, "done")
        links = self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)])
        self.assertEqual(sorted(links.mapped("external_id")), sorted(str(v["id"]) for v in product["variants"]))
        item = self.shop.items[product["variants"][0]["inventory_item_id"]]
        self.assertEqual(links.sorted("external_id")[0].store_cost, float(item["cost"]), "refetched with its cost")
        self.assertEqual(self.server.calls() - calls, 2, "the product and its inventory items were read again")
        stock_event = self.events().filtered(lambda event: event.flow == "stock")
        self.assertRecordValues(
            stock_event,
            [{"state": "pending", "external_id": f"{level['inventory_item_id']}@{level['location_id']}",
              "refetch": False}],
        )  # fmt: skip

    def test_an_order_gone_from_shopify_fails_its_event_alone(self):
        order = dict(next(iter(self.shop.orders.values())), id=999000111)
        sender = self.sender()
        self.assertEqual(self.deliver(sender.build("orders/cancelled", order))[1]["status"], "accepted")
        self.assertEqual(self.deliver(sender.build("products/update", next(iter(self.shop.products.values()))))[0], 200)

        self.Event._cron_process()

        gone = self.events().filtered(lambda event: event.flow == "orders")
        self.assertEqual(gone.state, "failed")
        self.assertIn("HTTP 404", gone.error)
        self.assertEqual(self.events().filtered(lambda event: event.flow == "products").state, "done")
        line = self.env["ecommerce.sync.log.line"].search([("store_id", "=", self.store.id)])
        self.assertRecordValues(line, [{"external_id": "999000111", "state": "failed"}])
