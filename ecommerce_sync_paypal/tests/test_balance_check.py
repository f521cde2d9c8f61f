"""After each withdrawal, the clearing account against PayPal's balance: a movement Odoo never saw is flagged.

The sandbox's two weeks of direct sales, where Transaction Search leaves out one movement (PayPal's
"other" adjustment of day 10): its money is gone from PayPal's balance but Odoo never books it. The
withdrawals before it tie out; the one after it raises one ``balance_mismatch`` with PayPal's
balance after it and what the clearing account holds (the missing amount more).
"""

from odoo.tests import TransactionCase, tagged

from .common import D, PayPalAccountMixin, PayPalLedgerChecks, amount, info


@tagged("post_install", "-at_install")
class TestBalanceCheck(PayPalAccountMixin, PayPalLedgerChecks, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.paypal = cls.paypal_direct_sales("PayPal Missing Row")
        [cls.hidden] = [row for row in cls.account.rows if info(row)["transaction_event_code"] == "T9900"]
        cls.account.unlisted.add(info(cls.hidden)["transaction_id"])
        cls.logs = cls.sync_all(cls.paypal)

    def test_the_withdrawal_after_the_missing_movement_is_flagged_with_both_balances(self):
        self.assertFalse(self.logs.filtered("failed_count"), self.logs.line_ids.mapped("error"))
        withdrawals = self.rows("T04")
        after = [row for row in withdrawals if info(row)["transaction_initiation_date"] > info(self.hidden)[
            "transaction_initiation_date"]]  # fmt: skip
        self.assertEqual(len(after), 1)
        self.assertGreaterEqual(len(withdrawals), 4)
        [flagged] = self.env["ecommerce.discrepancy"].search(
            [("store_id", "=", self.paypal.id), ("kind", "=", "balance_mismatch")]
        )
        [row] = after
        self.assertEqual(flagged.external_id, info(row)["transaction_id"])
        self.assertEqual(flagged.currency_id.name, "USD")
        self.assertEqual(D(f"{flagged.expected:.2f}"), amount(row, "ending_balance"))
        # Odoo still holds what PayPal took with the movement it never listed
        self.assertEqual(amount(self.hidden), D("-1.25"))
        self.assertEqual(D(f"{flagged.found:.2f}"), amount(row, "ending_balance") + D("1.25"))
        self.assertEqual(D(f"{flagged.difference:.2f}"), D("1.25"))
        self.assertEqual(flagged.res_model, "account.payment")
        self.assertEqual(self.bound("payout", info(row)["transaction_id"]).id, flagged.res_id)
        self.assertIn(info(row)["transaction_id"], flagged.message)
        # the clearing account ends 1.25 above PayPal's balance, the amount flagged
        held = self.by_currency(self.paypal.clearing_account_id)
        self.assertEqual(held["USD"] - self.paypal_balance()["USD"], D("1.25"))
