from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    ecommerce_store_id = fields.Many2one(
        "ecommerce.store",
        "Online Store",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The store whose order, refund, payment, fee or payout this entry records.",
    )
