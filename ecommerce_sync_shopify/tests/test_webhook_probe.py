import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.ecommerce_sync.tests.webhook_probe import MalformedWebhookProbe
from odoo.addons.ecommerce_sync_shopify.sandbox import WebhookSender
from odoo.addons.ecommerce_sync_shopify.sandbox.webhooks import sign

from .common import SECRET, start_sandbox, store_values


@tagged("post_install", "-at_install")
class TestShopifyWebhookProbe(MalformedWebhookProbe, HttpCase):
    """The probe against a Shopify store: order deliveries signed as Shopify signs them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = start_sandbox(orders=4, seed=9)
        cls.addClassCleanup(cls.server.stop)
        cls.probe_store = cls.env["ecommerce.store"].create(store_values(cls.server, name="Shopify Probe"))
        cls.probe_store.action_test_connection()

    def probe_payload(self):
        return dict(next(iter(self.server.shop.orders.values())))

    @mute_logger("odoo.addons.ecommerce_sync.controllers.main")
    def probe_deliver(self, body, delivery_id):
        path = f"/ecommerce_sync/webhook/{self.probe_store.sudo().webhook_token}"
        sender = WebhookSender(f"{self.base_url()}{path}", SECRET, self.server.shop.domain, enabled=False)
        headers = {**sender.build("orders/create", {}).headers, "X-Shopify-Webhook-Id": delivery_id}
        headers["X-Shopify-Hmac-Sha256"] = sign(SECRET, body)
        response = self.url_open(path, data=body, headers=headers)
        return response.status_code, json.loads(response.text or "{}")
