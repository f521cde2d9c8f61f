from odoo.tests import tagged

from .common_ledger import LedgerCommon
from .order_generator import generate


@tagged("post_install", "-at_install")
class TestLedgerBatch(LedgerCommon):
    """100 generated orders with refunds, fees and their payout tie out to the store and the bank."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_up_generated_shop()

    def store_moves(self, move_type):
        return self.env["account.move"].search(
            [("ecommerce_store_id", "=", self.store.id), ("move_type", "=", move_type), ("state", "=", "posted")]
        )

    def run_batch(self, batch):
        outcomes = [self.handle(order) for order in batch.orders]
        outcomes += [self.handle(refund) for refund in batch.refunds]
        outcomes.append(self.handle(batch.payout))
        return outcomes

    def test_batch_ties_out_to_the_store_and_the_bank(self):
        batch = generate(100)
        self.assertEqual(len(batch.orders), 100)
        outcomes = self.run_batch(batch)
        self.assertEqual(outcomes, ["created"] * len(outcomes))

        invoices = self.store_moves("out_invoice")
        credit_notes = self.store_moves("out_refund")
        self.assertEqual(len(invoices), 100)
        self.assertEqual(len(credit_notes), len(batch.all_refunds))
        # every invoice is its order to the cent
        totals = {order.name: float(order.total) for order in batch.orders}
        for invoice in invoices:
            self.assertAlmostEqual(invoice.amount_total, totals[invoice.ref], places=2, msg=invoice.ref)
        # sales: invoices minus credit notes are the store's net sales (taxes included)
        net = sum(invoices.mapped("amount_total")) - sum(credit_notes.mapped("amount_total"))
        self.assertEqual(round(net, 2), float(batch.net_sales))
        self.assertEqual(self.balance(self.tax_account), -float(batch.tax))
        # fees in the expense account are the store's fees
        self.assertEqual(self.balance(self.store.fee_account_id), float(batch.fees))
        # every card transaction is paid out: the clearing account is empty and fully reconciled
        self.assertEqual(self.balance(self.clearing), 0.0)
        clearing_lines = self.env["account.move.line"].search([("account_id", "=", self.clearing.id)])
        self.assertTrue(clearing_lines)
        self.assertTrue(all(clearing_lines.mapped("reconciled")))
        bank_outstanding = self.bank_journal.inbound_payment_method_line_ids.payment_account_id
        self.assertEqual(self.balance(bank_outstanding), float(batch.payout.amount))
        # unpaid orders stay open receivables; paid ones and refunds are settled
        self.assertEqual(self.balance(self.receivable), float(batch.open_receivables))
        self.assertEqual(
            sorted(invoices.filtered(lambda move: move.payment_state == "not_paid").mapped("ref")),
            sorted(order.name for order in batch.orders if not order.captured_amount),
        )
        # the trial balance balances
        lines = self.env["account.move.line"].search(
            [("company_id", "=", self.company.id), ("parent_state", "=", "posted")]
        )
        self.assertAlmostEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")), places=2)
        self.assertFalse(self.discrepancies())

        # the same import again creates nothing
        counts = {
            model: self.env[model].search_count([])
            for model in ("sale.order", "account.move", "account.payment", "res.partner", "ecommerce.binding")
        }
        self.assertEqual(set(self.run_batch(batch)), {"skipped"})
        self.assertEqual(
            {model: self.env[model].search_count([]) for model in counts},
            counts,
        )
