from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.ecommerce_sync.connector import registered_platforms
from odoo.addons.ecommerce_sync_shopify.connector import ShopifyConnector

from .common import ShopifySandboxCommon, store_values


@tagged("post_install", "-at_install")
class TestShopifyStore(ShopifySandboxCommon):
    def test_test_connection_reads_the_shop_and_its_locations(self):
        calls = self.server.calls("shop.json")
        action = self.store.action_test_connection()

        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Sandbox Outfitters", action["params"]["message"])
        self.assertRecordValues(
            self.store,
            [{"state": "connected", "shop_name": "Sandbox Outfitters", "shop_currency": "USD",
              "shopify_taxes_included": False}],
        )  # fmt: skip
        locations = self.store.shopify_location_ids
        self.assertEqual(locations.mapped("name"), ["Main Warehouse", "SoHo Store", "Old Pop-up (closed)"])
        self.assertEqual(locations.mapped("shopify_active"), [True, True, False])
        self.assertEqual(
            self.server.calls("shop.json") - calls, 1, "one read of the shop gives name, currency and tax setting"
        )

        # loading again updates, never duplicates
        self.store.action_shopify_load_locations()
        self.assertEqual(len(self.store.shopify_location_ids), 3)

    def test_a_refused_token_leaves_the_store_in_error_with_the_reason(self):
        store = self.env["ecommerce.store"].create(
            store_values(self.server, name="Wrong token", shopify_access_token="shpat_revoked")
        )
        action = store.action_test_connection()

        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("refused the Admin API access token", action["params"]["message"])
        self.assertEqual(store.state, "error")
        self.assertIn("refused the Admin API access token", store.state_message)
        self.assertIn(self.shop.domain, store.state_message)
        self.assertNotIn("shpat_revoked", store.state_message)
        self.assertFalse(store.shopify_location_ids)

    def test_the_connector_gets_the_store_settings(self):
        self.store.action_test_connection()
        main, soho, _closed = self.store.shopify_location_ids
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.store.company_id.id)], limit=1)
        soho.write({"warehouse_id": warehouse.id, "sequence": 1})

        connector = self.store._get_connector()

        self.assertIsInstance(connector, ShopifyConnector)
        config = connector.config
        self.assertEqual(config["shop_domain"], self.shop.domain)
        self.assertEqual(config["access_token"], "shpat_odoo_test_token")
        self.assertEqual(config["api_version"], "2025-01")
        self.assertEqual(config["api_base_url"], self.server.url)
        self.assertEqual(config["location_ids"], [soho.external_id])
        self.assertEqual(config["default_location_id"], soho.external_id)
        self.assertEqual(config["webhook_secret"], "whsec_odoo_test")
        self.assertEqual(connector.client.base_url, f"{self.server.url}/admin/api/2025-01/")
        self.assertEqual(self.store._shopify_location_for_warehouse(warehouse), soho.external_id)
        self.assertNotIn(main.external_id, config["location_ids"])

        # without the local test shop flag, the store talks to Shopify itself
        self.store.write({"shopify_api_base_url": False, "shopify_local_test_shop": False})
        self.assertEqual(self.store._get_connector().client.base_url, f"https://{self.shop.domain}/admin/api/2025-01/")

    def test_the_location_mapped_to_the_stores_warehouse_is_the_synced_one(self):
        self.store.action_test_connection()
        main, soho, _closed = self.store.shopify_location_ids
        warehouse = self.store.warehouse_id
        other = self.env["stock.warehouse"].create({"name": "Outlet", "code": "OUT"})
        self.assertFalse(self.store.stock_platform_location_id)

        soho.warehouse_id = other
        self.assertFalse(self.store.stock_platform_location_id, "another warehouse's stock is not the store's")
        main.warehouse_id = warehouse
        self.assertEqual(self.store.stock_platform_location_id, main.external_id)
        self.assertEqual(self.store._get_connector().config["location_ids"], [main.external_id])

        # the store now sells from the outlet: SoHo shows its stock
        self.store.warehouse_id = other
        self.assertEqual(self.store.stock_platform_location_id, soho.external_id)
        soho.warehouse_id = False
        self.assertFalse(self.store.stock_platform_location_id)
        self.assertEqual(self.store._get_connector().config["location_ids"], [])

    def test_settings_are_validated(self):
        for domain in ("https://my-shop.myshopify.com", "my-shop.com", "my shop.myshopify.com"):
            with self.assertRaises(ValidationError):
                self.store.shopify_shop_domain = domain
        with self.assertRaises(ValidationError):
            self.store.shopify_api_version = "2025-02"
        with self.assertRaises(ValidationError):
            self.store.shopify_api_base_url = "http://shop.example.com:8765"
        with self.assertRaises(ValidationError):
            self.store.shopify_api_base_url = "https://127.0.0.1:8765"
        with self.assertRaises(ValidationError):
            self.store.write({"shopify_local_test_shop": False})

    def test_the_platform_is_offered_and_credentials_are_for_managers(self):
        self.assertIn("shopify", registered_platforms())
        self.assertIn(("shopify", "Shopify"), self.env["ecommerce.store"]._selection_platform())
        user = self.env["res.users"].create(
            {
                "name": "Sync user",
                "login": "shopify-sync-user",
                "groups_id": [(6, 0, [self.env.ref("ecommerce_sync.group_ecommerce_user").id])],
            }
        )
        store = self.store.with_user(user)
        self.assertEqual(store.shopify_shop_domain, self.shop.domain)
        arch = store.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("shopify_access_token", arch)
        self.assertIn("shopify_location_ids", arch)
        with self.assertRaises(AccessError):
            store.read(["shopify_access_token"])
        with self.assertRaises(AccessError):
            store.read(["shopify_api_base_url"])

    def test_a_read_only_user_cannot_load_locations_or_test_the_connection(self):
        user = new_test_user(self.env, login="shopify-read-only", groups="ecommerce_sync.group_ecommerce_user")
        calls = self.server.calls("locations.json"), self.server.calls("shop.json")
        store = self.store.with_user(user)
        for method in ("action_shopify_load_locations", "action_test_connection", "action_sync_now"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(store, method)()
        self.assertEqual((self.server.calls("locations.json"), self.server.calls("shop.json")), calls)
        self.assertFalse(self.store.shopify_location_ids)
        self.assertEqual(self.store.state, "draft")
