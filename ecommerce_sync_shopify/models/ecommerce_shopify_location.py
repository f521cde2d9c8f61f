from odoo import fields, models


class EcommerceShopifyLocation(models.Model):
    """A Shopify location and the Odoo warehouse whose stock it shows.

    Locations are loaded from the shop ("Test connection", "Load locations").
    A location mapped to a warehouse is synced: its levels are read and
    compared, and Odoo's available quantities are pushed to it.
    """

    _name = "ecommerce.shopify.location"
    _description = "Shopify Location"
    _order = "store_id, sequence, id"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10, help="The first synced location receives levels that name no location.")
    external_id = fields.Char("Location ID", required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    shopify_active = fields.Boolean("Active in Shopify", readonly=True, default=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        domain="[('company_id', '=', company_id)]",
        help="The Odoo warehouse whose available stock this location shows. Leave empty to ignore the location.",
    )

    _sql_constraints = [
        ("location_unique", "UNIQUE(store_id, external_id)", "This Shopify location is already listed for the store."),
    ]
