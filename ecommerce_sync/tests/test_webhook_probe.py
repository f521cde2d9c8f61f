import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from . import memory_platform
from .webhook_probe import MalformedWebhookProbe


@tagged("post_install", "-at_install")
class TestMemoryWebhookProbe(MalformedWebhookProbe, HttpCase):
    """The probe against a store of the memory test platform."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        memory_platform.shop("Probe Shop")
        cls.probe_store = cls.env["ecommerce.store"].create(
            {"name": "Probe Shop", "platform": "memory", "webhook_secret": "whsec_probe"}
        )
        cls.probe_store.action_test_connection()

    def probe_payload(self):
        return {"id": "p1", "sku": "PROBE-1", "title": "Probe", "price": "1.00", "updated_at": "2025-03-01T10:00:00Z"}

    @mute_logger("odoo.addons.ecommerce_sync.controllers.main")
    def probe_deliver(self, body, delivery_id):
        headers = {
            "Content-Type": "application/json",
            "X-Memory-Topic": "products/update",
            "X-Memory-Delivery": delivery_id,
            "X-Memory-Signature": memory_platform.sign("whsec_probe", body),
        }
        response = self.url_open(
            f"/ecommerce_sync/webhook/{self.probe_store.webhook_token}", data=body, headers=headers
        )
        return response.status_code, json.loads(response.text or "{}")
