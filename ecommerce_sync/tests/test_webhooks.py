import json

from odoo.tests import HttpCase, tagged

from . import memory_platform


@tagged("post_install", "-at_install")
class TestWebhooks(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = memory_platform.shop("Webhook Shop")
        cls.store = cls.env["ecommerce.store"].create(
            {"name": "Webhook Shop", "platform": "memory", "webhook_secret": "whsec_hooks"}
        )
        cls.store.action_test_connection()
        cls.product = cls.env["product.product"].create({"name": "Hooked", "default_code": "HOOK-1"})
        cls.url = f"/ecommerce_sync/webhook/{cls.store.webhook_token}"
        cls.Event = cls.env["ecommerce.webhook.event"]

    def post(self, body, topic="products/update", delivery="d-1", secret="whsec_hooks", url=None, signature=None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"X-Memory-Topic": topic, "X-Memory-Delivery": delivery, "Content-Type": "application/json"}
        if secret is not None:
            headers["X-Memory-Signature"] = signature or memory_platform.sign(secret, raw)
        return self.url_open(url or self.url, data=raw, headers=headers)

    def events(self):
        return self.Event.search([("store_id", "=", self.store.id)])

    def test_signed_webhook_is_stored_then_processed(self):
        payload = {
            "id": "w1",
            "sku": "HOOK-1",
            "title": "Hooked",
            "price": "5.00",
            "updated_at": "2025-03-01T10:00:00Z",
        }
        response = self.post(payload)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "accepted")
        event = self.events()
        self.assertRecordValues(
            event, [{"state": "pending", "topic": "products/update", "external_id": "w1", "flow": "products"}]
        )
        trigger = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.env.ref("ecommerce_sync.ir_cron_ecommerce_webhook_process").id)]
        )
        self.assertTrue(trigger, "processing is scheduled at once")

        self.Event._cron_process()
        self.assertEqual(event.state, "done")
        link = self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)])
        self.assertEqual(link.product_id, self.product)
        log = self.env["ecommerce.sync.log"].search([("store_id", "=", self.store.id), ("trigger", "=", "webhook")])
        self.assertRecordValues(log, [{"created_count": 1, "state": "done"}])

    def test_redelivery_is_not_stored_twice(self):
        payload = {
            "id": "w2",
            "sku": "HOOK-1",
            "title": "Hooked",
            "price": "5.00",
            "updated_at": "2025-03-01T10:00:00Z",
        }
        self.assertEqual(self.post(payload, delivery="same").json()["status"], "accepted")
        second = self.post(payload, delivery="same")
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json()["status"], "duplicate")
        self.assertEqual(len(self.events()), 1)
        self.Event._cron_process()
        self.assertEqual(len(self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)])), 1)

    def test_forged_or_unsigned_webhooks_are_refused(self):
        payload = {"id": "w3", "sku": "HOOK-1", "title": "x", "price": "1"}
        forged = self.post(payload, secret="not_the_secret")
        self.assertEqual(forged.status_code, 401)
        unsigned = self.post(payload, secret=None)
        self.assertEqual(unsigned.status_code, 401)
        tampered_body = json.dumps(payload).encode()
        tampered = self.post(
            tampered_body.replace(b'"1"', b'"0"'), signature=memory_platform.sign("whsec_hooks", tampered_body)
        )
        self.assertEqual(tampered.status_code, 401)
        self.assertFalse(self.events())

    def test_unknown_store_and_ping(self):
        unknown = self.post({"id": 1}, url="/ecommerce_sync/webhook/not-a-real-token-at-all")
        self.assertEqual(unknown.status_code, 404)
        ping = self.post(b"{}", topic="ping")
        self.assertEqual(ping.status_code, 200)
        self.assertEqual(ping.json()["status"], "ignored")
        self.assertFalse(self.events())

    def test_a_store_without_installed_connector_answers_404(self):
        self.env.flush_all()
        self.env.cr.execute("UPDATE ecommerce_store SET platform = 'retired' WHERE id = %s", [self.store.id])
        self.store.invalidate_recordset(["platform"])
        response = self.post({"id": "w0", "sku": "HOOK-1", "title": "Hooked", "price": "1.00"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.events())

    def test_unreadable_signed_body_is_a_400(self):
        response = self.post(b"not json")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.events())

    def test_a_store_without_secret_accepts_no_webhook(self):
        self.store.webhook_secret = False
        response = self.post({"id": "w4"}, secret="")
        self.assertEqual(response.status_code, 401)

    def test_a_failing_event_is_logged_for_retry(self):
        payload = {"id": "w5", "sku": "HOOK-1", "title": "Hooked", "price": "oops"}
        self.post(payload, delivery="bad")
        self.Event._cron_process()
        event = self.events()
        self.assertEqual(event.state, "failed")
        self.assertIn("expected a number", event.error)
        line = self.env["ecommerce.sync.log.line"].search([("store_id", "=", self.store.id)])
        self.assertEqual(line.external_id, "w5")
        self.assertEqual(line.state, "failed")

    def test_an_event_whose_record_is_gone_fails_alone(self):
        """A partial event whose record cannot be fetched again fails; the next event is still processed."""
        payload = {
            "id": "w6",
            "sku": "HOOK-1",
            "title": "Hooked",
            "price": "5.00",
            "updated_at": "2025-03-01T10:00:00Z",
        }
        self.shop.add_variant("w6", "HOOK-1", updated_at="2025-03-01T10:00:00Z")
        gone = self.Event.create(
            {
                "store_id": self.store.id,
                "delivery_id": "gone",
                "dedupe_key": "gone",
                "topic": "products/delete",
                "flow": "products",
                "external_id": "deleted-variant",
                "refetch": True,
                "payload": json.dumps({"id": "deleted-variant"}),
            }
        )
        self.post(payload, delivery="after")
        self.Event._cron_process()
        self.assertEqual(gone.state, "failed")
        self.assertIn("not found", gone.error)
        self.assertEqual(self.events().filtered(lambda event: event.delivery_id == "after").state, "done")
        line = self.env["ecommerce.sync.log.line"].search([("store_id", "=", self.store.id)])
        self.assertEqual(line.external_id, "deleted-variant")

    def test_webhooks_of_a_flow_switched_off_are_acknowledged_and_skipped(self):
        payload = {
            "id": "w7",
            "sku": "HOOK-1",
            "title": "Hooked",
            "price": "5.00",
            "updated_at": "2025-03-02T10:00:00Z",
        }
        self.store.sync_products = False
        response = self.post(payload, delivery="off")
        self.assertEqual((response.status_code, response.json()["status"]), (200, "skipped"))
        self.assertEqual(self.post(payload, delivery="off").json()["status"], "duplicate")
        level = {"variant_id": "w7", "available": "3", "updated_at": "2025-03-02T10:00:00Z"}
        self.store.sync_stock = False
        self.assertEqual(
            self.post(level, topic="inventory_levels/update", delivery="off-stock").json()["status"], "skipped"
        )

        # received while the flow was on, processed after it was switched off
        self.store.sync_products = True
        self.assertEqual(self.post({**payload, "id": "w8"}, delivery="on-then-off").json()["status"], "accepted")
        self.store.sync_products = False
        self.Event._cron_process()

        self.assertEqual(set(self.events().mapped("state")), {"skipped"})
        self.assertTrue(all(self.events().mapped("processed_at")))
        self.assertFalse(self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)]))
        self.assertFalse(self.env["ecommerce.sync.log"].search([("store_id", "=", self.store.id)]), "nothing ran")
