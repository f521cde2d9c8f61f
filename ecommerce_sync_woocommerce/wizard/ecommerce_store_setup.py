from odoo import fields, models

MANAGER = "ecommerce_sync.group_ecommerce_manager"


class EcommerceStoreSetup(models.TransientModel):
    """The WooCommerce site and keys in the guided set-up (copied to the store's fields of the same names)."""

    _inherit = "ecommerce.store.setup"

    woocommerce_url = fields.Char("Site URL", help="Address of the WordPress site, e.g. https://shop.example.com.")
    woocommerce_consumer_key = fields.Char("Consumer Key", groups=MANAGER)
    woocommerce_consumer_secret = fields.Char("Consumer Secret", groups=MANAGER)
    woocommerce_local_test_site = fields.Boolean("Local Test Site")
    woocommerce_query_string_auth = fields.Boolean("Keys in Query String")
