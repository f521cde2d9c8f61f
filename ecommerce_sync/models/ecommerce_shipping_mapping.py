from odoo import api, fields, models


class EcommerceShippingMapping(models.Model):
    """Which product invoices a store shipping method."""

    _name = "ecommerce.shipping.mapping"
    _description = "Store Shipping Method Mapping"
    _order = "store_id, method"
    _rec_name = "method"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True)
    method = fields.Char(required=True, help="The shipping method code or title the store reports.")
    product_id = fields.Many2one(
        "product.product", "Delivery Product", required=True, domain="[('type', '=', 'service')]", ondelete="restrict"
    )

    _sql_constraints = [
        ("method_unique", "UNIQUE(store_id, method)", "This shipping method is already mapped."),
    ]

    @api.model
    def _lookup(self, store, method):
        return self.search([("store_id", "=", store.id), ("method", "=", method)], limit=1).product_id
