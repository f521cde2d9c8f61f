from datetime import timedelta

from odoo import fields

from odoo.addons.ecommerce_sync.connector import WebhookEvent

from ..models.ecommerce_store import PULL_KEY
from ..models.ecommerce_webhook_event import WEBHOOKS_KEY
from .common import QueueJobCommon


class TestTriggers(QueueJobCommon):
    """Every trigger enqueues a job on the store's channel, with an identity key: one waits at a time."""

    def event(self, delivery, order_id="450789469", revision="2025-03-05T10:00:00-05:00"):
        return WebhookEvent(
            delivery_id=delivery,
            topic="orders/updated",
            flow="orders",
            external_id=order_id,
            revision=revision,
            payload={"id": int(order_id), "updated_at": revision},
        )

    def test_a_store_gets_its_channel_and_its_capacity_is_the_channel_s(self):
        channel = self.store.job_channel_id
        self.assertEqual(channel.complete_name, f"root.ecommerce.sandbox_outfitters_{self.store.id}")
        self.store.job_capacity = 3
        self.assertEqual(channel.job_capacity, 3)
        other = self.env["ecommerce.store"].create({"name": "Sandbox Outfitters", "platform": "shopify"})
        self.assertNotEqual(other.job_channel_id, channel, "each store has its own channel")

    def test_the_scheduled_pull_racing_sync_now_enqueues_one_job(self):
        self.store.sudo().next_sync_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env["ecommerce.store"]._cron_sync()
        answer = self.store.action_sync_now()
        self.store.action_sync_now()
        jobs = self.jobs("_job_pull", identity_key=PULL_KEY.format(store=self.store.id))
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.state, "pending")
        self.assertEqual(jobs.channel, self.store.job_channel_id.complete_name)
        self.assertEqual(jobs.records, self.store)
        self.assertEqual(answer["params"]["title"], "Sync queued")
        self.assertFalse(self.store.sync_log_ids, "nothing ran in the cron nor in the request")
        self.assertGreater(self.store.next_sync_at, fields.Datetime.now(), "the next scheduled pull is planned")
        # once a worker started the job, the next trigger enqueues a new one
        jobs.state = "started"
        self.store.action_sync_now()
        self.assertEqual(len(self.jobs("_job_pull", identity_key=PULL_KEY.format(store=self.store.id))), 2)

    def test_a_replayed_webhook_enqueues_one_job_for_all_the_events_of_its_flow(self):
        Event = self.env["ecommerce.webhook.event"].sudo()
        first = Event._store_event(self.store, self.event("delivery-1"), b"{}")
        replayed = Event._store_event(self.store, self.event("delivery-1"), b"{}")
        another = Event._store_event(self.store, self.event("delivery-2", "450789470"), b"{}")
        self.assertTrue(first and another)
        self.assertFalse(replayed, "the replay is a duplicate")
        key = WEBHOOKS_KEY.format(store=self.store.id, flow="orders")
        jobs = self.jobs("_job_process", identity_key=key)
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.args, [self.store.id, "orders"])
        self.assertEqual(jobs.channel, self.store.job_channel_id.complete_name)
        self.assertEqual(jobs.user_id, self.env.ref("base.user_root"), "the work after the door is the superuser's")
        # the scheduled safety net finds the same job waiting
        Event._cron_process()
        self.assertEqual(len(self.jobs("_job_process", identity_key=key)), 1)

    def test_due_retries_enqueue_one_job_per_store_and_flow(self):
        log = self.env["ecommerce.sync.log"].create(
            {"store_id": self.store.id, "flow": "orders", "trigger": "cron", "direction": "pull"}
        )
        past = fields.Datetime.now() - timedelta(minutes=1)
        Line = self.env["ecommerce.sync.log.line"]
        Line.create([{"log_id": log.id, "external_id": str(n), "error": "boom", "next_retry_at": past} for n in (1, 2)])
        self.assertEqual(Line._cron_retry(), 2)
        Line._cron_retry()
        jobs = self.jobs("_job_retry", identity_key=f"ecommerce_sync:retry:{self.store.id}:orders")
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.job_function_id, self.env.ref("ecommerce_sync_queue_job.job_function_log_line_retry"))
        self.assertEqual(jobs.job_function_id._parse_retry_pattern(), {1: 60, 5: 600})

    def test_queued_stock_levels_enqueue_one_flush_per_store(self):
        product = self.env["product.product"].create({"name": "Canvas Tote", "type": "consu", "is_storable": True})
        self.env["ecommerce.stock.push"].create(
            {
                "store_id": self.store.id,
                "company_id": self.store.company_id.id,
                "product_id": product.id,
                "transaction_ref": "test",
            }
        )
        self.env["ecommerce.stock.push"]._cron_flush()
        self.env["ecommerce.stock.push"]._cron_flush()
        jobs = self.jobs("_job_flush", identity_key=f"ecommerce_sync:stock:{self.store.id}")
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.args, [self.store.id])

    def test_a_pull_job_runs_the_store_and_names_itself_on_its_logs(self):
        self.store.sync_orders = False  # the first pull of orders would be a backfill (see test_backfill)
        self.store.action_sync_now()
        [job] = self.jobs("_job_pull")
        self.perform(job)
        logs = self.store.sync_log_ids
        self.assertTrue(logs)
        self.assertEqual(logs.job_id, job)
        self.assertNotIn("orders", logs.mapped("flow"))
        self.assertEqual(job.state, "done")
