import json

from odoo.tests import tagged

from .common import EcommerceSyncCommon


@tagged("post_install", "-at_install")
class TestEngine(EcommerceSyncCommon):
    def test_pages_are_handled_and_the_cursor_follows(self):
        for number, sku in enumerate(["SKU-A", "4006381333931", "UNKNOWN-1", "GAMMA", "SKU-A"], start=1):
            self.shop.add_variant(f"v{number}", sku if number != 2 else "STORE-B", barcode=sku if number == 2 else "")
        self.env["ecommerce.sku.mapping"].create(
            {"store_id": self.store.id, "sku": "GAMMA", "product_id": self.product_c.id}
        )

        log = self.engine.run_flow(self.store, "products", trigger="manual")

        self.assertRecordValues(
            log,
            [
                {
                    "state": "done",
                    "trigger": "manual",
                    "fetched_count": 5,
                    "created_count": 5,
                    "updated_count": 0,
                    "failed_count": 0,
                    "pages": 3,
                    "api_calls": 3,
                    "more_pending": False,
                }
            ],
        )
        self.assertEqual(self.store.cursor_products, "5")
        self.assertEqual(log.cursor_after, "5")
        links = self.links()
        self.assertEqual(links.mapped("external_id"), ["v1", "v2", "v3", "v4", "v5"])
        self.assertEqual(links.mapped("product_id"), self.product_a | self.product_b | self.product_c | self.product_a)
        self.assertEqual(links.mapped("match_method"), ["sku", "barcode", False, "override", "sku"])
        self.assertEqual(links.filtered(lambda link: link.external_id == "v3").state, "unlinked")

        # the next run starts from the cursor: nothing new, no page handled
        again = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(again, [{"state": "done", "fetched_count": 0, "created_count": 0, "pages": 0}])

        # from scratch, unchanged variants are skipped (same revision)
        self.store.cursor_products = False
        replay = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(
            replay, [{"fetched_count": 5, "created_count": 0, "skipped_count": 4, "updated_count": 1}]
        )  # v3 is unlinked: it is looked at again
        self.assertEqual(len(self.links()), 5)

    def test_one_malformed_record_never_aborts_the_run(self):
        self.shop.add_variant("v1", "SKU-A")
        self.shop.add_variant("v2", "SKU-B", price="12,50", token="tok_secret_value")
        self.shop.add_variant("v3", "GAMMA-INT")

        log = self.engine.run_flow(self.store, "products")

        self.assertRecordValues(log, [{"state": "partial", "fetched_count": 3, "created_count": 2, "failed_count": 1}])
        self.assertEqual(self.links().mapped("external_id"), ["v1", "v3"])
        self.assertEqual(self.store.cursor_products, "3", "the failed record is kept for retry: cursor moves on")
        line = log.line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.external_id, "v2")
        self.assertIn("price: expected a number, got '12,50'", line.error)
        self.assertIn("'sku': 'SKU-B'", line.payload_excerpt)
        self.assertNotIn("tok_secret_value", line.payload_excerpt)
        self.assertEqual(json.loads(line.payload)["price"], "12,50")
        self.assertEqual(self.store.failed_line_count, 1)

        # the merchant fixes the price in the store; the retry fetches the record again
        self.shop.variants[1]["price"] = "12.50"
        line.action_retry()
        self.assertEqual(line.state, "resolved")
        self.assertEqual(self.links().mapped("external_id"), ["v1", "v2", "v3"])
        retry_log = self.env["ecommerce.sync.log"].search([("trigger", "=", "retry")], limit=1)
        self.assertRecordValues(retry_log, [{"state": "done", "created_count": 1, "failed_count": 0}])

    def test_a_failing_retry_counts_attempts(self):
        self.shop.add_variant("v1", "SKU-A", price="n/a")
        log = self.engine.run_flow(self.store, "products")
        line = log.line_ids
        self.engine.retry_lines(line)
        self.assertRecordValues(line, [{"state": "failed", "attempts": 2}])
        self.assertIn("expected a number", line.error)

    def test_a_page_that_cannot_be_fetched_keeps_the_cursor_before_it(self):
        for number in range(1, 6):
            self.shop.add_variant(f"v{number}", f"NEW-{number}")
        self.shop.fail_on_page = 2

        log = self.engine.run_flow(self.store, "products")

        self.assertRecordValues(log, [{"state": "failed", "fetched_count": 2, "created_count": 2, "pages": 1}])
        self.assertIn("HTTP 503", log.message)
        self.assertEqual(self.store.cursor_products, "2")
        self.assertEqual(self.store.state, "connected", "a platform outage is not a credentials problem")

        self.shop.fail_on_page = None
        resumed = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(resumed, [{"state": "done", "fetched_count": 3, "created_count": 3}])
        self.assertEqual(len(self.links()), 5)

    def test_a_pull_of_one_flow_stamps_the_last_sync(self):
        # the demo and scripts pull flow by flow and page by page (run_flow), not through "Sync now"
        self.assertFalse(self.store.last_sync_at)
        self.assertEqual(self.store.last_sync_ago, "Never")
        for number in range(1, 4):
            self.shop.add_variant(f"v{number}", f"NEW-{number}")
        self.engine.run_flow(self.store, "products", max_pages=1)
        self.store.invalidate_recordset(["last_sync_ago", "health", "health_reason"])
        self.assertTrue(self.store.last_sync_at)
        self.assertNotEqual(self.store.last_sync_ago, "Never")
        self.assertEqual(self.store.last_sync_result, "ok", "the first page was pulled")
        self.shop.fail_on_page = 1
        self.engine.run_flow(self.store, "products")
        self.store.invalidate_recordset(["last_sync_ago", "health", "health_reason"])
        self.assertEqual(self.store.last_sync_result, "failed")
        self.assertIn("HTTP 503", self.store.last_sync_message)
        self.assertEqual(self.store.health, "error")
        self.shop.fail_on_page = None
        self.engine.run_flow(self.store, "products")
        self.store.invalidate_recordset(["health"])
        self.assertRecordValues(self.store, [{"last_sync_result": "ok", "last_sync_message": False}])
        self.assertNotEqual(self.store.health, "error")

    def test_refused_credentials_put_the_store_in_error(self):
        self.shop.add_variant("v1", "SKU-A")
        self.shop.refuse_credentials = True
        log = self.engine.run_flow(self.store, "products")
        self.assertEqual(log.state, "failed")
        self.assertEqual(self.store.state, "error")
        self.assertIn("refused the credentials", self.store.state_message)
        self.assertEqual(self.store.health, "error")

        self.shop.refuse_credentials = False
        self.engine.run_flow(self.store, "products")
        self.assertEqual(self.store.state, "connected")

    def test_the_page_budget_leaves_the_rest_for_the_next_transaction(self):
        for number in range(1, 8):
            self.shop.add_variant(f"v{number}", f"NEW-{number}")
        self.store.page_budget = 2
        first = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(first, [{"pages": 2, "fetched_count": 4, "more_pending": True}])
        second = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(second, [{"pages": 2, "fetched_count": 3, "more_pending": True}])
        third = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(third, [{"pages": 0, "fetched_count": 0, "more_pending": False}])
        self.assertEqual(len(self.links()), 7)

    def test_the_page_budget_never_loops_on_the_last_page(self):
        for number in range(1, 4):
            self.shop.add_variant(f"v{number}", f"NEW-{number}")
        self.shop.page_size = 5
        self.store.page_budget = 1
        # the platform says it was the last page: nothing pending
        self.shop.tells_last_page = True
        self.assertFalse(self.engine.run_flow(self.store, "products").more_pending)
        # the platform cannot tell and re-sends the record at the cursor (updated_at_min):
        # one more run finds the cursor unmoved and stops
        self.shop.tells_last_page = False
        self.shop.inclusive_cursor = True
        self.store.cursor_products = False
        self.assertTrue(self.engine.run_flow(self.store, "products").more_pending)
        again = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(again, [{"fetched_count": 1, "created_count": 0, "more_pending": False}])
        self.assertEqual(len(self.links()), 3)

    def test_re_read_boundary_pages_do_not_use_the_page_budget(self):
        """One record per page and an inclusive cursor: each run re-reads the last record, then progresses."""
        for number in range(1, 4):
            self.shop.add_variant(f"v{number}", f"NEW-{number}")
        self.shop.page_size = 1
        self.shop.inclusive_cursor = True
        self.store.page_budget = 1
        runs = []
        for _attempt in range(6):
            log = self.engine.run_flow(self.store, "products")
            runs.append((log.pages, log.created_count, log.more_pending))
            if not log.more_pending:
                break
        self.assertEqual(runs, [(1, 1, True), (2, 1, True), (2, 1, True), (1, 0, False)])
        self.assertEqual(len(self.links()), 3)

    def test_a_held_lock_makes_the_run_skip(self):
        self.shop.add_variant("v1", "SKU-A")
        with self.registry.cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (self.engine._lock_key("products"), self.store.id))
            log = self.engine.run_flow(self.store, "products", trigger="cron")
            self.assertRecordValues(log, [{"state": "skipped", "fetched_count": 0}])
            self.assertFalse(self.links())
            self.assertFalse(self.store.cursor_products)
            self.assertEqual(self.shop.calls, 0, "a skipped run makes no API call")
            other.rollback()
        # the lock is released with the other transaction
        log = self.engine.run_flow(self.store, "products")
        self.assertEqual(log.state, "done")
        self.assertEqual(len(self.links()), 1)

    def test_sync_now_runs_every_enabled_flow(self):
        self.shop.add_variant("v1", "SKU-A")
        result = self.store.action_sync_now()
        self.assertEqual(result["params"]["message"], "Products: 1 created. Stock levels: 1 sent.")
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.store.action_sync_now()["params"]["message"], "Products: nothing new.")
        self.assertEqual(self.store.last_sync_result, "ok")
        # the store's buttons open its own runs and variants
        other = self.env["ecommerce.store"].create({"name": "Memory Shop", "platform": "memory"})
        self.engine.run_flow(other, "products")
        runs = self.env["ecommerce.sync.log"].search(self.store.action_view_logs()["domain"])
        self.assertEqual(runs, self.store.sync_log_ids)
        self.assertEqual(
            self.env["ecommerce.product.link"].search(self.store.action_view_product_links()["domain"]), self.links()
        )
        self.store.sync_products = False
        self.assertEqual(self.store._enabled_flows(), [])

    def test_unknown_variants_are_created_when_the_store_says_so(self):
        self.store.create_unknown_products = True
        self.shop.add_variant("v9", "NEW-SKU", price="19.90", cost="7.25", barcode="5901234123457")
        self.engine.run_flow(self.store, "products")
        link = self.links()
        self.assertEqual(link.match_method, "created")
        self.assertRecordValues(
            link.product_id,
            [
                {
                    "default_code": "NEW-SKU",
                    "barcode": "5901234123457",
                    "list_price": 19.90,
                    "standard_price": 7.25,
                    "is_storable": True,
                }
            ],
        )

    def test_a_link_set_by_hand_is_kept(self):
        self.shop.add_variant("v1", "UNKNOWN")
        self.engine.run_flow(self.store, "products")
        link = self.links()
        link.product_id = self.product_c
        self.assertEqual(link.match_method, "manual")
        self.shop.variants[0]["updated_at"] = "2025-02-01T00:00:00Z"
        self.store.cursor_products = False
        self.engine.run_flow(self.store, "products")
        self.assertEqual(link.product_id, self.product_c)
