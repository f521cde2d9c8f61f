from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    ecommerce_line_key = fields.Char(
        "Store Line Reference",
        copy=False,
        readonly=True,
        help="The store line or refund adjustment a credit note line was made for.",
    )
