from odoo.tests import tagged

from .common_stock import T0, EcommerceStockCommon


@tagged("post_install", "-at_install")
class TestStockFulfillment(EcommerceStockCommon):
    def test_order_for_three_with_five_available_then_split_shipments(self):
        self.count_stock(self.product_a, 5)
        self.flush()
        order = self.store_order([(self.product_a, 3, "L1")])
        self.flush()
        self.assertEqual(self.pushed()[-1], ("va", 2, "ia", "loc-1"), "store level 2 after the import")

        first = self.fulfillment("F1", [("L1", 2)], minutes=1, tracking="1Z001")
        validated = self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[first]), order)

        delivery, backorder = self.deliveries(order)
        self.assertEqual(validated, delivery)
        self.assertRecordValues(
            delivery,
            [{"state": "done", "carrier_tracking_ref": "1Z001"}],
        )
        self.assertEqual(delivery.move_ids.quantity, 2)
        self.assertEqual(backorder.backorder_id, delivery)
        self.assertEqual(backorder.state, "assigned")
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)
        self.assertEqual(order.order_line.qty_delivered, 2)
        self.assertEqual(self.product_a.with_context(location=self.stock_location.id).qty_available, 3)
        binding = self.env["ecommerce.binding"]._find(self.store, "fulfillment", "F1")
        self.assertEqual((binding.res_model, binding.res_id), ("stock.picking", delivery.id))
        self.assertIn("UPS", delivery.message_ids[0].body)

        # the same order imported again (webhook, next pull): nothing is validated twice
        again = self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[first]), order)
        self.assertFalse(again)
        self.assertEqual(backorder.state, "assigned")

        # the second shipment completes it
        second = self.fulfillment("F2", [("L1", 1)], minutes=2, tracking="1Z002")
        validated = self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[first, second]), order)
        self.assertEqual(validated, backorder)
        self.assertRecordValues(backorder, [{"state": "done", "carrier_tracking_ref": "1Z002"}])
        self.assertEqual(len(self.deliveries(order)), 2, "no further backorder")
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.assertEqual(order.delivery_status, "full")
        self.assertEqual(self.product_a.with_context(location=self.stock_location.id).qty_available, 2)

        # shipping reserved goods leaves the available quantity as it was: 2
        self.flush()
        self.assertEqual(self.pushed()[-1], ("va", 2, "ia", "loc-1"))

    def test_several_lines_shipped_separately(self):
        self.count_stock(self.product_a, 4)
        self.count_stock(self.product_b, 4)
        order = self.store_order([(self.product_a, 2, "L1"), (self.product_b, 1, "L2")])
        ship_a = self.fulfillment("F1", [("L1", 2)], minutes=1, tracking="T-A")
        ship_b = self.fulfillment("F2", [("L2", 1)], minutes=5, tracking="T-B")
        # both arrive in the same import, in any order
        self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[ship_b, ship_a]), order)

        first, second = self.deliveries(order)
        self.assertRecordValues(
            first | second,
            [
                {"state": "done", "carrier_tracking_ref": "T-A"},
                {"state": "done", "carrier_tracking_ref": "T-B"},
            ],
        )
        self.assertEqual(first.move_ids.filtered("quantity").product_id, self.product_a)
        self.assertEqual(second.move_ids.product_id, self.product_b)
        self.assertEqual(order.order_line.mapped("qty_delivered"), [2, 1])

    def test_goods_shipped_from_odoo_first_are_not_shipped_again(self):
        self.count_stock(self.product_a, 5)
        order = self.store_order([(self.product_a, 3, "L1")])
        delivery = self.deliveries(order)
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")

        shipped = self.fulfillment("F1", [("L1", 3)], tracking="1Z777")
        validated = self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[shipped]), order)
        self.assertFalse(validated)
        self.assertEqual(len(self.deliveries(order)), 1)
        self.assertEqual(delivery.carrier_tracking_ref, "1Z777")
        self.assertEqual(self.product_a.with_context(location=self.stock_location.id).qty_available, 2)

    def test_cancelled_fulfillments_and_unconfirmed_orders_move_nothing(self):
        self.count_stock(self.product_a, 5)
        order = self.store_order([(self.product_a, 3, "L1")])
        cancelled = self.fulfillment("F1", [("L1", 3)])
        cancelled.status = "cancelled"
        self.assertFalse(
            self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[cancelled]), order)
        )
        self.assertEqual(self.deliveries(order).state, "assigned")

        draft = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "ecommerce_store_id": self.store.id,
                "order_line": [(0, 0, {"product_id": self.product_a.id, "ecommerce_line_external_id": "L9"})],
            }
        )
        shipped = self.fulfillment("F9", [("L9", 1)])
        self.assertFalse(self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[shipped]), draft))
        self.assertFalse(self.env["ecommerce.binding"]._find(self.store, "fulfillment", "F9"), "retried once confirmed")

    def test_multi_step_delivery_is_validated_step_by_step(self):
        self.warehouse.delivery_steps = "pick_ship"
        self.count_stock(self.product_a, 5)
        order = self.store_order([(self.product_a, 3, "L1")])
        pick = order.picking_ids
        self.assertEqual(pick.picking_type_id, self.warehouse.pick_type_id)

        shipped = self.fulfillment("F1", [("L1", 2)], tracking="1Z900")
        validated = self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[shipped]), order)

        ship = self.deliveries(order)
        self.assertEqual(validated, pick | ship)
        self.assertRecordValues(pick | ship, [{"state": "done"}, {"state": "done"}])
        self.assertEqual(pick.move_ids.quantity, 2)
        self.assertEqual(ship.move_ids.quantity, 2)
        self.assertEqual(ship.carrier_tracking_ref, "1Z900")
        self.assertFalse(pick.carrier_tracking_ref, "the tracking number belongs to the delivery")
        waiting = order.picking_ids.filtered(lambda picking: picking.state not in ("done", "cancel"))
        self.assertEqual(waiting.picking_type_id, self.warehouse.pick_type_id)
        self.assertEqual(waiting.move_ids.product_uom_qty, 1)
        self.assertEqual(order.order_line.qty_delivered, 2)

        rest = self.fulfillment("F2", [("L1", 1)], minutes=3, tracking="1Z901")
        self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[shipped, rest]), order)
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.assertFalse(order.picking_ids.filtered(lambda picking: picking.state not in ("done", "cancel")))

    def test_a_store_line_written_as_two_sale_lines_ships_and_comes_back_whole(self):
        # 3 units of one store line whose amount needed two sale order lines (2 at one price, 1 a cent above)
        self.count_stock(self.product_a, 5)
        order = self.store_order([(self.product_a, 2, "L1"), (self.product_a, 1, "L1")])
        first = self.fulfillment("F1", [("L1", 2)], minutes=1, tracking="T-1")
        self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[first]), order)
        self.assertEqual(order.order_line.mapped("qty_delivered"), [2.0, 0.0], "the first line ships first")

        second = self.fulfillment("F2", [("L1", 1)], minutes=2, tracking="T-2")
        self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[first, second]), order)
        self.assertEqual(order.order_line.mapped("qty_delivered"), [2.0, 1.0])
        self.assertEqual(order.delivery_status, "full")
        self.assertEqual(self.product_a.with_context(location=self.stock_location.id).qty_available, 2)

        # a restocked refund of all three comes back from both lines
        returns = self.builder._restock_refund(self.store, self.refund("R1", [("L1", 3)]), order)
        self.assertEqual(sum(returns.move_ids.mapped("quantity")), 3)
        self.assertEqual(order.order_line.mapped("qty_delivered"), [0.0, 0.0])
        self.assertEqual(self.product_a.with_context(location=self.stock_location.id).qty_available, 5)

    def test_units_of_a_two_line_store_line_refunded_before_shipping_leave_the_delivery(self):
        self.count_stock(self.product_a, 5)
        order = self.store_order([(self.product_a, 2, "L1"), (self.product_a, 1, "L1")])
        self.builder._cancel_undelivered(self.store, order, {"L1": 3})
        self.assertFalse(self.deliveries(order).move_ids.filtered(lambda move: move.state != "cancel"))
        self.assertEqual(self.level(self.product_a), 5)

    def test_deliveries_take_the_stores_shipment_date_and_carrier(self):
        self.count_stock(self.product_a, 5)
        order = self.store_order([(self.product_a, 3, "L1")])
        first = self.fulfillment("F1", [("L1", 2)], minutes=7, tracking="1Z001", carrier="UPS")
        second = self.fulfillment("F2", [("L1", 1)], minutes=9, tracking="1Z002", carrier="ups")
        self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[first, second]), order)

        delivery, backorder = self.deliveries(order)
        shipped_at = T0.replace(minute=7, tzinfo=None)
        self.assertRecordValues(
            delivery | backorder,
            [
                {"state": "done", "date_done": shipped_at, "carrier_tracking_ref": "1Z001"},
                {"state": "done", "date_done": T0.replace(minute=9, tzinfo=None), "carrier_tracking_ref": "1Z002"},
            ],
        )
        self.assertEqual(set(delivery.move_ids.mapped("date")), {shipped_at})
        carrier = delivery.carrier_id
        self.assertEqual(carrier.name, "UPS")
        self.assertEqual(backorder.carrier_id, carrier, "the store's carrier is found again by name")
        self.assertEqual(carrier.product_id, self.store.shipping_product_id)
        self.assertEqual(self.env["delivery.carrier"].search_count([("name", "=ilike", "ups")]), 1)
