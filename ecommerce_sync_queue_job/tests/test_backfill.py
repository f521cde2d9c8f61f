from collections import Counter
from datetime import timedelta

from odoo import sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from odoo.addons.ecommerce_sync.connector.records import to_datetime
from odoo.addons.ecommerce_sync.tools import RunInterrupted, RunPostponed
from odoo.addons.ecommerce_sync_shopify.sandbox import merchant
from odoo.addons.ecommerce_sync_shopify.sandbox.data import START
from odoo.addons.queue_job.exception import RetryableJobError

from ..models.ecommerce_sync_engine import _lock_pair
from .common import QueueJobCommon

#: enough orders for returning customers, refunds and cancellations; small pages, so that windows take several jobs
PAGE_SIZE = 4


class Rollback(Exception):
    pass


class TestBackfill(QueueJobCommon):
    """A backfill cut into windows, run in any order by jobs (one of them twice), books what a plain sync books."""

    ORDERS = 40
    SEED = 18
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        merchant.set_up_store(cls.env, cls.store, cls.shop)
        cls.store.write({"backfill_window_days": 1, "backfill_pages_per_job": 1})
        cls.engine = cls.env["ecommerce.sync.engine"]
        cls.engine.run_flow(cls.store, "products", max_pages=100)

    def setUp(self):
        super().setUp()
        original = type(self.store)._connector_config
        self.patch(type(self.store), "_connector_config", lambda store: dict(original(store), page_size=PAGE_SIZE))

    def figures(self):
        """What the store's orders became: documents counted and summed, customers, bindings, discrepancies."""
        orders = self.env["sale.order"].search([("ecommerce_store_id", "=", self.store.id)])
        moves = self.env["account.move"].search([("state", "=", "posted")])
        payments = self.env["account.payment"].search([])
        return {
            "orders": sorted(
                (o.ecommerce_external_id, o.currency_id.name, o.amount_total, o.state, o.invoice_status) for o in orders
            ),
            "moves": sorted(Counter(moves.mapped("move_type")).items()),
            "moves total": round(sum(moves.mapped("amount_total_signed")), 2),
            "payments": (len(payments), round(sum(payments.mapped("amount_signed")), 2)),
            "customers": self.env["res.partner"].search_count([("customer_rank", ">", 0)]),
            "partners": self.env["res.partner"].search_count([]),
            "transfers": sorted(Counter(self.env["stock.picking"].search([]).mapped("state")).items()),
            "bindings": sorted(Counter(self.env["ecommerce.binding"].search([]).mapped("kind")).items()),
            "discrepancies": sorted(Counter(self.env["ecommerce.discrepancy"].search([]).mapped("kind")).items()),
        }

    def plain_sync_figures(self):
        """The figures after a plain pull of the orders, rolled back afterwards."""
        with self.assertRaises(Rollback), self.env.cr.savepoint():
            while True:
                log = self.engine.run_flow(self.store, "orders", max_pages=100)
                self.assertEqual(log.state, "done", log.message)
                if not log.more_pending:
                    break
            figures = self.figures()
            raise Rollback
        self.env.invalidate_all()
        self.assertFalse(self.env["sale.order"].search_count([("ecommerce_store_id", "=", self.store.id)]))
        return figures

    def test_windows_run_in_any_order_and_one_twice_book_exactly_what_a_plain_sync_books(self):
        plain = self.plain_sync_figures()
        self.assertEqual(len(plain["orders"]), self.ORDERS)
        until = START + timedelta(days=9)
        windows = self.store._start_backfill(START - timedelta(days=1), until=until)
        self.assertEqual(len(windows), 10)
        self.assertEqual(len(self.jobs("_job_import")), 10)
        self.assertEqual(set(self.jobs("_job_import").mapped("channel")), {self.store.job_channel_id.complete_name})
        self.assertEqual(self.store.backfill_state, "running")
        ran = self.drain(seed=3, twice="_job_import")
        self.assertEqual(self.figures(), plain)
        self.assertEqual(set(windows.mapped("state")), {"done"})
        self.assertEqual(self.store.backfill_state, "done")
        self.assertEqual(self.store.backfill_progress, 100.0)
        busy = windows.filtered(lambda w: w.created_count)
        self.assertGreaterEqual(len(busy), 7, "the orders are spread over the windows")
        self.assertGreater(max(windows.mapped("jobs_count")), 1, "a window of several pages takes several jobs")
        self.assertEqual(sum(windows.mapped("created_count")), self.ORDERS)
        self.assertGreater(ran, len(windows))
        self.assertEqual(self.store._get_cursor("orders"), until.isoformat(), "the cursor is past every window")
        logs = windows.log_ids
        self.assertEqual(set(logs.mapped("trigger")), {"backfill"})
        self.assertTrue(all(logs.mapped("job_id")), "each run names its job")
        # the next pull of orders carries on from there: nothing is booked twice
        before = self.figures()
        self.engine.run_flow(self.store, "orders", max_pages=100)
        self.assertEqual(self.figures(), before)

    def test_the_cursor_only_moves_past_the_windows_done_from_the_first_one_on(self):
        until = START + timedelta(days=9)
        windows = self.store._start_backfill(START - timedelta(days=1), until=until)
        jobs = {job.records: job for job in self.jobs("_job_import")}
        self.perform(jobs[windows[2]])
        while windows[2].state != "done":
            self.perform(self.jobs("_job_import", state="pending").filtered(lambda j: j.records == windows[2]))
        self.drain_advances()
        self.assertFalse(self.store._get_cursor("orders"), "the first windows are not done")
        for window in windows[:2]:
            while window.state != "done":
                self.perform(self.jobs("_job_import", state="pending").filtered(lambda j, w=window: j.records == w))
        self.drain_advances()
        self.assertEqual(self.store._get_cursor("orders"), windows[2]._window().end.isoformat())
        self.assertTrue(self.store._backfill_running())
        log = self.engine.run_flow(self.store, "orders")
        self.assertFalse(log, "the pull of orders waits for the backfill")

    def drain_advances(self):
        for job in self.jobs("_job_advance_backfill_cursor", state="pending"):
            self.perform(job)

    def test_a_record_another_worker_is_booking_postpones_the_window(self):
        until = START + timedelta(days=9)
        windows = self.store._start_backfill(START - timedelta(days=1), until=until)
        first = min(self.shop.orders.values(), key=lambda order: order["created_at"])
        window = windows[1]
        self.assertTrue(window._window().holds(to_datetime(first["created_at"])))
        job = self.jobs("_job_import").filtered(lambda j: j.records == window)
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", _lock_pair("Order", f"{self.store.id}:{first['id']}"))
            # the job's transaction is rolled back, as the worker does on a retryable error
            with self.assertRaises(RetryableJobError), self.env.cr.savepoint():
                self.perform(job)
        finally:
            other.rollback()
            other.close()
        self.env.invalidate_all()
        self.assertFalse(self.env["sale.order"].search_count([("ecommerce_store_id", "=", self.store.id)]))
        self.perform(job)
        self.assertTrue(self.env["sale.order"].search_count([("ecommerce_external_id", "=", str(first["id"]))]))

    def test_a_job_the_database_interrupts_is_retried_from_the_windows_cursor(self):
        until = START + timedelta(days=9)
        windows = self.store._start_backfill(START - timedelta(days=1), until=until)
        busy = next(
            w
            for w in windows
            if any(w._window().holds(to_datetime(o["created_at"])) for o in self.shop.orders.values())
        )
        job = self.jobs("_job_import").filtered(lambda j: j.records == busy)
        self.assertEqual(job.max_retries, 0, "however busy the workers, a window is never given up")
        engine = type(self.env["ecommerce.sync.engine"])
        pull_pages = engine._pull_pages

        def conflicting(self_engine, run, *args, **kwargs):
            # another worker reserved the same stock first: PostgreSQL stops this transaction
            raise RunInterrupted("could not serialize access due to concurrent update")

        self.patch(engine, "_pull_pages", conflicting)
        with self.assertRaises(RetryableJobError), self.env.cr.savepoint():
            self.perform(job)
        self.env.invalidate_all()
        self.assertEqual(busy.state, "pending", "the window waits for the job's retry, it has not failed")
        self.assertFalse(busy.message)
        self.patch(engine, "_pull_pages", pull_pages)
        self.perform(job)
        self.assertGreater(busy.created_count, 0)
        self.assertIn(busy.state, ("pending", "done"))
        self.assertTrue(
            self.env["sale.order"].search_count([("ecommerce_store_id", "=", self.store.id)]),
            "the retry books the window's orders",
        )

    def test_the_first_pull_of_orders_is_a_backfill_from_the_first_order(self):
        self.store.backfill_window_days = 400
        self.store.action_sync_now()
        [pull] = self.jobs("_job_pull")
        self.perform(pull)
        windows = self.store.backfill_window_ids.sorted("sequence")
        self.assertFalse(windows[0].date_from, "the first window starts with the first order")
        self.assertFalse(
            self.store.sync_log_ids.filtered(lambda log: log.flow == "orders" and not log.backfill_window_id)
        )
        self.drain()
        self.assertEqual(self.store.backfill_state, "done")
        orders = self.env["sale.order"].search([("ecommerce_store_id", "=", self.store.id)])
        self.assertEqual(sorted(orders.mapped("ecommerce_external_id")), sorted(str(i) for i in self.shop.orders))

    def run_windows(self):
        """Run the window jobs (and the cursor's), leaving the deliveries job waiting."""
        while True:
            pending = self.jobs(state="pending").filtered(lambda job: job.method_name != "_job_book")
            if not pending:
                return
            self.perform(pending[0])

    def test_a_backfills_deliveries_wait_for_one_job_of_the_company(self):
        plain = self.plain_sync_figures()
        self.assertIn("done", dict(plain["transfers"]), "the plain sync validates the shipped orders' deliveries")
        self.store._start_backfill(START - timedelta(days=1), until=START + timedelta(days=9))
        self.run_windows()
        waiting = self.env["ecommerce.deferred.stock"].search([("store_id", "=", self.store.id)])
        self.assertTrue(waiting)
        self.assertNotIn("done", self.env["stock.picking"].search([]).mapped("state"), "nothing validated yet")
        book = self.jobs("_job_book", state="pending")
        self.assertEqual(len(book), 1, "one deliveries job waits per company, whatever the windows queued")
        self.assertEqual(book.channel, "root.ecommerce.deliveries")
        self.drain()
        self.assertEqual(self.figures(), plain)
        self.assertFalse(waiting.exists(), "every order's stock is booked")

    def test_a_delivery_that_fails_keeps_its_row_with_the_reason_and_is_retried_by_a_manager(self):
        # the users first: their partners are in the figures compared
        reader = new_test_user(self.env, "deferred_reader", groups="ecommerce_sync.group_ecommerce_user")
        portal = new_test_user(self.env, "deferred_portal", groups="base.group_portal")
        manager = new_test_user(
            self.env, "deferred_manager", groups="ecommerce_sync.group_ecommerce_manager,base.group_user"
        )
        plain = self.plain_sync_figures()
        self.store._start_backfill(START - timedelta(days=1), until=START + timedelta(days=9))
        self.run_windows()
        builder = type(self.env["ecommerce.stock.builder"])
        sync_fulfillments = builder._sync_fulfillments

        def needs_a_person(self_builder, store, order, sale_order):
            raise UserError(self_builder.env._("The transfer needs a lot number; validate it by hand."))

        self.patch(builder, "_sync_fulfillments", needs_a_person)
        self.drain()
        rows = self.env["ecommerce.deferred.stock"].search([("store_id", "=", self.store.id)])
        self.assertTrue(rows)
        self.assertEqual(set(rows.mapped("state")), {"failed"})
        self.assertIn("lot number", rows[0].message)
        self.assertFalse(self.jobs("_job_book", state="pending"), "a failed row is not retried by itself")
        # the store's Jobs tab counts them and opens them, the failed ones first
        self.store.invalidate_recordset(["deferred_stock_count", "deferred_stock_failed_count"])
        self.assertEqual((self.store.deferred_stock_count, self.store.deferred_stock_failed_count), (0, len(rows)))
        action = self.store.with_user(reader).action_open_deferred_stock()
        self.assertEqual(action["res_model"], "ecommerce.deferred.stock")
        self.assertEqual(action["context"], {"search_default_failed": 1})
        listed = self.env["ecommerce.deferred.stock"].with_user(reader).search(action["domain"])
        self.assertEqual(listed, rows.with_user(reader))
        self.assertNotIn("payload", listed.fields_get(attributes=["type"]), "the payload is the managers'")
        with self.assertRaises(AccessError):
            self.store.with_user(portal).action_open_deferred_stock()
        for user in (reader, portal):
            with self.assertRaises(AccessError):
                rows.with_user(user).action_retry()
        self.assertEqual(set(rows.mapped("state")), {"failed"})
        self.patch(builder, "_sync_fulfillments", sync_fulfillments)
        rows.with_user(manager).action_retry()
        self.assertEqual(len(self.jobs("_job_book", state="pending")), 1)
        self.drain()
        self.assertFalse(rows.exists())
        self.assertEqual(self.figures(), plain)

    def test_orders_booked_before_a_postponement_among_them_leave_their_deliveries_to_the_job(self):
        plain = self.plain_sync_figures()
        engine = type(self.engine)
        handle = engine._handle_record_lists
        calls = []

        def split_then_postponed(self_engine, store, record_lists):
            calls.append(len(record_lists))
            if len(calls) == 1 and len(record_lists) > 1:
                # as a posting stopped by a number another worker took: the batch is split in halves
                handle(self_engine, store, record_lists)
                raise ValueError("duplicate key value violates unique constraint")
            if len(calls) == 3:
                # the second half meets a customer another worker is booking: the first half stays booked
                raise RunPostponed("Another worker is booking some of these records right now.")
            return handle(self_engine, store, record_lists)

        self.patch(engine, "_handle_record_lists", split_then_postponed)
        self.store._start_backfill(START - timedelta(days=1), until=START + timedelta(days=9))
        self.drain()
        self.assertGreater(calls[0], 1)
        self.assertEqual(self.figures(), plain, "every delivery validated, as by a plain sync")
