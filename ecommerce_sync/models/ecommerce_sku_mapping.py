from odoo import fields, models


class EcommerceSkuMapping(models.Model):
    """A store SKU that is not the product's internal reference or barcode."""

    _name = "ecommerce.sku.mapping"
    _inherit = ["ecommerce.mapping.mixin"]
    _description = "Store SKU Override"
    _order = "store_id, sku"
    _rec_name = "sku"
    _mapping_key = "sku"
    _mapping_target = "product_id"

    sku = fields.Char("Store SKU", required=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")

    _sql_constraints = [
        ("sku_unique", "UNIQUE(store_id, sku)", "This store SKU is already mapped."),
    ]
