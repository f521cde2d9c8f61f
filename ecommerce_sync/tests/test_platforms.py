"""Which platforms a store may have, and what happens to stores whose connector is gone."""

import json
import threading
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..connector import get_connector_class
from . import memory_platform
from .common import EcommerceSyncCommon


@tagged("post_install", "-at_install")
class TestPlatforms(EcommerceSyncCommon):
    def orphan_store(self):
        """A connected store whose platform no installed addon provides (its addon left the server)."""
        memory_platform.shop("Retired Shop")
        store = self.env["ecommerce.store"].create({"name": "Retired Shop", "platform": "memory"})
        store.action_test_connection()
        self.env.flush_all()
        self.env.cr.execute("UPDATE ecommerce_store SET platform = 'retired' WHERE id = %s", [store.id])
        store.invalidate_recordset(["platform"])
        return store

    def failed_line(self, store, external_id):
        log = self.env["ecommerce.sync.log"].create({"store_id": store.id, "flow": "products", "trigger": "cron"})
        payload = {"id": external_id, "sku": "SKU-A", "title": "Alpha", "price": "1.00"}
        return self.env["ecommerce.sync.log.line"].create(
            {
                "log_id": log.id,
                "external_id": external_id,
                "error": "price: expected a number",
                "payload": json.dumps(payload),
                "next_retry_at": fields.Datetime.now() - timedelta(minutes=1),
            }
        )

    def test_test_platforms_are_offered_only_while_tests_run(self):
        Store = self.env["ecommerce.store"]
        self.assertIn(("memory", "Memory (tests)"), Store._selection_platform())
        with patch.object(threading.current_thread(), "testing", False):
            offered = dict(Store._selection_platform())
        self.assertNotIn("memory", offered)
        self.assertNotIn("ledger_test", offered)
        self.assertEqual([key for key in offered if ".tests." in get_connector_class(key).__module__], [])

    def test_the_retry_cron_goes_on_when_a_store_has_no_connector(self):
        orphan_line = self.failed_line(self.orphan_store(), "r1")
        self.shop.add_variant("v1", "SKU-A", price="bad")
        line = self.engine.run_flow(self.store, "products").line_ids
        self.shop.variants[0]["price"] = "3.00"
        line.next_retry_at = fields.Datetime.now() - timedelta(seconds=1)

        self.env["ecommerce.sync.log.line"]._cron_retry()

        self.assertEqual(line.state, "resolved", "the other store's line is retried")
        self.assertRecordValues(
            orphan_line,
            [{"state": "failed", "attempts": 2, "error": "No installed connector handles the platform retired."}],
        )
        self.assertGreater(orphan_line.next_retry_at, fields.Datetime.now(), "it waits for its next retry")
        run = orphan_line.store_id.sync_log_ids.filtered(lambda log: log.trigger == "retry")
        self.assertRecordValues(
            run, [{"state": "failed", "message": "No installed connector handles the platform retired."}]
        )

    def test_scheduled_sync_and_webhooks_go_on_when_a_store_has_no_connector(self):
        orphan = self.orphan_store()
        event = self.env["ecommerce.webhook.event"].create(
            {
                "store_id": orphan.id,
                "delivery_id": "d1",
                "dedupe_key": "d1",
                "topic": "products/update",
                "flow": "products",
                "external_id": "r2",
                "payload": json.dumps({"id": "r2", "sku": "SKU-B", "title": "Beta", "price": "2.00"}),
            }
        )
        self.shop.add_variant("v1", "SKU-A")
        (self.store | orphan).write({"next_sync_at": fields.Datetime.now() - timedelta(minutes=1)})

        self.env["ecommerce.store"]._cron_sync()
        self.env["ecommerce.webhook.event"]._cron_process()

        self.assertEqual(len(self.links()), 1, "the other store is pulled")
        self.assertRecordValues(orphan, [{"last_sync_result": "failed", "state": "connected"}])
        self.assertIn("No installed connector", orphan.last_sync_message)
        self.assertEqual(event.state, "failed")
        line = orphan.sync_log_ids.line_ids
        self.assertEqual(line.external_id, "r2", "the event's record is kept for retry")
        self.assertEqual(json.loads(line.payload)["sku"], "SKU-B")

    def test_parking_a_platform_archives_its_stores_and_settles_their_work(self):
        self.shop.add_variant("v1", "SKU-A", price="bad")
        line = self.engine.run_flow(self.store, "products").line_ids
        event = self.env["ecommerce.webhook.event"].create(
            {"store_id": self.store.id, "delivery_id": "d", "dedupe_key": "d", "topic": "t", "flow": "products"}
        )

        parked = self.env["ecommerce.store"]._park_platform_stores("memory")

        self.assertIn(self.store, parked)
        self.assertRecordValues(self.store, [{"active": False, "state": "draft"}])
        message = "The Memory (tests) connector was uninstalled; install it again to resume this store."
        self.assertEqual(self.store.state_message, message)
        self.assertRecordValues(event, [{"state": "failed", "error": message}])
        self.assertRecordValues(line, [{"state": "abandoned", "error": message}])
        self.assertFalse(self.env["ecommerce.store"].search([("state", "!=", "draft"), ("platform", "=", "memory")]))
        self.assertFalse(self.env["ecommerce.store"]._park_platform_stores("never_installed"))
