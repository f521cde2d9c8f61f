from datetime import timedelta

from odoo import Command, api, models

# days around the payout date within which the bank deposit is looked for
DEPOSIT_WINDOW_BEFORE = 3
DEPOSIT_WINDOW_AFTER = 10


class EcommerceDepositBuilder(models.AbstractModel):
    """Bank deposits of payouts: the statement line of a payout matched with its transfer.

    The payment that brings a payout into the payout bank journal waits for the bank statement
    line of the deposit: same amount, within a few days of the payout date, preferring a line
    that names the payout. It is matched when the payout is booked and the line exists, or as
    soon as the line is imported (``account.bank.statement.line.create``): the line's suspense
    item takes the payment's outstanding account and the two are reconciled, as Odoo's bank
    reconciliation does.
    """

    _name = "ecommerce.deposit.builder"
    _inherit = "ecommerce.builder.mixin"
    _description = "Store Payout Deposit Matching"

    @api.model
    def _match_deposit(self, store, payout, transfer):
        """Match the payout's bank statement line, when it exists, with the receiving payment.

        :return: whether a statement line was matched now
        """
        receiving = transfer.paired_internal_transfer_payment_id
        if not receiving or receiving.is_matched or receiving.state not in ("in_process", "paid"):
            return False
        statement_line = self._find_deposit(receiving, payout.external_id)
        if not statement_line:
            return False
        return self._reconcile_deposit(statement_line, receiving)

    @api.model
    def _find_deposit(self, receiving, reference):
        """An unreconciled statement line of the payout journal with the payout's amount near its date."""
        amount = receiving.amount if receiving.payment_type == "inbound" else -receiving.amount
        candidates = self.env["account.bank.statement.line"].search(
            [
                ("journal_id", "=", receiving.journal_id.id),
                ("is_reconciled", "=", False),
                ("amount", "=", amount),
                ("date", ">=", receiving.date - timedelta(days=DEPOSIT_WINDOW_BEFORE)),
                ("date", "<=", receiving.date + timedelta(days=DEPOSIT_WINDOW_AFTER)),
            ]
        )
        if reference:
            named = candidates.filtered(lambda line: reference in (line.payment_ref or ""))
            candidates = named or candidates
        return candidates.sorted(lambda line: (abs((line.date - receiving.date).days), line.id))[:1]

    @api.model
    def _reconcile_deposit(self, statement_line, receiving):
        """Match a statement line with a payment: its suspense line takes the payment's outstanding account
        and the two are reconciled (what Odoo's bank reconciliation does)."""
        payment_line = self._outstanding_line(receiving)
        if not payment_line or payment_line.account_id == receiving.journal_id.default_account_id:
            return False
        _liquidity, suspense, _other = statement_line._seek_for_lines()
        if len(suspense) != 1:
            return False
        statement_line.move_id.with_context(skip_readonly_check=True).write(
            {
                "line_ids": [
                    Command.update(
                        suspense.id,
                        {"account_id": payment_line.account_id.id, "partner_id": payment_line.partner_id.id},
                    )
                ]
            }
        )
        (suspense | payment_line).filtered(lambda line: not line.reconciled).reconcile()
        return True

    @api.model
    def _match_statement_lines(self, statement_lines):
        """Match newly imported statement lines with the payout transfers waiting for them."""
        stores = (
            self.env["ecommerce.store"].sudo().search([("payout_journal_id", "in", statement_lines.journal_id.ids)])
        )
        if not stores:
            return
        Payment = self.env["account.payment"].sudo()
        for statement_line in statement_lines.filtered(lambda line: not line.is_reconciled and line.amount):
            # every store paying out to this bank journal (a Stripe and a PayPal account may share one bank)
            paying = stores.filtered(lambda store, line=statement_line: store.payout_journal_id == line.journal_id)
            window = (
                statement_line.date - timedelta(days=DEPOSIT_WINDOW_AFTER),
                statement_line.date + timedelta(days=DEPOSIT_WINDOW_BEFORE),
            )
            receiving = Payment.search(
                [
                    ("journal_id", "=", statement_line.journal_id.id),
                    ("paired_internal_transfer_payment_id.journal_id", "in", paying.clearing_journal_id.ids),
                    ("is_matched", "=", False),
                    ("state", "in", ("in_process", "paid")),
                    ("amount", "=", abs(statement_line.amount)),
                    ("payment_type", "=", "inbound" if statement_line.amount > 0 else "outbound"),
                    ("date", ">=", window[0]),
                    ("date", "<=", window[1]),
                ]
            )
            receiving = receiving.sorted(
                lambda payment, line=statement_line: (abs((payment.date - line.date).days), payment.id)
            )
            if receiving:
                self._reconcile_deposit(statement_line, receiving[0])
