import json

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.ecommerce_sync.tests.webhook_probe import MalformedWebhookProbe

from .common import WooCommerceSandboxMixin


@tagged("post_install", "-at_install")
class TestWooCommerceWebhookProbe(MalformedWebhookProbe, WooCommerceSandboxMixin, HttpCase):
    """The probe against a WooCommerce store: order deliveries made by the sandbox as WooCommerce makes them."""

    probe_date_key = "date_modified_gmt"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_sandbox()
        cls.probe_store = cls.create_store("Woo Probe")

    def probe_payload(self):
        return dict(next(iter(self.sandbox.site.orders.values())))

    @mute_logger("odoo.addons.ecommerce_sync.controllers.main")
    def probe_deliver(self, body, delivery_id):
        url = f"{self.base_url()}/ecommerce_sync/webhook/{self.probe_store.webhook_token}"
        status, answer, _delivery = self.sandbox.deliver(
            url, "order.updated", None, "whsec_woo_sandbox", delivery_id=delivery_id, body=body
        )
        return status, json.loads(answer or b"{}")
