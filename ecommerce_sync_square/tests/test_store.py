from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.ecommerce_sync.connector import registered_platforms
from odoo.addons.ecommerce_sync_square.connector import SQUARE_VERSION, SquareConnector
from odoo.addons.ecommerce_sync_square.sandbox import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN

from .common import SIGNATURE_KEY, TOKEN, start_sandbox, store_values


@tagged("post_install", "-at_install")
class TestSquareStore(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.server = start_sandbox(orders=6, seed=3)
        cls.addClassCleanup(cls.server.stop)
        cls.seller = cls.server.seller
        cls.store = cls.env["ecommerce.store"].create(store_values(cls.server))

    def location_ids(self):
        return {location["_key"]: location["id"] for location in self.seller.data["locations"]}

    def test_test_connection_reads_the_seller_and_its_locations(self):
        calls = self.server.calls()
        action = self.store.action_test_connection()

        self.assertEqual(action["params"]["type"], "success")
        self.assertRecordValues(
            self.store,
            [{"state": "connected", "shop_name": "Harbor Coffee Roasters", "shop_currency": "USD",
              "square_merchant_id": self.seller.merchant["id"]}],
        )  # fmt: skip
        locations = self.store.square_location_ids
        self.assertEqual(
            locations.mapped("name"), ["Harbor Café register", "Station kiosk register", "Square Online store"]
        )
        self.assertEqual(locations.mapped("location_type"), ["PHYSICAL", "PHYSICAL", "MOBILE"])
        self.assertTrue(all(locations.mapped("sync")))
        self.assertEqual(self.server.calls() - calls, 2, "the merchant, then its locations")

        # loading again keeps the mapping and adds nothing
        locations[0].warehouse_id = self.store.warehouse_id
        self.store.action_square_load_locations()
        self.assertEqual(self.store.square_location_ids, locations)
        self.assertEqual(locations[0].warehouse_id, self.store.warehouse_id)

    def test_the_connector_gets_the_store_settings(self):
        self.store.action_test_connection()
        cafe, _kiosk, online = self.store.square_location_ids
        online.sync = False

        connector = self.store._get_connector()

        self.assertIsInstance(connector, SquareConnector)
        config = connector.config
        self.assertEqual(config["access_token"], TOKEN)
        self.assertEqual(config["api_base_url"], self.server.url)
        self.assertTrue(config["local_test_account"])
        self.assertEqual(config["square_version"], SQUARE_VERSION)
        self.assertEqual(config["webhook_signature_key"], SIGNATURE_KEY)
        self.assertEqual(config["notification_url"], self.store.webhook_url, "the webhook URL by default")
        self.assertEqual(config["location_ids"], [cafe.external_id, _kiosk.external_id])
        self.assertEqual(connector.client.base_url, self.server.url)
        self.store.square_notification_url = "https://proxy.example.com/square/hook"
        self.assertEqual(
            self.store._get_connector().config["notification_url"], "https://proxy.example.com/square/hook"
        )

        # the Square sandbox and production are Square's own addresses
        self.store.write({"square_api_base_url": False, "square_environment": "sandbox"})
        self.assertEqual(self.store._get_connector().client.base_url, "https://connect.squareupsandbox.com")
        self.store.square_environment = "production"
        self.assertEqual(self.store._get_connector().client.base_url, "https://connect.squareup.com")

    def test_locations_map_orders_and_stock_to_warehouses(self):
        self.store.action_test_connection()
        cafe, kiosk, online = self.store.square_location_ids
        kiosk_warehouse = self.env["stock.warehouse"].create({"name": "Kiosk", "code": "KIO"})
        self.assertEqual(
            self.store._stock_targets(), [("", self.store.warehouse_id.lot_stock_id)], "nothing mapped yet"
        )
        cafe.warehouse_id = self.store.warehouse_id
        kiosk.warehouse_id = kiosk_warehouse
        online.sync = False

        self.assertEqual(
            self.store._stock_targets(),
            [
                (cafe.external_id, self.store.warehouse_id.lot_stock_id),
                (kiosk.external_id, kiosk_warehouse.lot_stock_id),
            ],
        )
        self.assertEqual(self.store._location_warehouse(kiosk.external_id), kiosk_warehouse)
        self.assertEqual(self.store._location_warehouse(online.external_id), self.store.warehouse_id)
        self.assertEqual(self.store._location_warehouse(""), self.store.warehouse_id)

    def test_a_renewed_oauth_token_is_saved_on_the_store(self):
        self.store.write(
            {
                "square_refresh_token": REFRESH_TOKEN,
                "square_client_id": CLIENT_ID,
                "square_client_secret": CLIENT_SECRET,
            }
        )
        self.server.expire_token()
        self.addCleanup(self.server.expired.clear)

        action = self.store.action_test_connection()

        self.assertEqual(action["params"]["type"], "success")
        store = self.store.sudo()
        self.assertNotEqual(store.square_access_token, TOKEN)
        self.assertIn(store.square_access_token, self.server.tokens)
        self.assertTrue(store.square_token_expires_at)
        self.assertEqual(self.server.calls("/oauth2/token"), 1)
        # the next connector uses the saved token: no refresh again
        self.store._get_connector().test_connection()
        self.assertEqual(self.server.calls("/oauth2/token"), 1)

    def test_a_refused_token_leaves_the_store_in_error_without_the_token(self):
        store = self.env["ecommerce.store"].create(store_values(self.server, square_access_token="EAAA-revoked"))
        action = store.action_test_connection()
        self.assertEqual((action["params"]["type"], store.state), ("danger", "error"))
        self.assertIn("Square refused", store.state_message)
        self.assertNotIn("EAAA-revoked", store.state_message)
        empty = self.env["ecommerce.store"].create(store_values(self.server, square_access_token=False))
        with self.assertRaises(UserError):
            empty.action_test_connection()

    def test_settings_are_validated(self):
        with self.assertRaises(ValidationError):
            self.store.square_version = "2026-9-16"
        with self.assertRaises(ValidationError):
            self.store.square_api_base_url = "http://square.example.com:8797"
        with self.assertRaises(ValidationError):
            self.store.write({"square_environment": "production"})

    def test_the_platform_is_offered_and_credentials_are_for_managers(self):
        self.assertIn("square", registered_platforms())
        self.assertIn(("square", "Square"), self.env["ecommerce.store"]._selection_platform())
        user = self.env["res.users"].create(
            {
                "name": "Square sync user",
                "login": "square-sync-user",
                "groups_id": [(6, 0, [self.env.ref("ecommerce_sync.group_ecommerce_user").id])],
            }
        )
        store = self.store.with_user(user)
        self.assertEqual(store.square_environment, "local")
        arch = store.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("square_access_token", arch)
        self.assertIn("square_location_ids", arch)
        for secret in ("square_access_token", "square_refresh_token", "square_client_secret", "square_api_base_url"):
            with self.assertRaises(AccessError):
                store.read([secret])
        self.store.action_test_connection()
        with self.assertRaises(AccessError):
            store.action_square_load_locations()

    def test_a_read_only_user_cannot_call_square_or_change_the_locations(self):
        user = new_test_user(self.env, login="square-read-only", groups="ecommerce_sync.group_ecommerce_user")
        calls = self.server.calls()
        store = self.store.with_user(user)
        for method in ("action_test_connection", "action_square_load_locations", "action_sync_now"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(store, method)()
        self.assertEqual(self.server.calls(), calls, "Square was not called")
        self.assertFalse(self.store.square_location_ids)
        self.assertEqual(self.store.state, "draft")
        self.store.action_test_connection()
        location = self.store.square_location_ids[:1].with_user(user)
        self.assertTrue(location.name, "the locations are readable")
        with self.assertRaises(AccessError):
            location.warehouse_id = self.env.ref("stock.warehouse0")
