"""In the browser: a new user connects a Shopify store through the guided set-up and finds its documents."""

import json
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.ecommerce_sync.tools import Deadline
from odoo.addons.ecommerce_sync_shopify.sandbox import merchant

from .common import TOKEN, start_sandbox


@tagged("post_install", "-at_install")
class TestOnboardingTour(HttpCase):
    def test_guided_setup_first_sync_dashboard_invoices_and_a_payout(self):
        server = start_sandbox(orders=12, seed=21)
        self.addCleanup(server.stop)
        # what the merchant has in Odoo before connecting the shop: its currencies and its products
        merchant.activate_currencies(self.env, server.shop)
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        merchant.create_products(self.env, server.shop, warehouse)
        shop = {"domain": server.shop.domain, "url": server.url, "token": TOKEN}
        # "Sync now" takes what fits in a few seconds and leaves the rest to the scheduled pull (the
        # engine's tests cover that); here the first sync takes the whole small shop, however busy the
        # machine, so that the tour finds its invoices and payouts
        whole_sync = patch.object(Deadline, "for_request", classmethod(lambda cls, budget=None: cls(3600)))
        self.startPatcher(whole_sync)
        self.start_tour(
            "/odoo/action-ecommerce_sync.ecommerce_store_action",
            "ecommerce_shopify_onboarding",
            login="admin",
            timeout=600,
            code=f"window.ecommerceTourShop = {json.dumps(shop)}; "
            "odoo.startTour('ecommerce_shopify_onboarding', {stepDelay: 0, startUrl: "
            "'/odoo/action-ecommerce_sync.ecommerce_store_action'})",
        )

        store = self.env["ecommerce.store"].search([("name", "=", "Tour Outfitters")])
        self.assertEqual(store.state, "connected")
        self.assertTrue(store.orders_imported)
        self.assertTrue(store.payout_count, "the shop's payouts were booked")
        payouts = self.env["account.payment"].browse(store._payout_bindings().mapped("res_id"))
        for payout in payouts:
            self.assertEqual(round(sum(payout.ecommerce_payout_line_ids.mapped("net")), 2), payout.amount)
