from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecommerce_store_id = fields.Many2one("ecommerce.store", "Online Store", index=True, copy=False, readonly=True)
    ecommerce_external_id = fields.Char("Store Order ID", index=True, copy=False, readonly=True)
    ecommerce_order_name = fields.Char("Store Order Number", copy=False, readonly=True)
