from odoo import fields, models


class EcommerceGatewayMapping(models.Model):
    """Which journal receives the payments of a store payment gateway."""

    _name = "ecommerce.gateway.mapping"
    _inherit = ["ecommerce.mapping.mixin"]
    _description = "Store Payment Gateway Mapping"
    _order = "store_id, gateway"
    _rec_name = "gateway"
    _mapping_key = "gateway"
    _mapping_target = "journal_id"

    gateway = fields.Char(required=True, help="The gateway name the store reports (e.g. shopify_payments, paypal).")
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', 'parent_of', company_id)]",
        ondelete="restrict",
    )

    _sql_constraints = [
        ("gateway_unique", "UNIQUE(store_id, gateway)", "This gateway is already mapped."),
    ]
