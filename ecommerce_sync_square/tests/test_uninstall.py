from odoo.tests import TransactionCase, tagged

from odoo.addons.ecommerce_sync_square.hooks import uninstall_hook

from .common import start_sandbox, store_values


@tagged("post_install", "-at_install")
class TestSquareUninstall(TransactionCase):
    def test_uninstalling_parks_the_square_stores(self):
        server = start_sandbox(orders=4, seed=2)
        self.addCleanup(server.stop)
        store = self.env["ecommerce.store"].create(store_values(server))
        store.action_test_connection()
        event = self.env["ecommerce.webhook.event"].create(
            {"store_id": store.id, "delivery_id": "e1", "dedupe_key": "e1", "topic": "order.updated", "flow": "orders"}
        )
        shopify_like = self.env["ecommerce.store"].search([("platform", "!=", "square")])

        uninstall_hook(self.env)

        self.assertRecordValues(store, [{"active": False, "state": "draft"}])
        self.assertIn("Square connector was uninstalled", store.state_message)
        self.assertEqual(event.state, "failed")
        self.assertEqual(shopify_like, self.env["ecommerce.store"].search([("platform", "!=", "square")]))
