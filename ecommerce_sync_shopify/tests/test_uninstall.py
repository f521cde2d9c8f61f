from odoo.tests import tagged

from odoo.addons.ecommerce_sync_shopify.hooks import uninstall_hook

from .common import ShopifySandboxCommon


@tagged("post_install", "-at_install")
class TestShopifyUninstall(ShopifySandboxCommon):
    def test_uninstalling_parks_the_shopify_stores(self):
        self.store.action_test_connection()
        log = self.env["ecommerce.sync.log"].create({"store_id": self.store.id, "flow": "orders", "trigger": "cron"})
        line = self.env["ecommerce.sync.log.line"].create({"log_id": log.id, "external_id": "1", "error": "boom"})
        event = self.env["ecommerce.webhook.event"].create(
            {"store_id": self.store.id, "delivery_id": "d1", "dedupe_key": "d1", "topic": "orders/create",
             "flow": "orders"}
        )  # fmt: skip
        other = self.env["ecommerce.store"].create({"name": "Other", "platform": "shopify", "active": False})

        uninstall_hook(self.env)

        for store in self.store | other:
            self.assertRecordValues(store, [{"active": False, "state": "draft"}])
            self.assertIn("Shopify connector was uninstalled", store.state_message)
        self.assertEqual(event.state, "failed")
        self.assertEqual(line.state, "abandoned")
        # nothing scheduled picks a parked store up
        self.assertNotIn(self.store, self.env["ecommerce.store"].search([("state", "!=", "draft")]))
