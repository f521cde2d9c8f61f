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
    ecommerce_order_name = fields.Char(
        "Store Order Number",
        compute="_compute_ecommerce_order_name",
        help="The number of the store order this invoice or credit note is for.",
    )
    ecommerce_posted_at = fields.Datetime(
        "Posted At",
        copy=False,
        readonly=True,
        help="When the entry of a store was posted in Odoo (the end of an order's processing).",
    )

    def _compute_ecommerce_order_name(self):
        for move in self:
            orders = move.line_ids.sale_line_ids.order_id | move.reversed_entry_id.line_ids.sale_line_ids.order_id
            move.ecommerce_order_name = ", ".join(filter(None, orders.mapped("ecommerce_order_name"))) or False

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda move: move.ecommerce_store_id and not move.ecommerce_posted_at).write(
            {"ecommerce_posted_at": fields.Datetime.now()}
        )
        return posted
