"""A WooCommerce site connected through the guided set-up, as a new user does it."""

from odoo.tests import tagged

from .common import WooCommerceCommon


@tagged("post_install", "-at_install")
class TestWooCommerceStoreSetup(WooCommerceCommon):
    def wizard(self, secret):
        return self.env["ecommerce.store.setup"].create(
            {
                "name": "Woo Guided",
                "platform": "woocommerce",
                "step": "credentials",
                "woocommerce_url": self.sandbox.url,
                "woocommerce_local_test_site": True,
                "woocommerce_consumer_key": self.sandbox.consumer_key,
                "woocommerce_consumer_secret": secret,
            }
        )

    def test_the_keys_reach_the_store_and_the_site_answers(self):
        wizard = self.wizard(self.sandbox.consumer_secret)
        wizard.action_test_connection()
        store = wizard.store_id
        self.assertTrue(wizard.connected, wizard.connection_message)
        self.assertEqual(wizard.connection_message, "Connected to Woo Supply (US) (currency USD).")
        self.assertEqual(store.sudo().woocommerce_consumer_secret, self.sandbox.consumer_secret)
        self.assertEqual(store.woocommerce_version, "9.4.2")
        # WooCommerce has no payouts: none is offered, and the clearing account is explained
        self.assertFalse(store.can_sync_payouts)
        self.assertFalse(wizard.can_sync_payouts)
        self.assertTrue(store.can_sync_orders)

    def test_refused_keys_say_what_to_check(self):
        wizard = self.wizard("cs_not_the_secret")
        wizard.action_test_connection()
        self.assertFalse(wizard.connected)
        message = wizard.connection_message
        self.assertTrue(message.startswith("The site refused the credentials (HTTP 401): check the consumer key"))
        # the site's words and what they mean for the keys (the request is signed: OAuth 1.0a over HTTP)
        self.assertIn(
            "The site said: Invalid signature - provided signature does not match. (Consumer secret is invalid",
            message,
        )
        self.assertNotIn("woocommerce_rest_authentication_error", message)
        self.assertNotIn("wp-json", message, "the call stays in the technical detail")
        self.assertNotIn("cs_not_the_secret", message)
        self.assertIn("wp-json", wizard.store_id.sudo().state_detail)
