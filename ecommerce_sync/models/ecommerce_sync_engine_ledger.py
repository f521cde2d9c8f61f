from odoo import api, models


class EcommerceSyncEngine(models.AbstractModel):
    """The ledger's handlers: orders, refunds, fees and payouts become Odoo documents."""

    _inherit = "ecommerce.sync.engine"

    @api.model
    def _get_handlers(self):
        handlers = super()._get_handlers()
        handlers.update(
            {
                "Order": self.env["ecommerce.order.builder"]._import_order,
                "Refund": self.env["ecommerce.refund.builder"]._import_refund,
                "Fee": self.env["ecommerce.fee.builder"]._import_fee,
                "Payout": self.env["ecommerce.payout.builder"]._import_payout,
            }
        )
        return handlers
