from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import EcommerceSyncCommon


@tagged("post_install", "-at_install")
class TestCrons(EcommerceSyncCommon):
    def test_scheduled_actions_exist_and_are_active(self):
        expected = {
            "ecommerce_sync.ir_cron_ecommerce_sync": ("ecommerce.store", "model._cron_sync()"),
            "ecommerce_sync.ir_cron_ecommerce_webhook_process": ("ecommerce.webhook.event", "model._cron_process()"),
            "ecommerce_sync.ir_cron_ecommerce_retry": ("ecommerce.sync.log.line", "model._cron_retry()"),
            "ecommerce_sync.ir_cron_ecommerce_log_purge": ("ecommerce.sync.log", "model._cron_purge()"),
        }
        for xmlid, (model, code) in expected.items():
            cron = self.env.ref(xmlid)
            self.assertTrue(cron.active, xmlid)
            self.assertEqual(cron.model_id.model, model)
            self.assertEqual(cron.code, code)
            self.assertEqual(cron.user_id, self.env.ref("base.user_root"))

    def test_cron_pulls_due_stores_only_and_reschedules_them(self):
        self.shop.add_variant("v1", "SKU-A")
        self.store.next_sync_at = fields.Datetime.now() + timedelta(minutes=5)
        self.env["ecommerce.store"]._cron_sync()
        self.assertFalse(self.links(), "not due yet")

        self.store.next_sync_at = fields.Datetime.now() - timedelta(minutes=1)
        before = fields.Datetime.now()
        self.env["ecommerce.store"]._cron_sync()
        self.assertEqual(len(self.links()), 1)
        log = self.store.sync_log_ids[:1]
        self.assertEqual(log.trigger, "cron")
        self.assertGreaterEqual(self.store.next_sync_at, before + timedelta(minutes=self.store.sync_interval))

    def test_a_sync_plans_the_next_one_an_interval_after_it(self):
        # a new store is due at once; its first sync (nothing left waiting) plans the next an interval later
        self.assertLessEqual(self.store.next_sync_at, fields.Datetime.now())
        self.shop.add_variant("v1", "SKU-A")
        self.store.action_sync_now()
        self.assertEqual(self.store.sync_interval, 15)
        self.assertEqual(self.store.next_sync_at, self.store.last_sync_at + timedelta(minutes=15))
        self.store.invalidate_recordset(["next_sync_in"])
        self.assertEqual(self.store.next_sync_in, "in 15 minutes")

        # a sync that leaves more waiting leaves the store due: the scheduled pull carries on at once
        for number in range(2, 6):
            self.shop.add_variant(f"v{number}", "SKU-B")
        self.store.page_budget = 1
        logs = self.engine.sync_store(self.store)
        self.assertEqual([log.more_pending for log in logs.filtered(lambda log: log.flow == "products")], [True])
        self.assertLessEqual(self.store.next_sync_at, fields.Datetime.now())
        self.store.invalidate_recordset(["next_sync_in"])
        self.assertEqual(self.store.next_sync_in, "due now")

    def test_cron_skips_stores_never_connected(self):
        draft = self.env["ecommerce.store"].create({"name": "Memory Shop", "platform": "memory"})
        self.shop.add_variant("v1", "SKU-A")
        self.store.next_sync_at = fields.Datetime.now() + timedelta(hours=1)
        self.env["ecommerce.store"]._cron_sync()
        self.assertFalse(draft.sync_log_ids)

    def test_retry_cron_takes_due_lines(self):
        self.shop.add_variant("v1", "SKU-A", price="bad")
        line = self.engine.run_flow(self.store, "products").line_ids
        self.shop.variants[0]["price"] = "3.00"
        self.env["ecommerce.sync.log.line"]._cron_retry()
        self.assertEqual(line.state, "failed", "not due before its next retry time")
        line.next_retry_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["ecommerce.sync.log.line"]._cron_retry()
        self.assertEqual(line.state, "resolved")

    def test_purge_keeps_recent_runs_and_unresolved_failures(self):
        self.shop.add_variant("v1", "SKU-A", price="bad")
        failing = self.engine.run_flow(self.store, "products")
        self.store.cursor_products = False
        self.shop.variants[0]["price"] = "1.00"
        ok_old = self.engine.run_flow(self.store, "products")
        recent = self.engine.run_flow(self.store, "products")
        old = fields.Datetime.now() - timedelta(days=120)
        (failing | ok_old).write({"started_at": old})
        purged = self.env["ecommerce.sync.log"]._cron_purge()
        self.assertEqual(purged, 1)
        self.assertFalse(ok_old.exists())
        self.assertTrue(failing.exists())
        self.assertTrue(recent.exists())

    def test_retries_wait_while_the_flow_is_off_or_the_store_is_parked(self):
        self.shop.add_variant("v1", "SKU-A", price="bad")
        line = self.engine.run_flow(self.store, "products").line_ids
        self.shop.variants[0]["price"] = "3.00"
        line.next_retry_at = fields.Datetime.now() - timedelta(seconds=1)
        self.store.sync_products = False
        self.env["ecommerce.sync.log.line"]._cron_retry()
        self.assertRecordValues(line, [{"state": "failed", "attempts": 1}])

        self.store.sync_products = True
        self.env["ecommerce.store"]._park_platform_stores("memory")
        line.state = "failed"  # put back in the queue by hand
        self.env["ecommerce.sync.log.line"]._cron_retry()
        self.assertRecordValues(line, [{"state": "failed", "attempts": 1}])
        self.assertFalse(self.links())

    def test_webhook_processing_leaves_the_events_of_a_parked_store(self):
        self.env["ecommerce.store"]._park_platform_stores("memory")
        event = self.env["ecommerce.webhook.event"].create(
            {
                "store_id": self.store.id,
                "delivery_id": "late",
                "dedupe_key": "late",
                "topic": "products/update",
                "flow": "products",
                "external_id": "v1",
                "payload": '{"id": "v1", "sku": "SKU-A", "title": "Alpha", "price": "1.00"}',
            }
        )
        self.env["ecommerce.webhook.event"]._cron_process()
        self.assertEqual(event.state, "pending")
        self.assertFalse(self.links())
        self.assertFalse(
            self.store.with_context(active_test=False).sync_log_ids.filtered(lambda log: log.trigger == "webhook")
        )
