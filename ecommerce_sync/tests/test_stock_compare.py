import json
from decimal import Decimal

from odoo.tests import tagged

from odoo.addons.ecommerce_sync.connector import WebhookEvent

from .common_stock import EcommerceStockCommon


@tagged("post_install", "-at_install")
class TestStockCompare(EcommerceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_d = cls.Product.create({"name": "Delta", "default_code": "SKU-D", "is_storable": True})
        (cls.link_d,) = cls.link(cls.store, (cls.product_d, "vd"))

    def setUp(self):
        super().setUp()
        for product, quantity in ((self.product_a, 5), (self.product_b, 4), (self.product_c, 3), (self.product_d, 2)):
            self.count_stock(product, quantity)
        self.flush()  # the store shows Odoo's levels: va 5, vb 4, vc 3, vd 2

    def drifts(self, state="open"):
        return self.store.discrepancy_ids.filtered(lambda d: d.kind == "inventory_drift" and d.state == state)

    def test_three_drifting_products_make_three_discrepancies_and_the_rate(self):
        self.assertEqual(self.shop.levels, {"va": 5, "vb": 4, "vc": 3, "vd": 2})
        # the store's levels move on their own (edits in the store, a lost update)
        self.shop.levels.update({"va": Decimal(9), "vb": Decimal(1), "vc": Decimal(0)})

        log = self.compare._compare_store_levels(self.store)

        self.assertRecordValues(
            log, [{"flow": "stock", "state": "done", "fetched_count": 4, "updated_count": 3, "skipped_count": 1}]
        )
        self.assertEqual(self.shop.level_reads, 1)
        drifts = self.drifts().sorted("external_id")
        self.assertEqual(drifts.mapped("external_id"), ["va", "vb", "vc"])
        self.assertEqual(drifts.mapped("expected"), [9, 1, 0], "what the store shows")
        self.assertEqual(drifts.mapped("found"), [5, 4, 3], "what Odoo would send")
        self.assertEqual(drifts.mapped("res_id"), (self.product_a | self.product_b | self.product_c).ids)
        self.assertEqual(len(drifts.activity_ids), 3, "someone reviews each one")
        self.assertAlmostEqual(self.store.inventory_discrepancy_rate, 0.75)
        self.assertTrue(self.store.stock_compared_at)
        self.assertEqual(self.link_b.store_level, 1)

        # by default only the level above Odoo's is corrected at once (it could be oversold)
        self.assertEqual(self.queued().product_id, self.product_a)
        self.flush()
        self.assertEqual(self.shop.levels["va"], 5)

        # the store's edits are undone by hand: they agree again and are resolved
        self.shop.levels.update({"vb": Decimal(4), "vc": Decimal(3)})
        self.compare._compare_store_levels(self.store)
        self.assertFalse(self.drifts())
        self.assertEqual(len(self.drifts("resolved")), 3)
        self.assertEqual(self.store.inventory_discrepancy_rate, 0.0)

    def test_pending_levels_are_sent_before_comparing(self):
        self.count_stock(self.product_a, 8)
        log = self.compare._compare_store_levels(self.store)
        self.assertEqual(self.shop.levels["va"], 8)
        self.assertEqual(log.updated_count, 0)
        self.assertFalse(self.drifts())

    def test_a_variant_the_store_does_not_report_is_not_counted_as_drift(self):
        del self.shop.levels["vd"]
        self.shop.levels["vc"] = Decimal(1)
        log = self.compare._compare_store_levels(self.store)
        self.assertRecordValues(log, [{"fetched_count": 3, "updated_count": 1}])
        self.assertIn("1 have no level in the store", log.message)
        self.assertAlmostEqual(self.store.inventory_discrepancy_rate, 0.25)

    def test_drift_correction_settings(self):
        self.shop.levels.update({"va": Decimal(9), "vb": Decimal(1)})
        self.store.stock_drift_correction = "always"
        self.compare._compare_store_levels(self.store)
        self.assertEqual(self.queued().product_id, self.product_a | self.product_b)
        self.flush()
        self.assertEqual(self.shop.levels, {"va": 5, "vb": 4, "vc": 3, "vd": 2})

        self.shop.levels.update({"va": Decimal(9)})
        self.store.stock_drift_correction = "never"
        self.compare._compare_store_levels(self.store)
        self.assertFalse(self.queued())
        self.assertEqual(self.drifts().external_id, "va")

    def test_scheduled_comparison_and_store_button(self):
        self.shop.levels["vd"] = Decimal(7)
        self.env["ecommerce.store"]._cron_compare_stock()
        self.assertEqual(self.drifts().external_id, "vd")
        cron = self.env.ref("ecommerce_sync.ir_cron_ecommerce_stock_compare")
        self.assertEqual(cron.code, "model._cron_compare_stock()")
        push_cron = self.env.ref("ecommerce_sync.ir_cron_ecommerce_stock_push")
        self.assertEqual((push_cron.interval_number, push_cron.interval_type), (1, "minutes"))

        self.shop.levels["vd"] = Decimal(2)
        result = self.store.action_compare_stock()
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("0 of 4 linked variants differ", result["params"]["message"])
        self.assertFalse(self.drifts())

    def test_comparison_api_failure_is_logged(self):
        self.shop.refuse_credentials = True
        log = self.compare._compare_store_levels(self.store)
        self.assertEqual(log.state, "failed")
        self.assertIn("401", log.message)
        self.assertEqual(self.store.state, "error")

    def webhook(self, delivery, variant_id, available, location="loc-1"):
        payload = {"variant_id": variant_id, "available": available, "location_id": location}
        event = WebhookEvent(delivery, "inventory_levels/update", flow="stock", external_id=variant_id, payload=payload)
        stored = self.env["ecommerce.webhook.event"]._store_event(self.store, event, json.dumps(payload).encode())
        self.engine.process_webhook_events(stored)
        return stored

    def test_level_webhook_compares_that_product_and_corrects_the_store(self):
        event = self.webhook("d-1", "vb", 11)
        self.assertEqual(event.state, "done")
        self.assertEqual(self.drifts().external_id, "vb")
        self.assertEqual(self.drifts().expected, 11)
        self.assertEqual(self.queued().product_id, self.product_b)
        self.flush()
        self.assertEqual(self.shop.levels["vb"], 4)

        # the store reports the corrected level: resolved
        self.webhook("d-2", "vb", 4)
        self.assertFalse(self.drifts())

        # other locations of the store and unknown variants are not Odoo's business
        self.webhook("d-3", "vb", 50, location="loc-2")
        self.webhook("d-4", "v-unknown", 50)
        self.assertFalse(self.drifts())
        self.assertFalse(self.queued())

    def test_level_webhook_while_a_level_is_on_its_way_is_no_drift(self):
        self.count_stock(self.product_c, 1)  # queued, not sent yet
        self.webhook("d-1", "vc", 3)
        self.assertFalse(self.drifts())
        self.assertEqual(self.queued().product_id, self.product_c)
