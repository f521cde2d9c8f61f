from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import EcommerceSyncCommon


@tagged("post_install", "-at_install")
class TestAccess(EcommerceSyncCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="ecom_user", groups="ecommerce_sync.group_ecommerce_user")
        cls.manager = new_test_user(cls.env, login="ecom_manager", groups="ecommerce_sync.group_ecommerce_manager")
        cls.outsider = new_test_user(cls.env, login="ecom_outsider", groups="base.group_user")

    def test_a_user_sees_the_store_but_not_its_credentials(self):
        store = self.store.with_user(self.user)
        self.assertEqual(store.name, "Memory Shop")
        self.assertEqual(store.health, "good")
        for secret in ("webhook_secret", "webhook_token", "cursor_orders"):
            with self.assertRaises(AccessError, msg=secret):
                store.read([secret])
        self.assertNotIn("webhook_secret", store.fields_get())

    def test_a_manager_reads_and_configures_credentials(self):
        store = self.store.with_user(self.manager)
        self.assertEqual(store.webhook_secret, "whsec_test")
        store.write({"webhook_secret": "rotated", "sync_interval": 30})
        self.assertEqual(self.store.webhook_secret, "rotated")

    def test_a_user_cannot_change_stores_or_mappings(self):
        with self.assertRaises(AccessError):
            self.store.with_user(self.user).write({"sync_interval": 1})
        with self.assertRaises(AccessError):
            self.env["ecommerce.tax.mapping"].with_user(self.user).create(
                {
                    "store_id": self.store.id,
                    "external_key": "VAT 0.2",
                    "tax_id": self.env["account.tax"].search([("type_tax_use", "=", "sale")], limit=1).id,
                }
            )

    def test_failed_payloads_are_for_managers_only(self):
        self.shop.add_variant("v1", "SKU-A", price="bad")
        line = self.engine.run_flow(self.store, "products").line_ids
        as_user = line.with_user(self.user)
        self.assertIn("expected a number", as_user.error)
        self.assertIn("SKU-A", as_user.payload_excerpt)
        with self.assertRaises(AccessError):
            as_user.read(["payload"])

    def test_a_user_cannot_run_syncs_or_retries(self):
        self.shop.add_variant("v1", "SKU-A", price="bad")
        line = self.engine.run_flow(self.store, "products").line_ids
        calls = self.shop.calls
        store = self.store.with_user(self.user)
        for action in ("action_sync_now", "action_test_connection", "action_push_all_stock", "action_compare_stock"):
            with self.assertRaises(AccessError, msg=action):
                getattr(store, action)()
        with self.assertRaises(AccessError):
            line.with_user(self.user).action_retry()
        self.assertEqual(self.shop.calls, calls, "nothing reached the store")
        self.assertEqual(line.state, "failed")

    def test_users_outside_the_groups_see_nothing(self):
        with self.assertRaises(AccessError):
            self.store.with_user(self.outsider).read(["name"])

    def test_stores_of_another_company_are_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_store = self.env["ecommerce.store"].create(
            {"name": "Memory Shop", "platform": "memory", "company_id": other_company.id}
        )
        visible = self.env["ecommerce.store"].with_user(self.manager).search([("name", "=", "Memory Shop")])
        self.assertIn(self.store, visible)
        self.assertNotIn(other_store, visible)
