from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..hooks import uninstall_hook
from .common import WooCommerceCommon


@tagged("post_install", "-at_install")
class TestWooCommerceStore(WooCommerceCommon):
    def test_platform_is_offered_with_its_flows(self):
        platforms = dict(self.env["ecommerce.store"]._selection_platform())
        self.assertEqual(platforms["woocommerce"], "WooCommerce")
        self.assertEqual(self.store._enabled_flows(), ["products", "orders"])

    def test_connection_shows_currency_and_version(self):
        action = self.store.action_test_connection()
        self.assertRecordValues(
            self.store,
            [
                {
                    "state": "connected",
                    "shop_name": "Woo Supply (US)",
                    "shop_currency": "USD",
                    "woocommerce_version": "9.4.2",
                }
            ],
        )
        self.assertIn("USD", action["params"]["message"])
        self.assertEqual(self.sandbox.api_requests("system_status")[-1][0], "GET")

    def test_refused_keys_put_the_store_in_error(self):
        store = self.create_store("Woo Wrong Keys", woocommerce_consumer_secret="cs_not_the_secret")
        action = store.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("Consumer secret is invalid", action["params"]["message"])
        self.assertEqual(store.state, "error")
        self.assertIn("refused the credentials", store.state_message)
        # a sync with refused keys also puts the store in error state, with the site's explanation
        store.state = "connected"
        log = self.engine.run_flow(store, "products")
        self.assertEqual(log.state, "failed")
        self.assertEqual(store.state, "error")
        self.assertIn("refused the credentials", store.state_message)
        self.assertIn("Consumer secret is invalid", store.state_message)
        self.assertNotIn("cs_not_the_secret", store.state_message)
        self.assertFalse(store._get_cursor("products"))

    def test_plain_http_only_for_a_local_test_site(self):
        with self.assertRaisesRegex(ValidationError, "must use HTTPS"):
            self.store.write({"woocommerce_local_test_site": False})
        with self.assertRaisesRegex(ValidationError, "must use HTTPS"):
            self.create_store("Woo Plain", woocommerce_url="http://shop.example.com", woocommerce_local_test_site=False)
        with self.assertRaisesRegex(ValidationError, "user name or password"):
            self.store.woocommerce_url = "https://admin:pw@shop.example.com"
        self.store.woocommerce_url = "https://shop.example.com"
        self.store.woocommerce_local_test_site = False
        self.assertEqual(self.store._connector_config()["site_url"], "https://shop.example.com")

    def test_connector_config(self):
        config = self.store._connector_config()
        self.assertEqual(
            {key: config[key] for key in ("site_url", "consumer_key", "consumer_secret", "api_namespace")},
            {
                "site_url": self.sandbox.url,
                "consumer_key": self.sandbox.consumer_key,
                "consumer_secret": self.sandbox.consumer_secret,
                "api_namespace": "wc/v3",
            },
        )
        self.assertTrue(config["local_test_site"])
        self.assertEqual(config["webhook_secret"], "whsec_woo_sandbox")
        self.assertEqual(self.store.warehouse_id.company_id, self.env.company, "the site shows the store's warehouse")

    def test_keys_are_for_managers_only(self):
        user = self.env["res.users"].create(
            {
                "name": "Store Viewer",
                "login": "woo_viewer",
                "groups_id": [(6, 0, [self.env.ref("ecommerce_sync.group_ecommerce_user").id])],
            }
        )
        store = self.store.with_user(user)
        self.assertEqual(store.woocommerce_url, self.sandbox.url)
        for field in ("woocommerce_consumer_key", "woocommerce_consumer_secret", "webhook_secret"):
            with self.assertRaises(AccessError, msg=field):
                store.read([field])

    def test_uninstall_parks_the_woocommerce_stores(self):
        other = self.env["ecommerce.store"].search([("platform", "!=", "woocommerce")], limit=1)
        self.store.action_test_connection()
        event = self.env["ecommerce.webhook.event"].create(
            {
                "store_id": self.store.id,
                "delivery_id": "d",
                "dedupe_key": "d",
                "topic": "order.updated",
                "flow": "orders",
                "payload": "{}",
            }
        )
        other_state = other.state
        uninstall_hook(self.env)
        self.assertRecordValues(self.store, [{"active": False, "state": "draft"}])
        self.assertIn("uninstalled", self.store.state_message)
        self.assertEqual(event.state, "failed")
        if other:
            self.assertEqual(other.state, other_state)
        self.assertNotIn(self.store, self.env["ecommerce.store"].search([("state", "!=", "draft")]))
