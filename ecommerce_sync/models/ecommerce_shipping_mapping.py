from odoo import fields, models


class EcommerceShippingMapping(models.Model):
    """Which product invoices a store shipping method."""

    _name = "ecommerce.shipping.mapping"
    _inherit = ["ecommerce.mapping.mixin"]
    _description = "Store Shipping Method Mapping"
    _order = "store_id, method"
    _rec_name = "method"
    _mapping_key = "method"
    _mapping_target = "product_id"

    method = fields.Char(required=True, help="The shipping method code or title the store reports.")
    product_id = fields.Many2one(
        "product.product", "Delivery Product", required=True, domain="[('type', '=', 'service')]", ondelete="restrict"
    )

    _sql_constraints = [
        ("method_unique", "UNIQUE(store_id, method)", "This shipping method is already mapped."),
    ]
