from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    ecommerce_line_key = fields.Char(
        "Store Line Reference",
        copy=False,
        readonly=True,
        help="The store line or refund adjustment a credit note line was made for.",
    )
    ecommerce_store_id = fields.Many2one(
        related="move_id.ecommerce_store_id",
        store=True,
        index="btree_not_null",
        string="Online Store",
        help="The store whose document this journal item belongs to.",
    )
