from odoo import api, fields, models


class EcommerceGatewayMapping(models.Model):
    """Which journal receives the payments of a store payment gateway."""

    _name = "ecommerce.gateway.mapping"
    _description = "Store Payment Gateway Mapping"
    _order = "store_id, gateway"
    _rec_name = "gateway"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True)
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

    @api.model
    def _lookup(self, store, gateway):
        return self.search([("store_id", "=", store.id), ("gateway", "=", gateway)], limit=1).journal_id
