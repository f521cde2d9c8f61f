from odoo.tests import tagged

from .common_stock import EcommerceStockCommon


@tagged("post_install", "-at_install")
class TestStockReturns(EcommerceStockCommon):
    def shipped_order(self, quantity=3, shipped=3):
        self.count_stock(self.product_a, 5)
        order = self.store_order([(self.product_a, quantity, "L1")])
        self.builder._sync_fulfillments(
            self.store, self.order_record(fulfillments=[self.fulfillment("F1", [("L1", shipped)])]), order
        )
        self.flush()
        return order

    def on_hand(self, product):
        return product.with_context(location=self.stock_location.id).qty_available

    def test_restocked_partial_refund_returns_the_quantity_and_the_level_is_pushed(self):
        order = self.shipped_order()
        self.assertEqual(self.pushed()[-1], ("va", 2, "ia", "loc-1"))
        delivery = self.deliveries(order)

        returns = self.builder._restock_refund(self.store, self.refund("R1", [("L1", 1)]), order)

        self.assertEqual(len(returns), 1)
        self.assertRecordValues(
            returns,
            [
                {
                    "state": "done",
                    "return_id": delivery.id,
                    "location_id": self.customer_location.id,
                    "location_dest_id": self.stock_location.id,
                }
            ],
        )
        self.assertRecordValues(returns.move_ids, [{"product_id": self.product_a.id, "quantity": 1, "to_refund": True}])
        self.assertEqual(returns.move_ids.origin_returned_move_id, delivery.move_ids)
        self.assertEqual(order.order_line.qty_delivered, 2)
        self.assertEqual(self.on_hand(self.product_a), 3)
        binding = self.env["ecommerce.binding"]._find(self.store, "return", "R1")
        self.assertEqual((binding.res_model, binding.res_id), ("stock.picking", returns.id))

        self.assertEqual(len(self.queued(self.store)), 1)
        self.flush()
        self.assertEqual(self.pushed()[-1], ("va", 3, "ia", "loc-1"), "the level goes back up")

        # the same refund again (webhook replay, next pull): nothing more comes back
        self.assertFalse(self.builder._restock_refund(self.store, self.refund("R1", [("L1", 1)]), order))
        self.assertEqual(self.on_hand(self.product_a), 3)

        # a later refund cannot return more than was delivered and not returned yet
        more = self.builder._restock_refund(self.store, self.refund("R2", [("L1", 5)]), order)
        self.assertEqual(more.move_ids.quantity, 2)
        self.assertEqual(self.on_hand(self.product_a), 5)
        self.assertEqual(order.order_line.qty_delivered, 0)

    def test_refund_without_restock_moves_nothing(self):
        order = self.shipped_order()
        returns = self.builder._restock_refund(self.store, self.refund("R1", [("L1", 2)], restock=False), order)
        self.assertFalse(returns)
        self.assertEqual(len(order.picking_ids), 1)
        self.assertEqual(self.on_hand(self.product_a), 2)
        self.assertFalse(self.queued())
        self.assertFalse(self.env["ecommerce.binding"]._find(self.store, "return", "R1"))

    def test_restock_of_goods_not_shipped_yet_takes_them_off_the_backorder(self):
        order = self.shipped_order(quantity=3, shipped=2)
        delivery, backorder = self.deliveries(order)
        self.assertEqual(self.pushed()[-1], ("va", 2, "ia", "loc-1"), "5 - 2 shipped - 1 reserved")

        returns = self.builder._restock_refund(self.store, self.refund("R1", [("L1", 1)]), order)

        self.assertFalse(returns, "nothing comes back: the unit never left")
        self.assertEqual(backorder.state, "cancel")
        self.assertEqual(delivery.state, "done")
        self.assertEqual(self.on_hand(self.product_a), 3)
        self.flush()
        self.assertEqual(self.pushed()[-1], ("va", 3, "ia", "loc-1"), "its reservation is freed")

    def test_restock_beyond_the_open_quantity_returns_the_rest(self):
        order = self.shipped_order(quantity=3, shipped=2)
        _delivery, backorder = self.deliveries(order)
        returns = self.builder._restock_refund(self.store, self.refund("R1", [("L1", 2)]), order)
        self.assertEqual(backorder.state, "cancel")
        self.assertEqual(returns.move_ids.quantity, 1)
        self.assertEqual(self.on_hand(self.product_a), 4)
        self.assertEqual(order.order_line.qty_delivered, 1)

    def test_units_the_store_says_were_shipped_come_back_and_the_rest_still_ships(self):
        # 3 ordered, 2 shipped: the customer returns one shipped unit ("return"), the third still ships
        order = self.shipped_order(quantity=3, shipped=2)
        delivery, backorder = self.deliveries(order)
        returns = self.builder._restock_refund(self.store, self.refund("R1", [("L1", 1)], restock_type="return"), order)
        self.assertRecordValues(returns, [{"state": "done", "return_id": delivery.id}])
        self.assertEqual(returns.move_ids.quantity, 1)
        self.assertEqual(backorder.state, "assigned")
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)
        self.assertEqual(self.on_hand(self.product_a), 4)
        self.assertEqual(order.order_line.qty_delivered, 1)

        # removed before shipping ("cancel"): the open unit leaves the delivery, nothing comes back
        returns = self.builder._restock_refund(self.store, self.refund("R2", [("L1", 1)], restock_type="cancel"), order)
        self.assertFalse(returns)
        self.assertEqual(backorder.state, "cancel")
        self.assertEqual(self.on_hand(self.product_a), 4)

    def test_a_return_of_more_than_was_shipped_takes_the_rest_off_the_delivery(self):
        order = self.shipped_order(quantity=3, shipped=2)
        _delivery, backorder = self.deliveries(order)
        returns = self.builder._restock_refund(self.store, self.refund("R1", [("L1", 3)], restock_type="return"), order)
        self.assertEqual(returns.move_ids.quantity, 2)
        self.assertEqual(backorder.state, "cancel")
        self.assertEqual(self.on_hand(self.product_a), 5)

    def test_cancelled_units_leave_the_delivery_and_free_their_reservation(self):
        self.count_stock(self.product_a, 5)
        order = self.store_order([(self.product_a, 3, "L1")])
        self.flush()
        self.assertEqual(self.pushed()[-1], ("va", 2, "ia", "loc-1"))

        moves = self.builder._cancel_undelivered(self.store, order, {"L1": 1})

        delivery = self.deliveries(order)
        self.assertEqual(moves, delivery.move_ids)
        self.assertRecordValues(delivery.move_ids, [{"product_uom_qty": 2, "quantity": 2, "state": "assigned"}])
        self.flush()
        self.assertEqual(self.pushed()[-1], ("va", 3, "ia", "loc-1"))

        self.builder._cancel_undelivered(self.store, order, {"L1": 5})
        self.assertEqual(delivery.state, "cancel")
        self.flush()
        self.assertEqual(self.pushed()[-1], ("va", 5, "ia", "loc-1"))
