from odoo import api, fields, models


class EcommerceTaxMapping(models.Model):
    """Which Odoo tax a store tax line becomes."""

    _name = "ecommerce.tax.mapping"
    _description = "Store Tax Mapping"
    _order = "store_id, external_key"
    _rec_name = "external_key"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True)
    external_key = fields.Char(
        "Store Tax",
        required=True,
        help="The store's key for the tax: its rate code or id when the platform has one, "
        'else its title and rate (e.g. "State Tax 0.06").',
    )
    tax_id = fields.Many2one(
        "account.tax",
        required=True,
        domain="[('type_tax_use', '=', 'sale'), ('company_id', 'parent_of', company_id)]",
        ondelete="restrict",
    )

    _sql_constraints = [
        ("key_unique", "UNIQUE(store_id, external_key)", "This store tax is already mapped."),
    ]

    @api.model
    def _lookup(self, store, key):
        return self.search([("store_id", "=", store.id), ("external_key", "=", key)], limit=1).tax_id
