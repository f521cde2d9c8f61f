from odoo.tests import tagged

from . import memory_platform
from .common_stock import EcommerceStockCommon


@tagged("post_install", "-at_install")
class TestStockPush(EcommerceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store_2 = cls.second_store()
        cls.store_2.stock_platform_location_id = "loc-9"
        (cls.link_2a,) = cls.link(cls.store_2, (cls.product_a, "v2a"))
        cls.env.cr.flush()
        cls.Push.search([]).unlink()

    def setUp(self):
        super().setUp()
        self.shop_2 = memory_platform.shop("Second Shop")

    def test_receipt_queues_one_change_per_store_and_is_flushed_to_the_new_level(self):
        self.receive(self.product_a, 10)

        queued = self.queued()
        self.assertEqual(len(queued), 2, "one change per store selling Alpha, none for the others")
        self.assertEqual(queued.mapped("store_id"), self.store | self.store_2)
        self.assertEqual(queued.mapped("product_id"), self.product_a)

        log = self.flush()
        self.assertRecordValues(
            log, [{"flow": "stock", "trigger": "manual", "state": "done", "fetched_count": 1, "updated_count": 1}]
        )
        self.assertEqual(log.api_calls, 1)
        self.assertEqual(self.pushed(), [("va", 10, "ia", "loc-1")])
        self.assertEqual(self.link_a.pushed_level, 10)
        self.assertTrue(self.link_a.pushed_at)
        self.assertEqual(self.queued(self.store), self.Push, "sent: off the queue")
        self.assertEqual(len(self.queued(self.store_2)), 1, "the other store still waits for its flush")

        self.flush(self.store_2)
        self.assertEqual(self.pushed(self.shop_2), [("v2a", 10, "i2a", "loc-9")])
        self.assertFalse(self.queued())

        # nothing changed since: a further flush sends nothing
        self.assertFalse(self.flush())
        self.assertEqual(len(self.shop.push_batches), 1)

    def test_many_changes_of_one_product_are_one_queued_update(self):
        self.count_stock(self.product_a, 4)
        self.receive(self.product_a, 3)
        self.count_stock(self.product_a, 6)
        self.assertEqual(len(self.queued(self.store)), 1)
        self.flush()
        self.assertEqual(self.pushed(), [("va", 6, "ia", "loc-1")])

    def test_two_stores_receive_the_same_level_and_a_buffer_shows_less(self):
        self.count_stock(self.product_a, 7)
        self.Push._cron_flush()
        self.assertEqual(self.pushed(), [("va", 7, "ia", "loc-1")])
        self.assertEqual(self.pushed(self.shop_2), [("v2a", 7, "i2a", "loc-9")])

        # a buffer on the second store re-queues what it sells, one unit less
        self.store_2.stock_buffer = 1
        self.assertEqual(self.queued().mapped("store_id"), self.store_2)
        self.Push._cron_flush()
        self.assertEqual(self.pushed(self.shop_2)[-1], ("v2a", 6, "i2a", "loc-9"))
        self.assertEqual(len(self.shop.push_batches), 1, "the first store's level did not change")

        # never below zero
        self.count_stock(self.product_a, 1)
        self.Push._cron_flush()
        self.assertEqual(self.pushed()[-1][1], 1)
        self.assertEqual(self.pushed(self.shop_2)[-1][1], 0)

    def test_order_reservation_lowers_the_level_and_cancellation_raises_it_again(self):
        self.count_stock(self.product_a, 5)
        self.flush()
        order = self.store_order([(self.product_a, 3, "L1")])
        self.assertEqual(self.deliveries(order).move_ids.quantity, 3, "reserved at confirmation")
        self.assertEqual(len(self.queued(self.store)), 1)
        self.flush()
        self.assertEqual(self.pushed()[-1], ("va", 2, "ia", "loc-1"))

        order._action_cancel()
        self.assertEqual(self.deliveries(order).state, "cancel")
        self.assertEqual(self.product_a.with_context(location=self.stock_location.id).free_qty, 5)
        self.flush()
        self.assertEqual(self.pushed()[-1], ("va", 5, "ia", "loc-1"))

    def test_store_orders_deliver_from_the_store_warehouse(self):
        other = self.env["stock.warehouse"].create({"name": "Outlet", "code": "OUT2"})
        self.store.warehouse_id = other
        order = self.store_order([(self.product_a, 1, "L1")])
        self.assertEqual(order.warehouse_id, other)
        self.assertEqual(self.deliveries(order).location_id, other.lot_stock_id)

    def test_stock_outside_the_store_location_or_unlinked_is_not_queued(self):
        other = self.env["stock.warehouse"].create({"name": "Outlet", "code": "OUT2"})
        self.count_stock(self.product_a, 8, location=other.lot_stock_id)
        unlinked = self.Product.create({"name": "Delta", "default_code": "SKU-D", "is_storable": True})
        self.count_stock(unlinked, 3)
        self.assertFalse(self.queued())

        # stock in a sublocation counts; a store may also be limited to that sublocation
        shelf = self.env["stock.location"].create({"name": "Shelf 1", "location_id": self.stock_location.id})
        self.count_stock(self.product_b, 2, location=shelf)
        self.count_stock(self.product_b, 5)
        self.flush()
        self.assertEqual(self.pushed(), [("vb", 7, "ib", "loc-1")])
        self.store.stock_location_id = shelf
        self.flush()
        self.assertEqual(
            sorted(self.pushed()[1:]), [("va", 0, "ia", "loc-1"), ("vb", 2, "ib", "loc-1"), ("vc", 0, "ic", "loc-1")]
        )

    def test_scrap_and_untracked_variants(self):
        self.count_stock(self.product_c, 4)
        self.link_c.tracked = False
        self.flush()
        self.assertEqual(self.pushed(), [], "the store does not track that variant")

        self.link_c.tracked = True
        scrap = self.env["stock.scrap"].create(
            {"product_id": self.product_c.id, "scrap_qty": 1, "location_id": self.stock_location.id}
        )
        scrap.action_validate()
        self.flush()
        self.assertEqual(self.pushed(), [("vc", 3, "ic", "loc-1")])

    def test_api_failure_keeps_the_change_queued_and_the_next_flush_sends_it_once(self):
        self.count_stock(self.product_a, 9)
        self.shop.fail_pushes = 1

        log = self.flush()
        self.assertRecordValues(log, [{"state": "partial", "updated_count": 0, "failed_count": 1}])
        self.assertIn("HTTP 500", log.message)
        self.assertEqual(self.pushed(), [])
        row = self.queued(self.store)
        self.assertRecordValues(row, [{"product_id": self.product_a.id, "attempts": 1, "state": "failed"}])
        self.assertIn("HTTP 500", row.error)
        self.assertIn("HTTP 500", self.link_a.push_error)

        log = self.flush()
        self.assertRecordValues(log, [{"state": "done", "updated_count": 1, "failed_count": 0}])
        self.assertEqual(self.pushed(), [("va", 9, "ia", "loc-1")])
        self.assertFalse(self.queued(self.store))
        self.assertFalse(self.link_a.push_error)

        self.flush()
        self.assertEqual(self.pushed(), [("va", 9, "ia", "loc-1")], "sent once")

    def test_refused_item_stays_queued_while_the_rest_of_the_batch_goes_through(self):
        self.count_stock(self.product_a, 1)
        self.count_stock(self.product_b, 2)
        self.shop.refuse_push_for = {"vb"}
        log = self.flush()
        self.assertRecordValues(log, [{"state": "partial", "updated_count": 1, "failed_count": 1}])
        self.assertEqual(self.pushed(), [("va", 1, "ia", "loc-1")])
        self.assertEqual(len(self.shop.push_batches), 1, "both went in one call")
        row = self.queued(self.store)
        self.assertEqual(row.product_id, self.product_b)
        self.assertIn("unknown inventory item vb", row.error)

        # the item keeps failing: after enough attempts, a person is told
        for _attempt in range(4):
            self.flush()
        self.assertEqual(row.attempts, 5)
        drift = self.store.discrepancy_ids.filtered(lambda d: d.kind == "inventory_drift")
        self.assertEqual(len(drift), 1)
        self.assertEqual(drift.res_id, self.product_b.id)

        self.shop.refuse_push_for = set()
        self.flush()
        self.assertEqual(self.pushed()[-1], ("vb", 2, "ib", "loc-1"))
        self.assertFalse(self.queued(self.store))
        self.assertEqual(drift.state, "resolved")

    def test_updates_are_batched_per_push_size(self):
        delta = self.Product.create({"name": "Delta", "default_code": "SKU-D", "is_storable": True})
        self.link(self.store, (delta, "vd"))
        for number, product in enumerate((self.product_a, self.product_b, self.product_c, delta), start=1):
            self.count_stock(product, number)
        log = self.flush()
        self.assertEqual([len(batch) for batch in self.shop.push_batches], [3, 1], "push_batch_size is 3")
        self.assertEqual(log.api_calls, 2)
        self.assertEqual(
            sorted(self.pushed()),
            [("va", 1, "ia", "loc-1"), ("vb", 2, "ib", "loc-1"), ("vc", 3, "ic", "loc-1"), ("vd", 4, "id", "loc-1")],
        )

    def test_sync_now_sends_the_queue(self):
        self.count_stock(self.product_b, 3)
        self.store.action_sync_now()
        self.assertEqual(self.pushed(), [("vb", 3, "ib", "loc-1")])
        log = self.store.sync_log_ids.filtered(lambda log: log.flow == "stock")
        self.assertRecordValues(log, [{"trigger": "manual", "updated_count": 1}])

    def test_linking_a_variant_queues_its_level(self):
        delta = self.Product.create({"name": "Delta", "default_code": "SKU-D", "is_storable": True})
        self.count_stock(delta, 6)
        self.assertFalse(self.queued())
        self.shop.add_variant("vd", "SKU-D")
        self.engine.run_flow(self.store, "products")
        self.assertEqual(self.queued().product_id, delta)
        self.flush()
        self.assertEqual(self.pushed(), [("vd", 6, "", "loc-1")])

    def test_a_refreshed_variant_queues_nothing_unless_its_product_or_tracking_changes(self):
        delta = self.Product.create({"name": "Delta", "default_code": "SKU-D", "is_storable": True})
        self.count_stock(delta, 6)
        variant = self.shop.add_variant("vd", "SKU-D")
        self.engine.run_flow(self.store, "products")
        self.flush()
        self.assertEqual(self.pushed(), [("vd", 6, "", "loc-1")])
        # the store saved the level it received: a new revision of the same variant
        variant.update(price="12.00", updated_at="2025-01-02T00:00:00Z")
        self.store._set_cursor("products", False)
        self.engine.run_flow(self.store, "products")
        link = self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id), ("external_id", "=", "vd")])
        self.assertEqual(link.store_price, 12.0)
        self.assertFalse(self.queued(), "same product, still tracked: the level already sent stands")
        link.tracked = False
        self.assertFalse(self.queued())
        link.tracked = True
        self.assertEqual(self.queued().product_id, delta)

    def test_changes_rolled_back_are_not_queued(self):
        with self.assertRaises(ValueError), self.env.cr.savepoint():
            self.count_stock(self.product_a, 3)
            raise ValueError("the operation failed")
        self.assertFalse(self.queued())
        self.assertEqual(self.level(self.product_a), 0)

    def test_disabled_stock_sync_queues_nothing(self):
        self.store.sync_stock = False
        self.store_2.sync_stock = False
        self.count_stock(self.product_a, 2)
        self.assertFalse(self.queued())
