from odoo import fields, models

from ..connector import DEFAULT_API_VERSION

MANAGER = "ecommerce_sync.group_ecommerce_manager"


class EcommerceStoreSetup(models.TransientModel):
    """The Shopify credentials and location in the guided set-up (copied to the store's fields of the same names)."""

    _inherit = "ecommerce.store.setup"

    shopify_shop_domain = fields.Char("Shop Domain", help="The shop's permanent domain, <name>.myshopify.com.")
    shopify_access_token = fields.Char("Admin API Access Token", groups=MANAGER)
    shopify_api_version = fields.Char("API Version", default=DEFAULT_API_VERSION)
    shopify_local_test_shop = fields.Boolean("Local Test Shop", groups=MANAGER)
    shopify_api_base_url = fields.Char("Test Shop Address", groups=MANAGER)
    shopify_location_id = fields.Many2one(
        "ecommerce.shopify.location",
        "Shopify Location",
        domain="[('store_id', '=', store_id)]",
        help="The Shopify location that shows the warehouse's stock (read from the shop at Test connection).",
    )

    def action_finish(self):
        self.ensure_one()
        self._check_setup_access()
        if self.shopify_location_id and self.store_id.warehouse_id:
            self.shopify_location_id.sudo().warehouse_id = self.store_id.warehouse_id
            self.store_id._shopify_sync_stock_location()
        return super().action_finish()
