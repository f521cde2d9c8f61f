from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecommerce_store_id = fields.Many2one("ecommerce.store", "Online Store", index=True, copy=False, readonly=True)
    ecommerce_external_id = fields.Char("Store Order ID", index=True, copy=False, readonly=True)
    ecommerce_order_name = fields.Char("Store Order Number", copy=False, readonly=True)

    @api.depends("ecommerce_store_id")
    def _compute_warehouse_id(self):
        """A store's orders deliver from the store's warehouse."""
        super()._compute_warehouse_id()
        for order in self:
            warehouse = order.ecommerce_store_id.warehouse_id
            if warehouse and (order.state in ("draft", "sent") or not order.ids):
                order.warehouse_id = warehouse
