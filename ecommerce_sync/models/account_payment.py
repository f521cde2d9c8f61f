from odoo import fields, models

DEPOSIT_STATES = [
    ("matched", "Matched with the bank"),
    ("waiting", "Waiting for the bank statement line"),
    ("cancelled", "Cancelled: the money is back in clearing"),
]


class AccountPayment(models.Model):
    """A store's payout in Odoo: the payment that takes it out of the clearing journal.

    It lists what the payout settled (``ecommerce.payout.line``) and says whether its deposit was
    matched with the bank statement line that received it. A store's payments may also carry a
    forced balance with a write-off line (:meth:`_prepare_move_line_default_vals`).
    """

    _inherit = "account.payment"

    ecommerce_store_id = fields.Many2one(related="move_id.ecommerce_store_id")
    ecommerce_payout_line_ids = fields.One2many(
        "ecommerce.payout.line", "payout_id", "Settled by the Payout", readonly=True
    )
    ecommerce_is_payout = fields.Boolean("Store Payout", compute="_compute_ecommerce_deposit")
    ecommerce_payout_ref = fields.Char("Payout", compute="_compute_ecommerce_deposit")
    ecommerce_payout_net = fields.Monetary(
        "Settled Net",
        compute="_compute_ecommerce_deposit",
        help="The nets of the lines the payout settled: its amount when they tie out.",
    )
    ecommerce_deposit_state = fields.Selection(DEPOSIT_STATES, "Bank Match", compute="_compute_ecommerce_deposit")
    ecommerce_deposit_line_id = fields.Many2one(
        "account.bank.statement.line",
        "Bank Statement Line",
        compute="_compute_ecommerce_deposit",
        help="The line of the payout bank journal's statement that received the payout.",
    )
    ecommerce_deposit_date = fields.Date("Received On", compute="_compute_ecommerce_deposit")
    ecommerce_deposit_label = fields.Char("Bank Label", compute="_compute_ecommerce_deposit")
    ecommerce_deposit_amount = fields.Monetary(
        "Received", compute="_compute_ecommerce_deposit", currency_field="ecommerce_deposit_currency_id"
    )
    ecommerce_deposit_currency_id = fields.Many2one("res.currency", compute="_compute_ecommerce_deposit")

    def _prepare_move_line_default_vals(self, write_off_line_vals=None, force_balance=None):
        """Honour a forced balance alongside write-off lines: the liquidity line at the forced balance,
        the counterpart taking the rest less the write-off lines.

        Odoo drops a forced balance as soon as write-off lines are given (and converts the payment at
        its date's rate instead); a store's payment converted by the platform has both
        (``ecommerce.payment.builder._prepare_store_conversion``). Payments with one or neither are
        Odoo's own.
        """
        if not write_off_line_vals or force_balance is None:
            return super()._prepare_move_line_default_vals(
                write_off_line_vals=write_off_line_vals, force_balance=force_balance
            )
        lines = super()._prepare_move_line_default_vals(force_balance=force_balance)
        counterpart = lines[1]
        balance = counterpart["debit"] - counterpart["credit"] - sum(line["balance"] for line in write_off_line_vals)
        counterpart.update(
            {
                "amount_currency": counterpart["amount_currency"]
                - sum(line["amount_currency"] for line in write_off_line_vals),
                "debit": balance if balance > 0.0 else 0.0,
                "credit": -balance if balance < 0.0 else 0.0,
            }
        )
        return lines + list(write_off_line_vals)

    def _compute_ecommerce_deposit(self):
        bindings = {
            binding.res_id: binding
            for binding in self.env["ecommerce.binding"]
            .sudo()
            .search([("kind", "=", "payout"), ("res_model", "=", "account.payment"), ("res_id", "in", self.ids)])
        }
        for payment in self:
            binding = bindings.get(payment.id)
            payment.ecommerce_is_payout = bool(binding)
            payment.ecommerce_payout_ref = binding.external_id if binding else False
            payment.ecommerce_payout_net = sum(payment.ecommerce_payout_line_ids.mapped("net"))
            receiving = payment.paired_internal_transfer_payment_id
            statement_lines = receiving.reconciled_statement_line_ids if binding else False
            deposit = statement_lines[:1] if statement_lines else self.env["account.bank.statement.line"]
            payment.ecommerce_deposit_line_id = deposit
            payment.ecommerce_deposit_date = deposit.date
            payment.ecommerce_deposit_label = deposit.payment_ref
            payment.ecommerce_deposit_amount = deposit.amount
            payment.ecommerce_deposit_currency_id = deposit.currency_id
            if not binding:
                payment.ecommerce_deposit_state = False
            elif payment.state == "canceled":
                payment.ecommerce_deposit_state = "cancelled"
            else:
                payment.ecommerce_deposit_state = "matched" if statement_lines else "waiting"
