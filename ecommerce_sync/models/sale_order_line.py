from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    ecommerce_line_external_id = fields.Char("Store Line ID", index=True, copy=False, readonly=True)
    ecommerce_line_kind = fields.Selection(
        [
            ("product", "Product"),
            ("shipping", "Shipping"),
            ("fee", "Fee"),
            ("gift_card", "Gift Card"),
        ],
        "Store Line Kind",
        copy=False,
        readonly=True,
        help="What the store line is: only product lines are goods to deliver.",
    )

    def _compute_qty_to_invoice(self):
        """Store orders are invoiced on ordered quantities, whatever the products' invoicing policy:
        the store has charged the customer for what was ordered."""
        result = super()._compute_qty_to_invoice()
        for line in self:
            if line.order_id.ecommerce_store_id and line.state == "sale" and not line.display_type:
                line.qty_to_invoice = line.product_uom_qty - line.qty_invoiced
        return result

    def _prepare_invoice_line(self, **optional_values):
        """Store lines go to the store's income account (or gift card account), through the fiscal position.

        The store's settings are read as superuser: whoever may invoice the
        order (a salesperson, an accountant) needs no E-commerce group for it.
        """
        values = super()._prepare_invoice_line(**optional_values)
        store = self.order_id.ecommerce_store_id.sudo()
        if store and not self.display_type:
            account = store.gift_card_account_id if self.ecommerce_line_kind == "gift_card" else False
            account = account or store.income_account_id
            if account:
                fiscal_position = self.order_id.fiscal_position_id
                values["account_id"] = (fiscal_position.map_account(account) if fiscal_position else account).id
        return values
