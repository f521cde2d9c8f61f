from odoo.tests import tagged

from .common_stock import EcommerceStockCommon


@tagged("post_install", "-at_install")
class TestStockValuation(EcommerceStockCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.anglo_saxon_accounting = True
        cls.category = cls.env["product.category"].create(
            {"name": "Store goods", "property_valuation": "real_time", "property_cost_method": "standard"}
        )
        cls.product_e = cls.Product.create(
            {
                "name": "Echo",
                "default_code": "SKU-E",
                "is_storable": True,
                "categ_id": cls.category.id,
                "standard_price": 10.0,
                "invoice_policy": "delivery",
            }
        )
        cls.link(cls.store, (cls.product_e, "ve"))
        cls.valuation_account = cls.category.property_stock_valuation_account_id
        cls.output_account = cls.category.property_stock_account_output_categ_id
        cls.expense_account = cls.category.property_account_expense_categ_id

    def test_goods_delivered_through_a_store_fulfilment_produce_cost_of_goods_sold(self):
        self.assertTrue(self.valuation_account and self.output_account and self.expense_account)
        self.count_stock(self.product_e, 5)
        order = self.store_order([(self.product_e, 3, "L1")])
        shipped = self.fulfillment("F1", [("L1", 2)], tracking="1Z555")
        delivery = self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[shipped]), order)

        # the delivery is valued at cost: stock leaves the valuation account for the interim output
        layer = delivery.move_ids.stock_valuation_layer_ids
        self.assertEqual(layer.value, -20.0)
        entry = layer.account_move_id
        self.assertEqual(entry.state, "posted")
        self.assertRecordValues(
            entry.line_ids.sorted("balance"),
            [
                {"account_id": self.valuation_account.id, "balance": -20.0},
                {"account_id": self.output_account.id, "balance": 20.0},
            ],
        )

        # the store charged the customer for all 3 units: the invoice (ordered quantities) books
        # their cost of goods sold against the interim output account
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.invoice_line_ids.quantity, 3)
        self.assertEqual(invoice.amount_untaxed, 60.0)
        cogs = invoice.line_ids.filtered(lambda line: line.display_type == "cogs")
        self.assertRecordValues(
            cogs.sorted("balance"),
            [
                {"account_id": self.output_account.id, "balance": -30.0},
                {"account_id": self.expense_account.id, "balance": 30.0},
            ],
        )
        self.assertAlmostEqual(self.interim_balance(), -10.0, msg="one unit invoiced, not shipped yet")

        # the last unit ships: its valuation entry clears the interim output account
        last = self.fulfillment("F2", [("L1", 1)], tracking="1Z556")
        self.builder._sync_fulfillments(self.store, self.order_record(fulfillments=[shipped, last]), order)
        self.assertEqual(order.order_line.qty_delivered, 3)
        self.assertAlmostEqual(self.interim_balance(), 0.0, msg="the interim output account is cleared")

    def interim_balance(self):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.output_account.id),
                ("product_id", "=", self.product_e.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("balance"))
