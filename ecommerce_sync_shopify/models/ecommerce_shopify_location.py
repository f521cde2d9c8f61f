from odoo import api, fields, models


class EcommerceShopifyLocation(models.Model):
    """A Shopify location and the Odoo warehouse whose stock it shows.

    Locations are loaded from the shop ("Test connection", "Load locations").
    The location mapped to the store's warehouse (the first one, by sequence)
    is the one the store syncs: Odoo's available quantities are pushed to it,
    its levels are read and compared, and level webhooks of other locations
    are ignored. The store's "Store Location ID" follows this mapping.
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

    @api.model_create_multi
    def create(self, vals_list):
        locations = super().create(vals_list)
        locations.store_id._shopify_sync_stock_location()
        return locations

    def write(self, vals):
        res = super().write(vals)
        if {"warehouse_id", "sequence", "external_id"} & vals.keys():
            self.store_id._shopify_sync_stock_location()
        return res

    def unlink(self):
        stores = self.store_id
        res = super().unlink()
        stores.exists()._shopify_sync_stock_location()
        return res
