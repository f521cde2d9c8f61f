import re

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..connector.records import Fee, Order, OrderLine, Payout, PayoutLine, Transaction
from .common_ledger import D, LedgerCommon, RefundLine, at


@tagged("post_install", "-at_install")
class TestLedgerPayouts(LedgerCommon):
    def two_orders_and_a_refund(self):
        first, second = self.us_order("1201"), self.us_order("1202")
        self.handle(first)
        self.handle(second)
        refund = self.refund_of(first, "r-1201", lines=[RefundLine("l1", D(1), D("18.00"), D("1.13"))])
        self.handle(refund)
        return first, second, refund

    @staticmethod
    def payout(external_id="P1", amount="135.99", status="paid", lines=None, day=12):
        lines = lines or [
            PayoutLine("bt-1", "charge", D("80.19"), D("2.63"), D("77.56"), "USD", "1201", "t-1201"),
            PayoutLine("bt-2", "charge", D("80.19"), D("2.63"), D("77.56"), "USD", "1202", "t-1202"),
            PayoutLine("bt-3", "refund", D("-19.13"), D("0"), D("-19.13"), "USD", "1201", "rt-r-1201"),
        ]
        return Payout(external_id, "USD", D(amount), date=at(day), status=status, lines=lines, updated_at=at(day))

    def statement_line(self, amount, day=13, reference="PAYOUT P1"):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": f"2025-01-{day:02d}",
                "amount": amount,
                "payment_ref": reference,
            }
        )

    def bank_outstanding(self):
        return self.bank_journal.inbound_payment_method_line_ids.payment_account_id

    # ------------------------------------------------------------------
    def test_payout_moves_the_net_to_the_bank_and_empties_the_clearing_account(self):
        self.two_orders_and_a_refund()
        self.assertEqual(self.balance(self.clearing), 141.25)
        deposit = self.statement_line(135.99)
        self.assertFalse(deposit.is_reconciled)
        # with one entry per payout, a fee reported alone waits for its payout
        early_fee = Fee("bt-1", D("2.63"), "USD", date=at(6), transaction_external_id="t-1201", payout_external_id="P1")
        self.assertEqual(self.handle(early_fee), "skipped")
        self.assertEqual(self.balance(self.store.fee_account_id), 0.0)

        self.assertEqual(self.handle(self.payout()), "created")

        transfer = self.binding("payout", "P1")
        receiving = transfer.paired_internal_transfer_payment_id
        self.assertRecordValues(
            transfer | receiving,
            [
                {
                    "journal_id": self.store.clearing_journal_id.id,
                    "payment_type": "outbound",
                    "amount": 135.99,
                    "destination_account_id": self.company.transfer_account_id.id,
                    "paired_internal_transfer_payment_id": receiving.id,
                },
                {
                    "journal_id": self.bank_journal.id,
                    "payment_type": "inbound",
                    "amount": 135.99,
                    "destination_account_id": self.company.transfer_account_id.id,
                    "paired_internal_transfer_payment_id": transfer.id,
                },
            ],
        )
        # fees: one entry for the payout (the store's default grouping), 2 x 2.63
        fee_moves = self.env["account.move"].search(
            [("ecommerce_store_id", "=", self.store.id), ("line_ids.account_id", "=", self.store.fee_account_id.id)]
        )
        self.assertEqual(len(fee_moves), 1)
        self.assertEqual(self.balance(self.store.fee_account_id), 5.26)
        # the clearing account holds nothing once everything is paid out, and is fully reconciled
        self.assertEqual(self.balance(self.clearing), 0.0)
        clearing_lines = self.env["account.move.line"].search([("account_id", "=", self.clearing.id)])
        self.assertTrue(all(clearing_lines.mapped("reconciled")))
        self.assertEqual(self.balance(self.company.transfer_account_id), 0.0)
        # the deposit on the bank statement is matched with the transfer
        self.assertTrue(deposit.is_reconciled)
        self.assertTrue(receiving.is_matched)
        self.assertEqual(self.balance(self.bank_outstanding()), 0.0)
        self.assertEqual(self.balance(self.bank_journal.default_account_id), 135.99)
        self.assertFalse(self.discrepancies())

        # the same payout again: nothing new
        moves_before = self.env["account.move"].search_count([])
        self.assertEqual(self.handle(self.payout()), "skipped")
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

    def header_buttons(self, payment):
        """The buttons of the payment form's header that ``payment`` shows, evaluated as the web client does."""
        arch = etree.fromstring(self.env["account.payment"].get_view(view_type="form")["arch"])
        shown = []
        for button in arch.xpath("//header/button[@name]"):
            expression = button.get("invisible") or "False"
            names = set(re.findall(r"[a-z_]+", expression)) & set(payment._fields)
            values = {
                name: payment[name].id if payment._fields[name].type == "many2one" else payment[name] for name in names
            }
            if not safe_eval(expression, values):
                shown.append(button.get("name"))
        return shown

    def test_an_imported_payout_has_no_validate_or_mark_as_sent_button(self):
        self.two_orders_and_a_refund()
        self.handle(self.payout())
        transfer = self.binding("payout", "P1")
        receiving = transfer.paired_internal_transfer_payment_id
        self.assertEqual((transfer | receiving).mapped("state"), ["in_process", "in_process"])
        self.assertEqual((transfer | receiving).mapped("payment_method_code"), ["manual", "manual"])
        for payment in transfer | receiving:
            self.assertEqual(payment.ecommerce_store_id, self.store)
            self.assertNotIn("action_validate", self.header_buttons(payment))
            self.assertNotIn("mark_as_sent", self.header_buttons(payment))
        # a payment made by hand in the same state keeps Odoo's buttons
        by_hand = self.env["account.payment"].create(
            {"payment_type": "inbound", "partner_type": "customer", "amount": 10.0, "journal_id": self.bank_journal.id}
        )
        by_hand.action_post()
        self.assertEqual((by_hand.state, by_hand.payment_method_code), ("in_process", "manual"))
        self.assertFalse(by_hand.ecommerce_store_id)
        self.assertIn("action_validate", self.header_buttons(by_hand))
        self.assertIn("mark_as_sent", self.header_buttons(by_hand))

    def test_fees_per_transaction_and_a_deposit_imported_later(self):
        self.store.fee_grouping = "transaction"
        self.two_orders_and_a_refund()
        # one fee reported on its own before the payout: booked once
        early_fee = Fee(
            "bt-1",
            D("2.63"),
            "USD",
            kind="gateway",
            date=at(6),
            order_external_id="1201",
            transaction_external_id="t-1201",
            payout_external_id="P1",
        )
        self.assertEqual(self.handle(early_fee), "created")
        self.assertEqual(self.handle(early_fee), "skipped")
        self.handle(self.payout())

        fee_moves = self.env["account.move"].search(
            [("ecommerce_store_id", "=", self.store.id), ("line_ids.account_id", "=", self.store.fee_account_id.id)]
        )
        self.assertEqual(len(fee_moves), 2, "one entry per balance transaction with a fee")
        self.assertEqual(self.balance(self.store.fee_account_id), 5.26)
        self.assertEqual(self.balance(self.clearing), 0.0)

        receiving = self.binding("payout", "P1").paired_internal_transfer_payment_id
        self.assertFalse(receiving.is_matched)
        other = self.statement_line(99.0, reference="something else")
        deposit = self.statement_line(135.99, day=14, reference="TRANSFER")
        self.assertTrue(deposit.is_reconciled, "matched as it is imported")
        self.assertFalse(other.is_reconciled)
        self.assertTrue(receiving.is_matched)

    def test_payout_items_that_are_not_sales_and_payout_mismatches(self):
        self.two_orders_and_a_refund()
        lines = self.payout().lines + [
            PayoutLine(
                "bt-4", "dispute", D("-50.00"), D("15.00"), D("-65.00"), "USD", "1202", "", description="chargeback"
            ),
        ]
        # the lines add up to 70.99 but the platform paid 71.00
        self.handle(self.payout("P2", amount="71.00", lines=lines))
        self.assertEqual(self.balance(self.store.fee_account_id), 70.26, "fees 5.26 + 15.00, the dispute 50.00")
        mismatch = self.discrepancies("payout_mismatch")
        self.assertRecordValues(mismatch, [{"external_id": "P2", "expected": 71.0, "found": 70.99}])
        self.assertIn("70.99", mismatch.message)
        # the cent the platform paid too much is left open on the clearing account
        self.assertEqual(self.balance(self.clearing), -0.01)
        # the payout lists its four lines as the platform does: their nets say 70.99
        transfer = self.binding("payout", "P2")
        rows = transfer.ecommerce_payout_line_ids
        self.assertEqual(rows.mapped("kind"), ["charge", "charge", "refund", "dispute"])
        self.assertEqual(rows.mapped("order_name"), ["#1201", "#1202", "#1201", "#1202"])
        self.assertEqual(rows.mapped("net"), [77.56, 77.56, -19.13, -65.0])
        self.assertEqual(transfer.ecommerce_payout_net, 70.99)
        self.assertEqual(rows.mapped("document_id.move_type"), ["out_invoice", "out_invoice", "out_refund", "entry"])
        dispute = rows[3]
        self.assertFalse(dispute.payment_id)
        self.assertIn(
            self.store.adjustment_account_id or self.store.fee_account_id, dispute.document_id.line_ids.account_id
        )
        self.assertEqual(dispute.fee_move_id, self.binding("fee", "bt-4"))

    def test_payout_waits_for_its_transactions_and_can_be_cancelled(self):
        self.handle(self.us_order("1201"))
        with self.assertRaisesRegex(UserError, "t-1202"):
            self.handle(self.payout())
        self.assertIsNone(self.binding("payout", "P1"))
        self.handle(self.us_order("1202"))
        self.assertEqual(self.handle(self.payout("P3", status="scheduled")), "skipped")
        lines = self.payout().lines[:2]
        self.assertEqual(self.handle(self.payout("P3", amount="155.12", status="in_transit", lines=lines)), "created")
        self.assertEqual(self.balance(self.clearing), 0.0)
        # the bank returned it: the money is back on the clearing account, the fees stay
        failed = self.payout("P3", amount="155.12", status="failed", lines=lines, day=15)
        self.assertEqual(self.handle(failed), "updated")
        transfer = self.binding("payout", "P3")
        self.assertEqual((transfer | transfer.paired_internal_transfer_payment_id).mapped("state"), ["canceled"] * 2)
        self.assertEqual(self.balance(self.clearing), 155.12)
        self.assertEqual(self.balance(self.store.fee_account_id), 5.26)

    def test_exchange_difference_realised_at_payout(self):
        self.setup_other_currency("EUR", rates=[("2024-12-01", 0.8)])
        loss_account = self.company.expense_currency_exchange_account_id
        order = Order(
            external_id="3201",
            name="#3201",
            currency="EUR",
            created_at=at(7),
            updated_at=at(7),
            lines=[OrderLine("x1", "Alpha mug", D(4), D("20.00"), sku="SKU-A", taxable=False)],
            total=D("80.00"),
            shop_currency="USD",
            shop_total=D("88.00"),
            email="hans@example.de",
            transactions=[Transaction("t-3201", "sale", "success", D("80.00"), "EUR", gateway="card")],
        )
        self.handle(order)
        self.assertEqual(self.balance(self.clearing), 88.0)
        # the platform converted the 80.00 EUR into 87.50 USD, kept 2.84 of fees and paid 84.66
        payout = Payout(
            "P-FX",
            "USD",
            D("84.66"),
            date=at(10),
            lines=[PayoutLine("bt-fx", "charge", D("87.50"), D("2.84"), D("84.66"), "USD", "3201", "t-3201")],
        )
        self.handle(payout)
        self.assertEqual(self.balance(self.clearing), 0.0)
        self.assertEqual(self.balance(loss_account), 0.50)
        self.assertEqual(self.balance(self.store.fee_account_id), 2.84)
        self.assertEqual(self.balance(self.bank_outstanding()), 84.66)
        self.assertFalse(self.discrepancies())

    def test_a_line_that_differs_from_its_odoo_payment_is_a_mismatch(self):
        self.two_orders_and_a_refund()
        lines = self.payout().lines
        lines[1] = PayoutLine("bt-2", "charge", D("80.00"), D("2.63"), D("77.37"), "USD", "1202", "t-1202")
        self.handle(self.payout("P4", amount="135.80", lines=lines))
        mismatch = self.discrepancies("payout_mismatch")
        self.assertEqual(len(mismatch), 1)
        self.assertIn("bt-2 settles 80.00 USD", mismatch.message)
        self.assertIn("0.19", mismatch.message, "what stays open on the clearing account is said")
        self.assertEqual(self.balance(self.clearing), 0.19)

    def test_fee_lines_name_the_store_order_number_and_what_the_fee_is_for(self):
        self.handle(self.us_order("5701000002817", name="#1003"))
        lines = [
            PayoutLine(
                "bt-7", "charge", D("80.19"), D("2.63"), D("77.56"), "USD", "5701000002817", "t-5701000002817",
                description="charge",
            ),
            PayoutLine("bt-8", "adjustment", D("0"), D("1.50"), D("-1.50"), "USD", description="adjustment: reserve"),
        ]  # fmt: skip
        self.handle(self.payout(amount="76.06", lines=lines))
        fee_lines = self.env["account.move.line"].search(
            [("account_id", "=", self.store.fee_account_id.id), ("parent_state", "=", "posted")], order="balance desc"
        )
        self.assertEqual(
            fee_lines.mapped("name"),
            ["Payment processing fee on the payment of order #1003", "Platform fee (adjustment: reserve)"],
        )
        self.assertEqual(fee_lines.mapped("balance"), [2.63, 1.5])
        self.assertEqual(self.balance(self.clearing), 0.0)

    # ------------------------------------------------------------------
    def euro_order(self, external_id, lines, total, shop_total, transactions):
        """An order in EUR that the store converts to ``shop_total`` USD, imported."""
        order = Order(
            external_id=external_id,
            name=f"#{external_id}",
            currency="EUR",
            created_at=at(7),
            updated_at=at(7),
            lines=lines,
            total=D(total),
            shop_currency="USD",
            shop_total=D(shop_total),
            email="hans@example.de",
            transactions=transactions,
        )
        self.handle(order)
        return order

    def three_mug_order(self, external_id, shop_total="33.34", refunded=False):
        """30.00 EUR of three lines, 33.34 USD to the store: each line converts to 11.11 USD (33.33)."""
        refunds = []
        order = self.euro_order(
            external_id,
            [
                OrderLine(f"{external_id}-{number}", "Alpha mug", D(1), D("10.00"), sku="SKU-A", taxable=False)
                for number in range(3)
            ],
            "30.00",
            shop_total,
            [Transaction(f"t-{external_id}", "sale", "success", D("30.00"), "EUR", gateway="card")],
        )
        if refunded:
            lines = [RefundLine(line.external_id, D(1), D("10.00"), D("0")) for line in order.lines]
            refunds.append(self.refund_of(order, f"r-{external_id}", lines=lines))
            self.handle(refunds[-1])
        return order, refunds

    def exchange_moves(self):
        return self.env["account.move"].search([("journal_id", "=", self.company.currency_exchange_journal_id.id)])

    def test_store_amounts_that_agree_leave_no_exchange_difference(self):
        self.setup_other_currency("EUR", rates=[("2024-12-01", 0.8)])
        self.three_mug_order("3301")
        self.three_mug_order("3302", refunded=True)
        invoices = self.env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("currency_id.name", "=", "EUR")]
        )
        # the invoices are worth what the store converted, not the sum of their converted lines
        self.assertEqual(invoices.mapped("amount_total_signed"), [33.34, 33.34])
        self.assertEqual(invoices.mapped("amount_residual_signed"), [0.0, 0.0])
        credit_note = self.env["account.move"].search([("move_type", "=", "out_refund")])
        self.assertEqual(credit_note.amount_total_signed, -33.34)
        self.assertEqual(credit_note.amount_residual_signed, 0.0)
        self.assertEqual(
            round(sum(invoices.invoice_line_ids.mapped("balance")), 2), -66.68, "revenue: the store's amounts"
        )
        self.assertFalse(self.exchange_moves(), "payments settle their documents to the cent")
        # the payout converts each payment at the store's amount: 33.34 USD each way
        lines = [
            PayoutLine("bt-a", "charge", D("33.34"), D("1.27"), D("32.07"), "USD", "3301", "t-3301"),
            PayoutLine("bt-b", "charge", D("33.34"), D("1.27"), D("32.07"), "USD", "3302", "t-3302"),
            PayoutLine("bt-c", "refund", D("-33.34"), D("0"), D("-33.34"), "USD", "3302", "rt-r-3302"),
        ]
        self.handle(Payout("P-AGREE", "USD", D("30.80"), date=at(10), lines=lines))
        self.assertFalse(self.exchange_moves(), "no one-cent exchange difference")
        self.assertEqual(self.balance(self.clearing), 0.0)
        self.assertEqual(self.balance(self.bank_outstanding()), 30.80)
        self.assertFalse(self.discrepancies())
        # a real difference of rates (the platform converted at 33.00 USD) is still the exchange loss it is
        self.three_mug_order("3303")
        line = PayoutLine("bt-d", "charge", D("33.00"), D("1.26"), D("31.74"), "USD", "3303", "t-3303")
        self.handle(Payout("P-RATE", "USD", D("31.74"), date=at(11), lines=[line]))
        loss = self.exchange_moves()
        self.assertEqual(len(loss), 1)
        self.assertEqual(self.balance(self.company.expense_currency_exchange_account_id), 0.34)
        self.assertEqual(self.balance(self.clearing), 0.0)

    # ------------------------------------------------------------------
    def paid_in_two_order(self, external_id, second_shop="139.85"):
        """258.68 EUR (189.86 USD to the store) of two lines, paid in two card payments, the store converting
        each one: 68.13 EUR to 50.00 USD (as the invoice's rate does) and 190.55 EUR to ``second_shop`` (139.86
        at the invoice's rate)."""
        return self.euro_order(
            external_id,
            [
                OrderLine(f"{external_id}-a", "Alpha mug", D(1), D("158.68"), sku="SKU-A", taxable=False),
                OrderLine(f"{external_id}-b", "Beta poster", D(1), D("100.00"), sku="SKU-B", taxable=False),
            ],
            "258.68",
            "189.86",
            [
                Transaction(f"t-{external_id}-1", "sale", "success", D("68.13"), "EUR", gateway="card",
                            shop_amount=D("50.00"), shop_currency="USD"),
                Transaction(f"t-{external_id}-2", "sale", "success", D("190.55"), "EUR", gateway="card",
                            shop_amount=D(second_shop), shop_currency="USD"),
            ],
        )  # fmt: skip

    def test_payments_and_refunds_at_the_stores_own_conversion_leave_no_exchange_difference(self):
        self.setup_other_currency("EUR", rates=[("2024-12-01", 0.8)])
        order = self.paid_in_two_order("3401")
        # the poster (100.00 EUR, 73.40 USD at the invoice's rate) refunded: the store sent back 73.39 USD
        refund = self.refund_of(order, "r-3401", lines=[RefundLine("3401-b", D(1), D("100.00"), D("0"))])
        refund.transactions[0].shop_amount, refund.transactions[0].shop_currency = D("73.39"), "USD"
        self.handle(refund)

        invoice = self.env["account.move"].search([("move_type", "=", "out_invoice")])
        credit_note = self.env["account.move"].search([("move_type", "=", "out_refund")])
        self.assertEqual((invoice.amount_total_signed, credit_note.amount_total_signed), (189.86, -73.40))
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(credit_note.payment_state, "paid")
        self.assertEqual((invoice.amount_residual_signed, credit_note.amount_residual_signed), (0.0, 0.0))
        # each payment in the clearing account at the store's amount, settling its document at the document's rate
        payments = self.env["account.payment"].search([("memo", "=", "#3401 card")], order="id")
        self.assertEqual([self.outstanding(p).balance for p in payments], [50.00, 139.85, -73.39])
        self.assertEqual(
            [p.move_id.line_ids.filtered(lambda line: line.account_id == self.receivable).balance for p in payments],
            [-50.00, -139.86, 73.40],
        )
        # the cent between the two conversions on the exchange accounts: lost on the payment, won on the refund
        self.assertEqual(self.balance(self.company.expense_currency_exchange_account_id), 0.01)
        self.assertEqual(self.balance(self.company.income_currency_exchange_account_id), -0.01)
        self.assertFalse(self.exchange_moves())

        # the payout settles the store's amounts: nothing left to convert
        lines = [
            PayoutLine("bt-e1", "charge", D("50.00"), D("1.75"), D("48.25"), "USD", "3401", "t-3401-1"),
            PayoutLine("bt-e2", "charge", D("139.85"), D("4.36"), D("135.49"), "USD", "3401", "t-3401-2"),
            PayoutLine("bt-e3", "refund", D("-73.39"), D("0"), D("-73.39"), "USD", "3401", "rt-r-3401"),
        ]
        self.assertEqual(self.handle(Payout("P-EUR", "USD", D("110.35"), date=at(10), lines=lines)), "created")
        self.assertFalse(self.exchange_moves(), "no one-cent exchange difference at the payout")
        self.assertEqual(self.balance(self.clearing), 0.0)
        clearing_lines = self.env["account.move.line"].search([("account_id", "=", self.clearing.id)])
        self.assertTrue(all(clearing_lines.mapped("reconciled")))
        self.assertEqual(self.balance(self.bank_outstanding()), 110.35)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertFalse(self.discrepancies())

    def test_a_store_conversion_further_away_is_an_exchange_difference_as_before(self):
        self.setup_other_currency("EUR", rates=[("2024-12-01", 0.8)])
        # 190.55 EUR converted to 139.81 USD by the store: 5 cents from the invoice's rate, not a rounding
        self.paid_in_two_order("3402", second_shop="139.81")
        payments = self.env["account.payment"].search([("memo", "=", "#3402 card")], order="id")
        self.assertEqual([self.outstanding(p).balance for p in payments], [50.00, 139.86])
        self.assertEqual([len(p.move_id.line_ids) for p in payments], [2, 2], "no payment difference line")
        lines = [
            PayoutLine("bt-f1", "charge", D("50.00"), D("1.75"), D("48.25"), "USD", "3402", "t-3402-1"),
            PayoutLine("bt-f2", "charge", D("139.81"), D("4.36"), D("135.45"), "USD", "3402", "t-3402-2"),
        ]
        self.handle(Payout("P-FAR", "USD", D("183.70"), date=at(10), lines=lines))
        self.assertEqual(len(self.exchange_moves()), 1)
        self.assertEqual(self.balance(self.company.expense_currency_exchange_account_id), 0.05)
        self.assertEqual(self.balance(self.clearing), 0.0)

    def outstanding(self, payment):
        return payment.move_id.line_ids.filtered(lambda line: line.account_id == payment.outstanding_account_id)
