"""The Stripe store's settings: keys for managers only, the mode read from the key, Test connection."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import NEXT_SECRET, SECRET, StripeAccountMixin

RESTRICTED = "rk_test_51ChargesOnly000000000000"


@tagged("post_install", "-at_install")
class TestStripeStore(StripeAccountMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.start_stripe(seed=2, days=14, restricted_keys={RESTRICTED: {"charge_read", "balance_read"}})
        cls.store = cls.create_stripe_store(stripe_webhook_secret_next=NEXT_SECRET)
        cls.user = new_test_user(cls.env, login="stripe_user", groups="ecommerce_sync.group_ecommerce_user")

    def test_mode_is_read_from_the_key(self):
        self.assertEqual(self.store.stripe_mode, "test")
        self.store.stripe_secret_key = "sk_live_51Live000000000000000000"
        self.assertEqual(self.store.stripe_mode, "live")

    def test_publishable_keys_and_foreign_addresses_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "publishable key"):
            self.store.write({"stripe_secret_key": "pk_test_51Publishable00000000000"})
        with self.assertRaisesRegex(ValidationError, "local test account"):
            self.create_stripe_store("Stripe elsewhere", stripe_local_test_account=False)

    def test_both_webhook_secrets_and_the_pinned_version_reach_the_connector(self):
        config = self.store._connector_config()
        self.assertEqual(config["webhook_secrets"], [SECRET, NEXT_SECRET])
        self.assertEqual(config["api_version"], self.store.stripe_api_version)
        self.assertTrue(config["api_version"])

    def test_test_connection_shows_the_mode_and_balance(self):
        action = self.store.action_test_connection()
        self.assertEqual(action["params"]["type"], "success", action["params"])
        self.assertIn("Mode: test", action["params"]["message"])
        self.assertIn("USD available", action["params"]["message"])
        self.assertEqual(self.store.state, "connected")
        self.assertTrue(self.store.stripe_account_id.startswith("acct_"))

    def test_restricted_key_names_the_missing_permissions(self):
        self.store.stripe_secret_key = RESTRICTED
        action = self.store.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("payout_read", action["params"]["message"])
        self.assertIn("event_read", action["params"]["message"])

    def test_keys_are_for_managers_only(self):
        store = self.store.with_user(self.user)
        with self.assertRaises(AccessError):
            store.read(["stripe_secret_key"])
        with self.assertRaises(AccessError):
            store.action_test_connection()

    def test_setup_gives_the_linked_store_its_gateway_journal(self):
        shop = self.env["ecommerce.store"].create({"name": "Shop paid by card", "platform": "woocommerce"})
        self.store.linked_store_ids = shop
        self.store.action_setup_accounting()
        self.assertTrue(self.store.dispute_account_id and self.store.suspense_account_id)
        mapping = self.env["ecommerce.gateway.mapping"].search([("store_id", "=", shop.id)])
        self.assertEqual(mapping.gateway, "stripe")
        self.assertEqual(mapping.journal_id, self.store.clearing_journal_id)
