from odoo import api, models


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    @api.model_create_multi
    def create(self, vals_list):
        """A deposit imported in a store's payout journal is matched with the payout waiting for it."""
        lines = super().create(vals_list)
        self.env["ecommerce.deposit.builder"]._match_statement_lines(lines)
        return lines
