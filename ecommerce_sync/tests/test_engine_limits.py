"""Units of work bounded in time; database errors and poison records."""

import json
from unittest.mock import patch

import psycopg2.errors

from odoo import fields
from odoo.tests import tagged
from odoo.tools import config

from ..tools import Deadline
from .common import EcommerceSyncCommon


class StepClock:
    """A clock that moves ``step`` seconds each time it is read."""

    def __init__(self, step):
        self.now = 0.0
        self.step = step

    def __call__(self):
        self.now += self.step
        return self.now


@tagged("post_install", "-at_install")
class TestEngineLimits(EcommerceSyncCommon):
    def add_variants(self, count):
        for number in range(1, count + 1):
            self.shop.add_variant(f"v{number}", "SKU-A" if number % 2 else "SKU-B")

    def test_a_sync_under_a_short_time_limit_completes_across_runs(self):
        """Each run stops well inside Odoo's limit, commits what it did, and the next one carries on."""
        self.add_variants(9)  # five pages of two
        self.store.page_budget = 100
        cron = self.env.ref("ecommerce_sync.ir_cron_ecommerce_sync")
        runs = []
        with patch.dict(config.options, {"limit_time_real": 8, "limit_time_real_cron": 8}):
            self.assertEqual(Deadline.for_request().seconds, 4, "half of Odoo's limit")
            while len(runs) < 10:
                # every read of the clock takes a second: a run has time for a page or two
                deadline = Deadline(Deadline.for_request().seconds, clock=StepClock(1.0))
                log = self.engine.run_flow(self.store, "products", trigger="cron", deadline=deadline)
                runs.append(log)
                self.assertLessEqual(deadline.elapsed(), 8, "the run stopped inside the time limit")
                if not log.more_pending:
                    break
        self.assertGreater(len(runs), 2)
        self.assertEqual(sum(log.created_count for log in runs), 9)
        self.assertTrue(all(log.more_pending for log in runs[:-1]))
        self.assertEqual(len(self.links()), 9)
        self.assertEqual(self.store.cursor_products, "9")

        # the scheduled action reports what is left and triggers itself again when its time is up
        self.store.cursor_products = False
        self.links().unlink()
        self.store.next_sync_at = "2000-01-01"
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with (
            patch.dict(config.options, {"limit_time_real_cron": 4}),
            patch.object(Deadline, "for_cron", lambda env: Deadline(2, clock=StepClock(1.0))),
        ):
            self.env["ecommerce.store"]._cron_sync()
        self.assertLess(len(self.links()), 9)
        self.assertGreater(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers)
        self.assertEqual(self.store.last_sync_result, "ok")

    def test_sync_now_answers_with_what_it_did_and_triggers_the_rest(self):
        self.add_variants(9)
        self.store.page_budget = 1
        cron = self.env.ref("ecommerce_sync.ir_cron_ecommerce_sync")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        result = self.store.action_sync_now()
        self.assertIn("Products: 2 created.", result["params"]["message"])
        self.assertIn("the scheduled sync carries on", result["params"]["message"])
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.assertLessEqual(self.store.next_sync_at, fields.Datetime.now(), "due now: the scheduled pull takes it")

    def test_a_serialization_failure_ends_the_run_and_fails_no_record(self):
        self.add_variants(4)
        link_model = type(self.env["ecommerce.product.link"])
        original = link_model._import_variant
        calls = []

        def conflicting(link, store, variant):
            calls.append(variant.external_id)
            if variant.external_id == "v3":
                raise psycopg2.errors.SerializationFailure("could not serialize access due to concurrent update")
            return original(link, store, variant)

        with patch.object(link_model, "_import_variant", conflicting):
            log = self.engine.run_flow(self.store, "products")
        self.assertEqual(log.state, "failed")
        self.assertIn("the next run carries on", log.message)
        self.assertEqual(log.failed_count, 0)
        self.assertFalse(log.line_ids, "no record is logged as failed")
        self.assertEqual(self.store.cursor_products, "2", "the cursor stays before the interrupted page")
        # the next run takes the records again
        log = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(log, [{"state": "done", "failed_count": 0}])
        self.assertEqual(len(self.links()), 4)

    def test_a_poison_event_fails_alone_among_good_ones(self):
        Event = self.env["ecommerce.webhook.event"]

        def event(delivery, payload, external_id):
            return Event.create(
                {
                    "store_id": self.store.id,
                    "delivery_id": delivery,
                    "dedupe_key": delivery,
                    "topic": "products/update",
                    "flow": "products",
                    "external_id": external_id,
                    "payload": json.dumps(payload),
                }
            )

        good = event("d1", {"id": "w1", "sku": "SKU-A", "title": "One", "price": "5.00"}, "w1")
        poison = event("d2", {"id": "²"}, "²")
        later = event("d3", {"id": "w3", "sku": "SKU-B", "title": "Three", "price": "6.00"}, "w3")
        connector = type(self.store._get_connector())
        original = connector.parse_products

        def parse(self_, payload):
            if payload.get("id") == "²":
                return int(payload["id"])  # what a connector trusting str.isdigit() does
            return original(self_, payload)

        with patch.object(connector, "parse_products", parse):
            Event._cron_process()
        self.assertEqual((good | later).mapped("state"), ["done", "done"])
        self.assertEqual(poison.state, "failed")
        self.assertIn("ValueError", poison.error)
        self.assertEqual(len(self.links()), 2)

    def test_a_failed_event_keeps_its_payload_as_received(self):
        payload = {"id": "w9", "sku": "SKU-A", "title": "Nine", "price": "oops"}
        event = self.env["ecommerce.webhook.event"].create(
            {
                "store_id": self.store.id,
                "delivery_id": "twice",
                "dedupe_key": "twice",
                "topic": "products/update",
                "flow": "products",
                "external_id": "w9",
                # stored encoded twice, as older versions kept some payloads
                "payload": json.dumps(json.dumps(payload)),
            }
        )
        self.env["ecommerce.webhook.event"]._cron_process()
        self.assertEqual(event.state, "failed")
        self.assertEqual(event._payload_dict(), payload)
        line = self.env["ecommerce.sync.log.line"].search([("store_id", "=", self.store.id)])
        self.assertEqual(json.loads(line.payload), payload, "the payload is kept once encoded")
        # retried (the record is gone from the store: the kept payload is read), it reads the original
        line.action_retry()
        self.assertEqual(line._payload_dict(), payload)
        self.assertIn("expected a number", line.error)
