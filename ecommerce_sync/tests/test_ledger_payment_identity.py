"""A payment keeps its identity when the store fills in or corrects its transaction id; an order paid
beyond its total is flagged."""

from odoo.tests import tagged

from ..connector.records import Transaction
from .common_ledger import D, LedgerCommon, at


@tagged("post_install", "-at_install")
class TestLedgerPaymentIdentity(LedgerCommon):
    def paid(self, external_id, transaction_id, reference="", updated=None, amount="80.19", gateway="card"):
        """The US order (total 80.19) paid by one card transaction of id ``transaction_id``."""
        return self.us_order(
            external_id,
            updated=updated,
            transactions=[
                Transaction(
                    transaction_id,
                    "sale",
                    "success",
                    D(amount),
                    "USD",
                    gateway=gateway,
                    processed_at=at(5, 12),
                    reference=reference,
                )
            ],
        )

    def order_payments(self):
        return self.env["account.payment"].search([("journal_id", "=", self.store.clearing_journal_id.id)])

    def assert_paid_once(self, external_id, transaction_id, reference):
        payments = self.order_payments()
        self.assertRecordValues(
            payments,
            [{"amount": 80.19, "payment_type": "inbound", "state": "paid", "payment_reference": reference}],
        )
        self.assertEqual(self.binding("transaction", transaction_id), payments)
        sale_order = self.binding("order", external_id)
        self.assertRecordValues(sale_order.invoice_ids, [{"payment_state": "paid", "amount_residual": 0.0}])
        self.assertEqual(self.balance(self.clearing), 80.19)
        self.assertEqual(self.balance(self.receivable), 0.0)
        self.assertFalse(self.discrepancies())
        return payments

    # ------------------------------------------------------------------
    def test_transaction_id_filled_in_later_keeps_the_payment(self):
        self.handle(self.paid("1058", "1058-payment"))
        first = self.assert_paid_once("1058", "1058-payment", "1058-payment")

        # the gateway's id is filled in by a later revision: the same payment, its reference updated
        self.assertEqual(self.handle(self.paid("1058", "pi_3QxA", "pi_3QxA", updated=at(6))), "updated")
        self.assertEqual(self.assert_paid_once("1058", "pi_3QxA", "pi_3QxA"), first)
        self.assertFalse(self.binding("transaction", "1058-payment"))

        # and corrected again
        self.assertEqual(self.handle(self.paid("1058", "pi_3QxB", "pi_3QxB", updated=at(7))), "updated")
        self.assertEqual(self.assert_paid_once("1058", "pi_3QxB", "pi_3QxB"), first)
        self.assertIn("pi_3QxA", str(first.message_ids.mapped("body")))

    def test_revisions_in_one_page_keep_one_payment(self):
        revisions = [
            self.paid("1079", "1079-payment"),
            self.paid("1079", "pi_9Zq", "pi_9Zq", updated=at(6)),
        ]
        outcomes = self.env["ecommerce.order.builder"]._import_orders(self.store, revisions)
        self.assertEqual(outcomes, ["created", "updated"])
        self.assert_paid_once("1079", "pi_9Zq", "pi_9Zq")

    def test_another_gateway_or_amount_is_another_payment_and_paying_beyond_the_total_is_flagged(self):
        self.handle(self.paid("1090", "t-card"))
        # the store now says the order was paid by another gateway: not the card payment
        self.handle(self.paid("1090", "t-paypal", gateway="paypal", updated=at(6)))
        payments = self.order_payments()
        self.assertEqual(sorted(payments.mapped("amount")), [80.19, 80.19])
        overpaid = self.discrepancies("overpayment")
        self.assertRecordValues(overpaid, [{"external_id": "1090", "expected": 80.19, "found": 160.38}])
        self.assertIn("beyond the order's total of 80.19", overpaid.message)

        # a second capture listed beside the first, on a new order: flagged as well, in the batched path
        order = self.paid("1091", "t-1091")
        order.transactions.append(
            Transaction("t-1091-b", "sale", "success", D("10.00"), "USD", gateway="card", processed_at=at(5, 13))
        )
        self.env["ecommerce.order.builder"]._import_orders(self.store, [order])
        self.assertRecordValues(
            self.discrepancies("overpayment").filtered(lambda record: record.external_id == "1091"),
            [{"expected": 80.19, "found": 90.19}],
        )

        # a revision that lists the first capture alone does not unbook the second: still flagged
        self.handle(self.paid("1091", "t-1091", updated=at(8)))
        flagged = self.discrepancies("overpayment").filtered(lambda record: record.external_id == "1091")
        self.assertEqual(flagged.found, 90.19)
        # once the accountant cancels the extra payment, the next revision closes the difference
        extra = self.binding("transaction", "t-1091-b")
        extra.action_draft()
        extra.action_cancel()
        self.handle(self.paid("1091", "t-1091", updated=at(9)))
        self.assertFalse(self.discrepancies("overpayment").filtered(lambda record: record.external_id == "1091"))
