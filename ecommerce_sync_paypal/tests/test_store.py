"""The PayPal store's settings: credentials for managers only, PayPal's addresses only, Test connection."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..hooks import uninstall_hook
from .common import WEBHOOK_ID, PayPalAccountMixin


@tagged("post_install", "-at_install")
class TestPayPalStore(PayPalAccountMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.account = cls.start_paypal(seed=2, days=14).account
        cls.store = cls.create_paypal_store()
        cls.user = new_test_user(cls.env, login="paypal_user", groups="ecommerce_sync.group_ecommerce_user")

    def test_the_platform_is_offered_and_holds_a_balance(self):
        platforms = dict(self.env["ecommerce.store"]._selection_platform())
        self.assertEqual(platforms.get("paypal"), "PayPal")
        self.assertTrue(self.store.holds_balance)
        self.assertEqual(
            {flow for flow in ("orders", "refunds", "payouts", "products") if self.store[f"can_sync_{flow}"]},
            {"orders", "refunds", "payouts"},
        )

    def test_the_settings_reach_the_connector(self):
        shop = self.env["ecommerce.store"].create({"name": "Shop paid by PayPal", "platform": "woocommerce"})
        shop.woocommerce_url = "https://shop.example.com"
        self.store.write({"linked_store_ids": [(6, 0, shop.ids)], "paypal_history_days": 30})
        config = self.store._connector_config()
        self.assertEqual(
            {key: config[key] for key in ("environment", "webhook_id", "history_days", "invoice_prefixes")},
            {
                "environment": "sandbox",
                "webhook_id": WEBHOOK_ID,
                "history_days": 30,
                "invoice_prefixes": {"WC-": "https://shop.example.com"},
            },
        )
        self.assertTrue(shop.paypal_paid)
        shop.paypal_invoice_prefix = "SHOP1-"
        self.assertEqual(self.store._connector_config()["invoice_prefixes"], {"SHOP1-": "https://shop.example.com"})

    def test_stores_paid_through_one_account_need_distinct_prefixes(self):
        first, second = self.env["ecommerce.store"].create(
            [{"name": "Shop one", "platform": "woocommerce"}, {"name": "Shop two", "platform": "woocommerce"}]
        )
        with self.assertRaisesRegex(ValidationError, "invoice prefix WC-"):
            self.store.linked_store_ids = first | second
        second.paypal_invoice_prefix = "TWO-"
        self.store.linked_store_ids = first | second
        with self.assertRaisesRegex(ValidationError, "invoice prefix TWO-"):
            first.paypal_invoice_prefix = "TWO-"

    def test_only_paypal_or_a_local_test_account_is_called(self):
        with self.assertRaisesRegex(ValidationError, "local test account"):
            self.create_paypal_store("PayPal elsewhere", paypal_local_test_account=False)
        with self.assertRaisesRegex(ValidationError, "127.0.0.1"):
            self.store.paypal_api_base = "http://paypal.example.com:8080"
        live = self.create_paypal_store("PayPal live", paypal_environment="live", paypal_local_test_account=False,
                                        paypal_api_base=False)  # fmt: skip
        self.assertEqual(live._get_connector().client.api_base, "https://api-m.paypal.com")

    def test_test_connection_obtains_a_token_and_shows_the_balances(self):
        before = self.paypal_sandbox.token_requests
        action = self.store.action_test_connection()
        self.assertEqual(action["params"]["type"], "success", action["params"])
        total, available, withheld = next(
            (total, available, withheld)
            for currency, _primary, total, available, withheld in self.account.balances()
            if currency == "USD"
        )
        self.assertIn(
            f"{total:.2f} USD ({available:.2f} available, {withheld:.2f} withheld)", action["params"]["message"]
        )
        self.assertIn("Environment: sandbox", action["params"]["message"])
        self.assertEqual(self.paypal_sandbox.token_requests, before + 1)
        self.assertEqual(self.paypal_sandbox.calls("/v1/reporting/balances")[-1][3], 200)
        self.assertRecordValues(
            self.store, [{"state": "connected", "shop_currency": "USD", "paypal_account_id": self.account.account_id}]
        )

    def test_refused_credentials_put_the_store_in_error_without_showing_the_secret(self):
        self.store.paypal_client_secret = "EPwrong-secret-000000000000"
        action = self.store.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.store.state, "error")
        self.assertIn("client id and secret", self.store.state_message)
        self.assertNotIn("EPwrong-secret", self.store.state_message + (self.store.state_detail or ""))

    def test_credentials_are_for_managers_only(self):
        store = self.store.with_user(self.user)
        for field in ("paypal_client_id", "paypal_client_secret"):
            with self.assertRaises(AccessError):
                store.read([field])
        with self.assertRaises(AccessError):
            store.action_test_connection()

    def test_setup_gives_the_linked_store_its_gateway_journals(self):
        shop = self.env["ecommerce.store"].create({"name": "Shop paid by PayPal", "platform": "woocommerce"})
        self.store.linked_store_ids = shop
        self.store.action_setup_accounting()
        self.assertTrue(self.store.dispute_account_id and self.store.suspense_account_id)
        mappings = self.env["ecommerce.gateway.mapping"].search([("store_id", "=", shop.id)])
        self.assertEqual(sorted(mappings.mapped("gateway")), ["paypal", "ppcp-credit-card-gateway", "ppcp-gateway"])
        self.assertEqual(mappings.journal_id, self.store.clearing_journal_id)

    def test_uninstalling_parks_the_paypal_stores(self):
        uninstall_hook(self.env)
        self.assertRecordValues(self.store.with_context(active_test=False), [{"active": False, "state": "draft"}])
