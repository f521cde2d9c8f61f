from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    ecommerce_line_external_id = fields.Char("Store Line ID", index=True, copy=False, readonly=True)
