from odoo import fields, models

from ..models.ecommerce_store import ENVIRONMENT_CHOICES, MANAGER


class EcommerceStoreSetup(models.TransientModel):
    """The PayPal REST app in the guided set-up (copied to the store's fields of the same names)."""

    _inherit = "ecommerce.store.setup"

    paypal_client_id = fields.Char("Client ID", groups=MANAGER)
    paypal_client_secret = fields.Char("Client Secret", groups=MANAGER)
    paypal_environment = fields.Selection(ENVIRONMENT_CHOICES, "Environment", default="live")
    paypal_webhook_id = fields.Char("Webhook ID")
