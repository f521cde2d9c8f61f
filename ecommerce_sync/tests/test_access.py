from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from . import memory_platform
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

    def test_a_user_opens_the_store_form_and_dashboard(self):
        """The form and the dashboard as the web client reads them, for a user without accounting or stock rights."""
        self.store.action_setup_accounting()
        self.env.invalidate_all()
        store = self.store.with_user(self.user)
        form = Form(store)
        self.assertEqual((form.name, form.state), ("Memory Shop", "connected"))
        self.assertEqual(form.clearing_journal_id, self.store.clearing_journal_id)
        self.assertEqual(form.clearing_account_id, self.store.clearing_account_id)
        self.assertEqual(form.warehouse_id, self.store.warehouse_id)
        self.env.invalidate_all()
        kanban = store.web_search_read(
            [("id", "=", self.store.id)],
            {name: {} for name in ("health", "failed_line_count", "stock_push_count", "orders_imported", "revenue")},
        )
        self.assertEqual(kanban["records"][0]["health"], "good")

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

    def test_a_user_cannot_run_the_engine_or_any_acting_action(self):
        """A read-only user's calls (as JSON-RPC would make them) are refused before any work is done."""
        self.shop.add_variant("v1", "SKU-A", price="bad")
        line = self.engine.run_flow(self.store, "products").line_ids
        self.shop.add_variant("v2", "SKU-B")
        Push = self.env["ecommerce.stock.push"]
        Push._queue({self.store.id: [self.product_a.id]})
        push = Push.search([("store_id", "=", self.store.id)])
        event = self.env["ecommerce.webhook.event"].create(
            {
                "store_id": self.store.id,
                "delivery_id": "d-user",
                "dedupe_key": "d-user",
                "topic": "products/update",
                "flow": "products",
                "external_id": "v2",
                "payload": '{"id": "v2", "sku": "SKU-B", "title": "Beta", "price": "2.00"}',
            }
        )
        token, logs, calls = self.store.webhook_token, self.store.sync_log_ids, self.shop.calls
        self.env.flush_all()

        store = self.store.with_user(self.user)
        refused = [
            (store, "action_sync_now"),
            (store, "action_test_connection"),
            (store, "action_push_all_stock"),
            (store, "action_compare_stock"),
            (store, "action_setup_accounting"),
            (store, "action_regenerate_webhook_token"),
            (line.with_user(self.user), "action_retry"),
            (line.with_user(self.user), "action_abandon"),
            (push.with_user(self.user), "action_send_now"),
            (push.with_user(self.user), "action_discard"),
        ]
        for records, method in refused:
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(records, method)()
        engine = self.engine.with_user(self.user)
        engine_calls = [
            lambda: engine.sync_store(store),
            lambda: engine.run_flow(store, "products"),
            lambda: engine.retry_lines(line.with_user(self.user)),
            lambda: engine.process_webhook_events(event.with_user(self.user)),
        ]
        for number, call in enumerate(engine_calls):
            with self.subTest(engine_call=number), self.assertRaises(AccessError):
                call()

        self.assertEqual(self.shop.calls, calls, "nothing reached the store")
        self.assertEqual(self.store.sync_log_ids, logs, "no run was logged")
        self.assertEqual(self.store.webhook_token, token)
        self.assertFalse(self.store.clearing_journal_id, "no accounting was set up")
        self.assertEqual((line.state, push.exists(), event.state), ("failed", push, "pending"))
        self.assertFalse(self.links().filtered(lambda link: link.external_id == "v2"))

    def test_what_a_user_may_do(self):
        """Open the store's runs, failed records, variants and stock queue; resolve and ignore discrepancies."""
        store = self.store.with_user(self.user)
        for method in ("action_view_logs", "action_view_failed_lines", "action_view_stock_pushes"):
            action = getattr(store, method)()
            self.assertEqual(action["type"], "ir.actions.act_window", method)
            self.assertIn(("store_id", "=", self.store.id), action["domain"])
        self.assertEqual(store.action_view_product_links()["res_model"], "ecommerce.product.link")
        Discrepancy = self.env["ecommerce.discrepancy"]
        first = Discrepancy._flag(
            self.store, "inventory_drift", "Level differs", external_id="a", record=self.product_a
        )
        second = Discrepancy._flag(self.store, "inventory_drift", "Level differs", external_id="b")
        self.assertTrue(first.activity_ids)
        first.with_user(self.user).action_resolve()
        second.with_user(self.user).action_ignore()
        self.assertEqual((first.state, second.state), ("resolved", "ignored"))
        self.assertFalse(first.activity_ids, "the review activity is done")
        self.assertEqual(first.with_user(self.user).action_open_record()["res_id"], self.product_a.id)

    def test_portal_and_outside_users_can_call_nothing(self):
        portal = new_test_user(self.env, login="ecom_portal", groups="base.group_portal")
        discrepancy = self.env["ecommerce.discrepancy"]._flag(self.store, "inventory_drift", "Level differs", "a")
        for user in (portal, self.outsider):
            store = self.store.with_user(user)
            for method in (
                "action_sync_now",
                "action_test_connection",
                "action_view_logs",
                "action_view_failed_lines",
                "action_view_stock_pushes",
                "action_view_product_links",
                "action_push_all_stock",
                "action_compare_stock",
                "action_setup_accounting",
            ):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(store, method)()
            for method in ("action_resolve", "action_ignore", "action_open_record"):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(discrepancy.with_user(user), method)()
        self.assertEqual(discrepancy.state, "open")
        self.assertFalse(hasattr(self.env["ecommerce.webhook.event"], "action_process"))

    def test_a_manager_runs_syncs_as_one_environment(self):
        """The manager's sync works as superuser throughout: the builders never see the caller's rights."""
        self.shop.add_variant("v1", "SKU-A")
        builders_env = []
        Link = type(self.env["ecommerce.product.link"])
        original = Link._import_variant

        def spy(link_model, store, variant):
            builders_env.append((link_model.env.su, store.env.su, link_model.env.company))
            return original(link_model, store, variant)

        with patch.object(Link, "_import_variant", spy):
            self.store.with_user(self.manager).action_sync_now()
        self.assertEqual(builders_env, [(True, True, self.store.company_id)])
        self.assertEqual(self.links().product_id, self.product_a)

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


