"""Stock through the real import: orders reserve, fulfilments deliver, restocked refunds return."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

from odoo.tests import tagged

from odoo.addons.ecommerce_sync.connector import (
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderLine,
    Refund,
    RefundAdjustment,
    RefundLine,
    Transaction,
)

from .common_stock import EcommerceStockCommon

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=timezone.utc)


@tagged("post_install", "-at_install")
class TestOrderStock(EcommerceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store.action_setup_accounting()
        cls.handlers = cls.env["ecommerce.sync.engine"]._get_handlers()

    def import_order(self, revision, quantity=3, paid=True, fulfillments=(), refunds=(), cancelled=False):
        """Order 5001: ``quantity`` x Alpha at 10.00, untaxed, no shipping."""
        total = D("10.00") * quantity
        order = Order(
            external_id="5001",
            name="#5001",
            currency="USD",
            created_at=T0,
            updated_at=T0 + timedelta(minutes=revision),
            lines=[OrderLine("L1", "Alpha", D(quantity), D("10.00"), sku="SKU-A")],
            total=total,
            email="ada@example.com",
            transactions=[Transaction("t1", "sale", "success", total, "USD")] if paid else [],
            fulfillments=list(fulfillments),
            refunds=list(refunds),
            cancelled_at=T0 + timedelta(minutes=revision) if cancelled else None,
        )
        self.handlers["Order"](self.store, order)
        return self.env["ecommerce.binding"]._find_record(self.store, "order", "5001")

    @staticmethod
    def shipped(external_id, quantity, tracking):
        return Fulfillment(
            external_id,
            "5001",
            created_at=T0,
            tracking_number=tracking,
            tracking_company="UPS",
            lines=[FulfillmentLine("L1", D(quantity))],
        )

    def store_level(self):
        self.flush()
        return self.shop.levels.get("va")

    def test_import_reserves_then_fulfilments_deliver_and_a_restocked_refund_returns(self):
        self.count_stock(self.product_a, 5)
        sale_order = self.import_order(1)
        self.assertEqual(sale_order.state, "sale")
        self.assertEqual(sale_order.invoice_ids.amount_total, 30.0)
        self.assertEqual(self.store_level(), 2, "3 of 5 reserved by the imported order")

        first = self.shipped("F1", 2, "1Z001")
        self.import_order(2, fulfillments=[first])
        delivery, backorder = self.deliveries(sale_order)
        self.assertRecordValues(delivery, [{"state": "done", "carrier_tracking_ref": "1Z001"}])
        self.assertEqual(delivery.move_ids.quantity, 2)
        self.assertRecordValues(backorder, [{"state": "assigned", "backorder_id": delivery.id}])
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)

        self.import_order(3, fulfillments=[first, self.shipped("F2", 1, "1Z002")])
        self.assertEqual(backorder.state, "done")
        self.assertEqual(sale_order.order_line.qty_delivered, 3)
        self.assertEqual(self.store_level(), 2)

        refund = Refund(
            "R1",
            "5001",
            "USD",
            created_at=T0,
            lines=[RefundLine("L1", D(1), D("10.00"), restock=True)],
            transactions=[Transaction("rt1", "refund", "success", D("10.00"), "USD")],
        )
        self.import_order(4, fulfillments=[first, self.shipped("F2", 1, "1Z002")], refunds=[refund])
        returned = sale_order.picking_ids.filtered(lambda picking: picking.picking_type_code == "incoming")
        self.assertEqual(returned.state, "done")
        self.assertEqual(returned.move_ids.quantity, 1)
        self.assertEqual(sale_order.order_line.qty_delivered, 2)
        credit_note = sale_order.invoice_ids.filtered(lambda move: move.move_type == "out_refund")
        self.assertEqual(credit_note.amount_total, 10.0)
        self.assertEqual(self.store_level(), 3, "the returned unit is available again and pushed")

        # the same revision again moves nothing more
        self.import_order(4, fulfillments=[first, self.shipped("F2", 1, "1Z002")], refunds=[refund])
        self.assertEqual(len(sale_order.picking_ids), 3)

    def test_an_edit_removing_units_before_shipping_reduces_the_delivery(self):
        self.count_stock(self.product_a, 5)
        sale_order = self.import_order(1, quantity=3)
        self.assertEqual(self.store_level(), 2)
        self.import_order(2, quantity=1)
        delivery = self.deliveries(sale_order).filtered(lambda picking: picking.state != "cancel")
        self.assertEqual(
            sum(delivery.move_ids.filtered(lambda move: move.state != "cancel").mapped("product_uom_qty")), 1
        )
        self.assertEqual(self.store_level(), 4)
        self.assertEqual(
            sale_order.invoice_ids.filtered(
                lambda move: (
                    move.state == "posted" and move.move_type == "out_invoice" and move.payment_state != "reversed"
                )
            ).amount_total,
            10.0,
        )

    def test_a_cancelled_unpaid_order_frees_its_stock(self):
        self.count_stock(self.product_a, 5)
        sale_order = self.import_order(1, paid=False)
        self.assertEqual(self.store_level(), 2)
        self.import_order(2, paid=False, cancelled=True)
        self.assertEqual(sale_order.state, "cancel")
        self.assertEqual(set(sale_order.picking_ids.mapped("state")), {"cancel"})
        self.assertEqual(self.store_level(), 5)

    def test_a_refund_read_first_as_an_amount_restocks_when_its_items_come(self):
        """A platform may list a refund on its order (an amount) before the return that itemises it."""
        self.count_stock(self.product_a, 5)
        shipped = [self.shipped("F1", 3, "1Z001")]
        sale_order = self.import_order(1, fulfillments=shipped)
        money = [Transaction("rt9", "refund", "success", D("10.00"), "USD")]
        amount_only = Refund("R9", "5001", "USD", created_at=T0, transactions=money)
        amount_only.adjustments = [RefundAdjustment("adjustment", D("10.00"), reason="Refund")]
        self.import_order(2, fulfillments=shipped, refunds=[amount_only])
        self.assertFalse(sale_order.picking_ids.filtered(lambda picking: picking.picking_type_code == "incoming"))
        moves = self.env["account.move"].search_count([])

        itemised = Refund("R9", "5001", "USD", created_at=T0, transactions=money)
        itemised.lines = [RefundLine("L1", D(1), D("10.00"), restock=True)]
        self.assertEqual(self.handlers["Refund"](self.store, itemised), "updated")

        returned = sale_order.picking_ids.filtered(lambda picking: picking.picking_type_code == "incoming")
        self.assertRecordValues(returned, [{"state": "done"}])
        self.assertEqual(returned.move_ids.quantity, 1)
        self.assertEqual(self.env["account.move"].search_count([]), moves, "the money was booked once")
        self.assertEqual(self.handlers["Refund"](self.store, itemised), "skipped", "and the unit returned once")
