from odoo.tests import tagged

from ..connector.records import OrderLine, RefundAdjustment
from .common_ledger import D, LedgerCommon


@tagged("post_install", "-at_install")
class TestLedgerTips(LedgerCommon):
    """Tips customers add (store lines of kind "tip"): the store's tips product and account."""

    def tipped_order(self, external_id="3001"):
        order = self.us_order(external_id, total=D("92.19"))
        order.lines.append(OrderLine(f"{external_id}/tip", "Tip", D(1), D("12.00"), taxable=False, kind="tip"))
        order.transactions[0].amount = D("92.19")
        return order

    def test_a_tip_is_sold_with_the_tips_product_on_the_tips_account(self):
        tips_payable = self.env["account.account"].create(
            {"name": "Tips owed to staff", "code": "TIPS01", "account_type": "liability_current"}
        )
        self.store.tips_account_id = tips_payable
        self.assertFalse(self.store.tips_product_id)

        self.handle(self.tipped_order())

        sale_order = self.binding("order", "3001")
        tip_line = sale_order.order_line.filtered(lambda line: line.ecommerce_line_kind == "tip")
        product = self.store.tips_product_id
        self.assertTrue(product, "made on the first tip")
        self.assertRecordValues(product, [{"type": "service", "name": "Ledger Shop: tips"}])
        self.assertRecordValues(tip_line, [{"product_id": product.id, "price_subtotal": 12.0, "tax_id": []}])
        invoice = sale_order.invoice_ids
        self.assertRecordValues(invoice, [{"amount_total": 92.19, "amount_tax": 4.25, "payment_state": "paid"}])
        self.assertEqual(self.balance(tips_payable, invoice), -12.0)
        self.assertFalse(self.discrepancies())

        # the next tip uses the same product; without a tips account, its income account
        self.store.tips_account_id = False
        self.handle(self.tipped_order("3002"))
        second = self.binding("order", "3002").invoice_ids
        self.assertEqual(self.store.tips_product_id, product)
        tip_item = second.invoice_line_ids.filtered(lambda line: line.product_id == product)
        self.assertEqual(tip_item.account_id, product.property_account_income_id or self.revenue)

    def test_a_refunded_tip_is_credited_on_the_tip_line(self):
        tips_payable = self.env["account.account"].create(
            {"name": "Tips owed to staff", "code": "TIPS02", "account_type": "liability_current"}
        )
        self.store.tips_account_id = tips_payable
        order = self.tipped_order()
        self.handle(order)
        refund = self.refund_of(order, "r-tip", adjustments=[RefundAdjustment("tip", D("12.00"), reason="Tip")])

        self.handle(refund)

        credit_note = self.binding("refund", "r-tip")
        self.assertRecordValues(credit_note, [{"amount_total": 12.0, "amount_tax": 0.0, "payment_state": "paid"}])
        self.assertEqual(credit_note.invoice_line_ids.product_id, self.store.tips_product_id)
        self.assertEqual(self.balance(tips_payable), 0.0, "the tip given back leaves the tips account")