@tagged("post_install", "-at_install")
class TestAccessOverRpc(HttpCase):
    """The same refusals through the web client's JSON-RPC endpoint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop = memory_platform.shop("RPC Shop")
        cls.shop.add_variant("r1", "RPC-1")
        cls.store = cls.env["ecommerce.store"].create(
            {"name": "RPC Shop", "platform": "memory", "webhook_secret": "whsec_rpc"}
        )
        cls.store.action_test_connection()
        cls.event = cls.env["ecommerce.webhook.event"].create(
            {
                "store_id": cls.store.id,
                "delivery_id": "d-rpc",
                "dedupe_key": "d-rpc",
                "topic": "products/update",
                "flow": "products",
                "external_id": "r1",
                "payload": '{"id": "r1", "sku": "RPC-1", "title": "RPC", "price": "1.00"}',
            }
        )
        new_test_user(cls.env, login="rpc_user", password="rpc_user_pw", groups="ecommerce_sync.group_ecommerce_user")
        new_test_user(cls.env, login="rpc_portal", password="rpc_portal_pw", groups="base.group_portal")

    def call(self, model, method, ids):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )

    def test_a_read_only_user_and_a_portal_user_are_refused(self):
        calls = self.shop.calls
        self.authenticate("rpc_user", "rpc_user_pw")
        with mute_logger("odoo.http"):
            for method in ("action_sync_now", "action_push_all_stock", "action_compare_stock"):
                with self.subTest(method=method), self.assertRaises(JsonRpcException) as refused:
                    self.call("ecommerce.store", method, [self.store.id])
                self.assertEqual(refused.exception.args[0], "odoo.exceptions.AccessError")
            # what a user may do still works
            action = self.call("ecommerce.store", "action_view_logs", [self.store.id])
            self.assertEqual(action["res_model"], "ecommerce.sync.log")

            self.authenticate("rpc_portal", "rpc_portal_pw")
            for model, method, ids in (
                ("ecommerce.store", "action_sync_now", [self.store.id]),
                ("ecommerce.store", "action_view_logs", [self.store.id]),
                ("ecommerce.webhook.event", "action_process", [self.event.id]),
            ):
                with self.subTest(model=model, method=method), self.assertRaises(JsonRpcException):
                    self.call(model, method, ids)
        self.assertEqual(self.shop.calls, calls, "nothing reached the store")
        self.assertFalse(self.store.sync_log_ids)
        self.assertEqual(self.event.state, "pending")
        self.assertFalse(self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)]))
