from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..connector.records import Transaction
from .common_ledger import D, LedgerCommon, RefundAdjustment, RefundLine


@tagged("post_install", "-at_install")
class TestLedgerRefunds(LedgerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.RefundBuilder = cls.env.registry["ecommerce.refund.builder"]

    def import_order(self, order):
        self.handle(order)
        sale_order = self.binding("order", order.external_id)
        return sale_order, sale_order.invoice_ids

    def credit_note_of(self, refund_id):
        credit_note = self.binding("refund", refund_id)
        self.assertEqual(credit_note._name, "account.move")
        return credit_note

    # ------------------------------------------------------------------
    def test_partial_refund_with_restock(self):
        order = self.us_order("1101")
        sale_order, invoice = self.import_order(order)
        # one of the two mugs comes back: 20.00 - 2.00 discount = 18.00, tax 1.13
        refund = self.refund_of(order, "r-1", lines=[RefundLine("l1", D(1), D("18.00"), D("1.13"), restock=True)])
        calls = []
        original = self.RefundBuilder._sync_refund_stock

        def record_call(builder, store, refund_record, sale, credit_note):
            calls.append((refund_record, sale, credit_note))
            return original(builder, store, refund_record, sale, credit_note)

        with patch.object(self.RefundBuilder, "_sync_refund_stock", record_call):
            self.assertEqual(self.handle(refund), "created")

        credit_note = self.credit_note_of("r-1")
        self.assertRecordValues(
            credit_note,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "payment_state": "paid",
                    "reversed_entry_id": invoice.id,
                    "ecommerce_store_id": self.store.id,
                    "invoice_date": fields.Date.to_date("2025-01-08"),
                    "invoice_date_due": fields.Date.to_date("2025-01-08"),
                    "amount_untaxed": 18.0,
                    "amount_tax": 1.13,
                    "amount_total": 19.13,
                }
            ],
        )
        self.assertRecordValues(
            credit_note.invoice_line_ids,
            [
                {
                    "product_id": self.product_a.id,
                    "quantity": 1.0,
                    "price_unit": 20.0,
                    "discount": 10.0,
                    "price_subtotal": 18.0,
                    "tax_ids": self.sales_tax.ids,
                }
            ],
        )
        refund_payment = self.binding("transaction", "rt-r-1")
        self.assertRecordValues(
            refund_payment,
            [
                {
                    "payment_type": "outbound",
                    "journal_id": self.store.clearing_journal_id.id,
                    "amount": 19.13,
                    "is_reconciled": True,
                }
            ],
        )
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.balance(self.clearing), 61.06)
        self.assertEqual(self.balance(self.tax_account), -3.12)
        # the sale order shows the credit note and still says what was sold
        self.assertIn(credit_note, sale_order.invoice_ids)
        mug_line = sale_order.order_line.filtered(lambda line: line.ecommerce_line_external_id == "l1")
        self.assertEqual(mug_line.qty_invoiced, 2.0)
        self.assertEqual(sale_order.invoice_status, "invoiced")
        # restock information is handed to the stock part
        self.assertEqual(len(calls), 1)
        passed_refund, passed_order, passed_credit_note = calls[0]
        self.assertTrue(passed_refund.restock)
        self.assertEqual(passed_refund.lines[0].quantity, D(1))
        self.assertEqual((passed_order, passed_credit_note), (sale_order, credit_note))
        self.assertFalse(self.discrepancies())

        # the same refund again: nothing new
        moves_before = self.env["account.move"].search_count([])
        self.assertEqual(self.handle(refund), "skipped")
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

    def test_full_refund(self):
        order = self.us_order("1102")
        sale_order, invoice = self.import_order(order)
        refund = self.refund_of(
            order,
            "r-2",
            lines=[
                RefundLine("l1", D(2), D("36.00"), D("2.25")),
                RefundLine("l2", D(1), D("31.95"), D("2.00")),
            ],
            adjustments=[RefundAdjustment("shipping", D("7.99"))],
        )
        self.handle(refund)
        credit_note = self.credit_note_of("r-2")
        self.assertRecordValues(
            credit_note,
            [{"amount_untaxed": 75.94, "amount_tax": 4.25, "amount_total": 80.19, "payment_state": "paid"}],
        )
        moves = invoice | credit_note
        self.assertEqual(self.balance(self.clearing), 0.0)
        self.assertEqual(self.balance(self.tax_account, moves), 0.0)
        self.assertEqual(self.balance(self.receivable, moves), 0.0)
        income = credit_note.invoice_line_ids.account_id
        self.assertEqual(self.balance(income, moves), 0.0)
        self.assertEqual(
            credit_note.invoice_line_ids.mapped("product_id"),
            self.product_a | self.product_b | self.store.shipping_product_id,
        )
        self.assertFalse(self.discrepancies())

    def test_shipping_only_and_amount_only_refunds(self):
        order = self.us_order("1103")
        sale_order, invoice = self.import_order(order)
        shipping = self.refund_of(order, "r-ship", adjustments=[RefundAdjustment("shipping", D("7.99"))])
        goodwill = self.refund_of(
            order,
            "r-goodwill",
            adjustments=[RefundAdjustment("adjustment", D("10.00"), D("0.63"), reason="Late delivery")],
            day=9,
        )
        self.handle(shipping)
        self.handle(goodwill)
        shipping_note = self.credit_note_of("r-ship")
        goodwill_note = self.credit_note_of("r-goodwill")
        self.assertRecordValues(
            shipping_note.invoice_line_ids,
            [{"product_id": self.store.shipping_product_id.id, "price_subtotal": 7.99, "tax_ids": []}],
        )
        self.assertRecordValues(
            goodwill_note.invoice_line_ids,
            [
                {
                    "product_id": self.store.fallback_product_id.id,
                    "name": "Late delivery",
                    "price_subtotal": 10.0,
                    "tax_ids": self.sales_tax.ids,
                }
            ],
        )
        self.assertRecordValues(
            shipping_note | goodwill_note,
            [
                {"amount_total": 7.99, "amount_tax": 0.0, "payment_state": "paid"},
                {"amount_total": 10.63, "amount_tax": 0.63, "payment_state": "paid"},
            ],
        )
        self.assertEqual(self.balance(self.clearing), 80.19 - 7.99 - 10.63)
        self.assertFalse(self.discrepancies())

    def test_refund_of_an_order_with_prices_including_taxes(self):
        order = self.eu_order("2101")
        sale_order, invoice = self.import_order(order)
        refund = self.refund_of(order, "r-eu", lines=[RefundLine("e2", D(1), D("9.37"), D("1.88"))])
        self.handle(refund)
        credit_note = self.credit_note_of("r-eu")
        self.assertRecordValues(
            credit_note,
            [{"amount_untaxed": 9.37, "amount_tax": 1.88, "amount_total": 11.25, "payment_state": "paid"}],
        )
        self.assertTrue(credit_note.invoice_line_ids.tax_ids.price_include)
        self.assertFalse(self.discrepancies())

    def test_refund_before_its_order_fails_for_retry_and_refunds_in_orders_are_booked(self):
        order = self.us_order("1104")
        refund = self.refund_of(order, "r-early", adjustments=[RefundAdjustment("shipping", D("7.99"))])
        with self.assertRaisesRegex(UserError, "not imported yet"):
            self.handle(refund)
        # the order arrives carrying the refund: both are booked
        order.refunds = [refund]
        order.financial_status = "partially_refunded"
        self.handle(order)
        credit_note = self.credit_note_of("r-early")
        self.assertRecordValues(credit_note, [{"amount_total": 7.99, "payment_state": "paid"}])
        self.assertEqual(self.handle(refund), "skipped")

    def test_refund_payment_arriving_later_and_refund_of_an_unpaid_order(self):
        order = self.us_order("1105")
        self.import_order(order)
        refund = self.refund_of(order, "r-pending", adjustments=[RefundAdjustment("shipping", D("7.99"))])
        refund.transactions[0].status = "pending"
        self.handle(refund)
        credit_note = self.credit_note_of("r-pending")
        self.assertEqual(credit_note.payment_state, "not_paid")
        refund.transactions[0].status = "success"
        self.assertEqual(self.handle(refund), "updated")
        self.assertEqual(credit_note.payment_state, "paid")

        # an unpaid order refunded (store credit, no money back): the credit note settles the invoice
        unpaid = self.us_order("1106", transactions=[], financial_status="pending")
        _sale_order, invoice = self.import_order(unpaid)
        credit = self.refund_of(unpaid, "r-credit", adjustments=[RefundAdjustment("shipping", D("7.99"))])
        self.handle(credit)
        self.assertRecordValues(invoice, [{"payment_state": "partial", "amount_residual": 72.2}])
        self.assertEqual(self.credit_note_of("r-credit").payment_state, "paid")

    def test_refund_in_another_currency_uses_the_invoice_rate(self):
        self.setup_other_currency("EUR", rates=[("2024-12-01", 0.8)])
        order = self.us_order(
            "3101",
            currency="EUR",
            shop_currency="USD",
            shop_total=D("88.21"),
            transactions=[Transaction("t-3101", "sale", "success", D("80.19"), "EUR", gateway="card")],
        )
        _sale_order, invoice = self.import_order(order)
        # Odoo converts line by line at the store's rate (88.21 / 80.19): 39.60 + 35.15 + 8.79 + 4.68 =
        # 88.22; the invoice is worth the store's 88.21, its largest line taking the cent
        self.assertEqual(invoice.amount_total_signed, 88.21)
        self.assertEqual(invoice.invoice_line_ids.sorted("balance")[0].balance, -39.59)
        refund = self.refund_of(order, "r-eur", adjustments=[RefundAdjustment("shipping", D("7.99"))])
        self.handle(refund)
        credit_note = self.credit_note_of("r-eur")
        self.assertAlmostEqual(credit_note.invoice_currency_rate, invoice.invoice_currency_rate, places=9)
        self.assertRecordValues(credit_note, [{"amount_total": 7.99, "amount_total_signed": -8.79}])
        exchange_journal = self.company.currency_exchange_journal_id
        self.assertFalse(self.env["account.move"].search([("journal_id", "=", exchange_journal.id)]))
        # payments at the rate of the document they settle: no exchange difference
        self.assertEqual(self.balance(self.clearing), 79.42, "88.21 paid, 8.79 refunded")

    def test_refunds_off_imports_the_order_and_leaves_its_refunds_to_be_handled_by_hand(self):
        order = self.us_order("1190")
        order.refunds = [
            self.refund_of(order, "r-1190", lines=[RefundLine("l1", D(1), D("18.00"), D("1.13"), restock=True)])
        ]
        order.financial_status = "partially_refunded"
        self.store.sync_refunds = False
        sale_order, invoice = self.import_order(order)

        self.assertRecordValues(invoice, [{"state": "posted", "amount_total": 80.19, "payment_state": "paid"}])
        self.assertEqual(sale_order.invoice_ids, invoice, "no credit note")
        self.assertFalse(self.binding("refund", "r-1190"))
        refund_payments = self.env["account.payment"].search(
            [("move_id.ecommerce_store_id", "=", self.store.id), ("payment_type", "=", "outbound")]
        )
        self.assertFalse(refund_payments, "no money paid back")
        self.assertEqual(self.balance(self.clearing), 80.19, "the clearing account holds the payment only")
        self.assertFalse(self.discrepancies())

        # the refunds flow on again: the order's next revision books its refund
        self.store.sync_refunds = True
        order.updated_at = order.updated_at.replace(hour=14)
        self.handle(order)
        self.assertRecordValues(self.credit_note_of("r-1190"), [{"amount_total": 19.13, "state": "posted"}])
