from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    ecommerce_store_id = fields.Many2one("ecommerce.store", "Online Store", index=True, copy=False, readonly=True)
    ecommerce_external_id = fields.Char("Store Order ID", index=True, copy=False, readonly=True)
    ecommerce_order_name = fields.Char("Store Order Number", copy=False, readonly=True)

    @api.depends("ecommerce_store_id")
    def _compute_warehouse_id(self):
        """A store's orders deliver from the store's warehouse."""
        super()._compute_warehouse_id()
        for order in self:
            warehouse = order.ecommerce_store_id.warehouse_id
            if warehouse and (order.state in ("draft", "sent") or not order.ids):
                order.warehouse_id = warehouse

    def _prepare_confirmation_values(self):
        """Store orders keep the date the customer ordered on, not the date of their import."""
        values = super()._prepare_confirmation_values()
        if all(order.ecommerce_store_id for order in self):
            values.pop("date_order", None)
        return values

    def _prepare_invoice(self):
        """Store orders' invoices carry their store, and the values the invoice builder passes
        in the context (invoice date, due date) under ``ecommerce_invoice_values_by_order``
        (``{sale order id: values}``)."""
        values = super()._prepare_invoice()
        if self.ecommerce_store_id:
            values["ecommerce_store_id"] = self.ecommerce_store_id.id
            values.update((self.env.context.get("ecommerce_invoice_values_by_order") or {}).get(self.id) or {})
        return values

    @api.depends("order_line.invoice_lines")
    def _get_invoiced(self):
        """Also list the credit notes of store refunds, which are linked to the invoice, not to order lines."""
        result = super()._get_invoiced()
        store_orders = self.filtered("ecommerce_store_id")
        if not store_orders:
            return result
        refunds = self.env["account.move"].search(
            [
                ("move_type", "=", "out_refund"),
                ("reversed_entry_id", "in", store_orders.invoice_ids.ids),
                ("ecommerce_store_id", "!=", False),
            ]
        )
        for order in store_orders:
            extra = refunds.filtered(lambda move, order=order: move.reversed_entry_id in order.invoice_ids)
            if extra - order.invoice_ids:
                order.invoice_ids |= extra
                order.invoice_count = len(order.invoice_ids)
        return result
