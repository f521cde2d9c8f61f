"""Who may press what on the screens: the figures open for every E-commerce user, acting is for managers."""

from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.ecommerce_sync.connector import WebhookEvent

from . import memory_platform
from .common import EcommerceSyncCommon

FIGURES = (
    "action_view_orders",
    "action_view_invoices",
    "action_view_payments",
    "action_view_payouts",
    "action_view_discrepancies",
    "action_view_stock_drift",
    "action_view_revenue",
    "action_view_order_analysis",
)
SETUP_STEPS = ("action_next", "action_back", "action_test_connection", "action_finish", "action_sync_now")


@tagged("post_install", "-at_install")
class TestScreensAccess(EcommerceSyncCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="screens_user", groups="ecommerce_sync.group_ecommerce_user")
        cls.outsider = new_test_user(cls.env, login="screens_outsider", groups="base.group_user")

    def test_a_user_follows_every_figure_an_outsider_none(self):
        for method in FIGURES:
            action = getattr(self.store.with_user(self.user), method)()
            self.assertEqual(action["type"], "ir.actions.act_window", method)
            self.assertFalse(action["context"]["create"], method)
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(self.store.with_user(self.outsider), method)()

    def test_a_user_cannot_go_through_the_guided_setup(self):
        shop = memory_platform.shop("Guarded Shop")
        with self.assertRaises(AccessError):
            self.env["ecommerce.store.setup"].with_user(self.user).create(
                {"name": "Guarded Shop", "platform": "memory"}
            )
        wizard = self.env["ecommerce.store.setup"].create(
            {"name": "Guarded Shop", "platform": "memory", "step": "credentials"}
        )
        stores = self.env["ecommerce.store"].search_count([])
        for method in SETUP_STEPS:
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(wizard.with_user(self.user), method)()
        self.assertEqual(self.env["ecommerce.store"].search_count([]), stores, "no store was created")
        self.assertFalse(shop.calls, "nothing reached the platform")
        self.assertEqual(wizard.step, "credentials")

    def test_a_user_cannot_process_events_send_digests_or_levels(self):
        event = WebhookEvent("d-user", "products/update", "products", "v7", "r1", payload={"id": "v7"})
        stored = self.env["ecommerce.webhook.event"]._store_event(self.store, event, b"{}")
        self.env.user.email = "manager@example.com"
        digest = self.env["ecommerce.digest"].create(
            {
                "name": "Daily channels",
                "period": "daily",
                "store_ids": [(6, 0, self.store.ids)],
                "user_ids": [(6, 0, self.env.user.ids)],
                "next_send_at": datetime(2030, 1, 1, 6, 0),
            }
        )
        drift = self.env["ecommerce.discrepancy"]._flag(
            self.store, "inventory_drift", "Level differs", external_id="va", record=self.product_a
        )
        calls = self.shop.calls
        with self.assertRaises(AccessError):
            stored.with_user(self.user).action_process_again()
        with self.assertRaises(AccessError):
            digest.with_user(self.user).action_send_now()
        with self.assertRaises(AccessError):
            drift.with_user(self.user).action_send_odoo_level()
        self.assertEqual(stored.state, "pending")
        self.assertFalse(self.env["mail.mail"].search([("subject", "like", "Daily channels")]), "no digest was mailed")
        self.assertEqual(drift.state, "open")
        self.assertEqual(self.shop.calls, calls, "nothing reached the store")
        self.assertFalse(self.env["ecommerce.stock.push"].search([("store_id", "=", self.store.id)]))
