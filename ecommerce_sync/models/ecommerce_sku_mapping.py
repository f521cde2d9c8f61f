from odoo import api, fields, models


class EcommerceSkuMapping(models.Model):
    """A store SKU that is not the product's internal reference or barcode."""

    _name = "ecommerce.sku.mapping"
    _description = "Store SKU Override"
    _order = "store_id, sku"
    _rec_name = "sku"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True)
    sku = fields.Char("Store SKU", required=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")

    _sql_constraints = [
        ("sku_unique", "UNIQUE(store_id, sku)", "This store SKU is already mapped."),
    ]

    @api.model
    def _lookup(self, store, sku):
        return self.search([("store_id", "=", store.id), ("sku", "=", sku)], limit=1).product_id
