from odoo import _, api, fields, models
from odoo.exceptions import UserError


class EcommercePaymentLink(models.TransientModel):
    """Link by hand a payment platform's charge (or refund) waiting in the suspense account.

    Opened from an ``unmatched_payment`` discrepancy: the manager picks the
    order of a linked store (or its invoice) whose payment the charge
    settles, or confirms the charge is a direct sale of the platform's own.
    The charge is then booked as matching would have booked it
    (``ecommerce.balance.builder._link_payment``) and the discrepancy resolved.
    """

    _name = "ecommerce.payment.link"
    _description = "Link a Payment by Hand"

    discrepancy_id = fields.Many2one("ecommerce.discrepancy", required=True, readonly=True, ondelete="cascade")
    store_id = fields.Many2one(related="discrepancy_id.store_id")
    linked_store_ids = fields.Many2many(related="store_id.linked_store_ids")
    message = fields.Text(related="discrepancy_id.message")
    link_to = fields.Selection(
        [("order", "An order of a linked store"), ("direct", "A direct sale of this platform")],
        default="order",
        required=True,
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        "Order",
        domain="[('ecommerce_store_id', 'in', linked_store_ids)]",
        help="The linked store's order whose payment this charge (or refund) settles.",
    )
    invoice_id = fields.Many2one(
        "account.move",
        "Invoice",
        domain="[('ecommerce_store_id', 'in', linked_store_ids), ('state', '=', 'posted'),"
        " ('move_type', 'in', ('out_invoice', 'out_refund'))]",
        help="Or the order's invoice (a credit note for a refund).",
    )

    @api.onchange("invoice_id")
    def _onchange_invoice_id(self):
        if self.invoice_id:
            self.sale_order_id = self.invoice_id.invoice_line_ids.sale_line_ids.order_id[:1]

    def action_link(self):
        """Book the payment as linked, resolve the discrepancy.

        :raise AccessError: when the caller is not a manager of the store
        :raise UserError: when the choice cannot be booked (no order picked, no payment left on it)
        """
        self.ensure_one()
        discrepancy = self.discrepancy_id
        discrepancy._check_can_link_payment()
        sale_order = self.sale_order_id or self.invoice_id.invoice_line_ids.sale_line_ids.order_id[:1]
        if self.link_to == "order" and not sale_order:
            raise UserError(_("Pick the order (or its invoice) this payment settles."))
        store = discrepancy.store_id.sudo()
        builder = self.env["ecommerce.balance.builder"].sudo()
        settled = builder._link_payment(
            store, discrepancy.external_id, sale_order.sudo() if self.link_to == "order" else None
        )
        action = store._notification(
            "success",
            _("Payment linked"),
            _("%(movement)s now settles %(payment)s.", movement=discrepancy.external_id, payment=settled.display_name),
        )
        action["params"]["next"] = {"type": "ir.actions.act_window_close"}  # the dialog closes, the form reloads
        return action
