import json

from odoo.tests import HttpCase, tagged

from .common import WooCommerceSandboxMixin


@tagged("post_install", "-at_install")
class TestWooCommerceWebhooks(WooCommerceSandboxMixin, HttpCase):
    """Deliveries made by the sandbox the way WooCommerce makes them, to the store's webhook address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_sandbox()
        cls.store = cls.create_store("Woo Hooks")
        cls.secret = "whsec_woo_sandbox"
        cls.Event = cls.env["ecommerce.webhook.event"]

    def setUp(self):
        super().setUp()
        self.url = f"{self.base_url()}/ecommerce_sync/webhook/{self.store.webhook_token}"

    def events(self):
        return self.Event.search([("store_id", "=", self.store.id)])

    def test_signed_delivery_is_stored_then_processed(self):
        cap = next(p for p in self.sandbox.site.products.values() if p["sku"] == "WS-CAP")
        status, answer, delivery = self.sandbox.deliver(self.url, "product.updated", cap["id"], self.secret)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(answer)["status"], "accepted")
        event = self.events()
        self.assertRecordValues(
            event,
            [{"state": "pending", "flow": "products", "external_id": str(cap["id"]), "delivery_id": delivery}],
        )
        self.Event._cron_process()
        self.assertEqual(event.state, "done")
        link = self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)])
        self.assertEqual(link.sku, "WS-CAP")

    def test_variable_product_delivery_reads_its_variations(self):
        tee = next(p for p in self.sandbox.site.products.values() if p["sku"] == "WS-TEE")
        status, _answer, _delivery = self.sandbox.deliver(self.url, "product.updated", tee["id"], self.secret)
        self.assertEqual(status, 200)
        self.assertTrue(self.events().refetch)
        self.Event._cron_process()
        links = self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)])
        self.assertEqual(sorted(int(x) for x in links.mapped("external_id")), sorted(tee["variations"]))

    def test_ping_on_webhook_creation_is_answered_200(self):
        status, answer = self.sandbox.deliver_ping(self.url, webhook_id=31)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(answer)["status"], "ignored")
        self.assertFalse(self.events())

    def test_redelivery_is_a_duplicate(self):
        order_id = next(iter(self.sandbox.site.orders))
        first = self.sandbox.deliver(self.url, "order.updated", order_id, self.secret, delivery_id="a1b2")
        again = self.sandbox.deliver(self.url, "order.updated", order_id, self.secret, delivery_id="a1b2")
        self.assertEqual([first[0], again[0]], [200, 200])
        self.assertEqual(json.loads(again[1])["status"], "duplicate")
        event = self.events()
        self.assertEqual(len(event), 1)
        self.assertRecordValues(event, [{"flow": "orders", "external_id": str(order_id), "topic": "order.updated"}])
        # another order in the same second shares WooCommerce's delivery id but is another event
        other = sorted(self.sandbox.site.orders)[1]
        status, answer, _delivery = self.sandbox.deliver(
            self.url, "order.updated", other, self.secret, delivery_id="a1b2"
        )
        self.assertEqual(json.loads(answer)["status"], "accepted")
        self.assertEqual(len(self.events()), 2)

    def test_forged_and_unsigned_deliveries_are_refused(self):
        order_id = next(iter(self.sandbox.site.orders))
        status, _answer, _delivery = self.sandbox.deliver(self.url, "order.updated", order_id, "not-the-secret")
        self.assertEqual(status, 401)
        status, _answer, _delivery = self.sandbox.deliver(
            self.url, "order.created", order_id, self.secret, body=b'{"id": 1, "total": "0.01"}'
        )
        self.assertEqual(status, 200)  # the sandbox signed this body itself: valid
        forged = self.sandbox.deliver(self.url, "order.updated", order_id, "")
        self.assertEqual(forged[0], 401)
        self.assertEqual(len(self.events()), 1)

    def test_deleted_order_is_stored_to_be_read_back(self):
        order_id = next(iter(self.sandbox.site.orders))
        self.sandbox.site.trash_order(order_id)
        status, _answer, _delivery = self.sandbox.deliver(self.url, "order.deleted", order_id, self.secret)
        self.assertEqual(status, 200)
        self.assertRecordValues(
            self.events(), [{"flow": "orders", "external_id": str(order_id), "refetch": True, "topic": "order.deleted"}]
        )
