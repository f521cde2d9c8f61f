from odoo import _, api, fields, models

LINE_KINDS = [
    ("charge", "Payment"),
    ("refund", "Refund"),
    ("dispute", "Dispute"),
    ("reserve", "Reserve"),
    ("adjustment", "Adjustment"),
    ("fee", "Fee"),
    ("other", "Other"),
]


class EcommercePayoutLine(models.Model):
    """What a payout settled: one row per balance transaction of the payout, as the platform lists it.

    Written by the payout builders when the payout is booked, on the payment that takes the payout
    out of the clearing journal (the payout's record in Odoo). Each row says what the store paid out
    (gross, fee, net, in the payout's currency) and links the Odoo documents that book it: the
    customer's payment or refund, the invoice or credit note it settled, the fee entry, the entry of
    an adjustment. The nets add up to the payout's amount.
    """

    _name = "ecommerce.payout.line"
    _description = "Store Payout Line"
    _order = "payout_id, sequence, id"

    payout_id = fields.Many2one(
        "account.payment", "Payout", required=True, ondelete="cascade", index=True, readonly=True
    )
    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="payout_id.company_id", store=True)
    sequence = fields.Integer(readonly=True)
    external_id = fields.Char("Balance Transaction", readonly=True)
    kind = fields.Selection(LINE_KINDS, required=True, readonly=True)
    order_name = fields.Char("Order", readonly=True, help="The store's order number.")
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    description = fields.Char(readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount = fields.Monetary("Gross", readonly=True)
    fee = fields.Monetary(readonly=True)
    net = fields.Monetary(readonly=True, help="What the payout paid out for this line: gross less fee.")
    payment_id = fields.Many2one("account.payment", "Customer Payment", readonly=True)
    document_id = fields.Many2one(
        "account.move",
        "Document",
        readonly=True,
        help="The invoice or credit note the payment settled, or the entry that books the line.",
    )
    fee_move_id = fields.Many2one("account.move", "Fee Entry", readonly=True)

    @api.depends("kind", "order_name", "description")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for line in self:
            line.display_name = " ".join(filter(None, (labels.get(line.kind), line.order_name or line.description)))

    # ------------------------------------------------------------------
    @api.model
    def _record_payout(self, store, payout, transfer, records):
        """Write the rows of a payout just booked.

        :param payout: canonical Payout (its ``lines``)
        :param transfer: account.payment out of the clearing journal (the payout in Odoo)
        :param dict records: ``{payout line external id: account.payment or account.move}`` that
            books each line (the payment it settles, the entry of an adjustment or a movement)
        :rtype: ecommerce.payout.line
        """
        if not transfer:
            return self.browse()
        Binding = self.env["ecommerce.binding"]
        orders = Binding._find_all(store, "order", [line.order_external_id for line in payout.lines])
        fees = Binding._find_all(store, "fee", [line.external_id for line in payout.lines if line.fee])
        currencies = {}
        values = []
        Payments = self.env["ecommerce.payment.builder"]
        for sequence, line in enumerate(payout.lines):
            record = records.get(str(line.external_id))
            payment = record if record is not None and record._name == "account.payment" else None
            if payment is None and line.kind in ("charge", "refund") and line.transaction_external_id:
                # a payment in another currency: the line's record is its conversion entry
                payment = Payments._transaction_payment(store, line.transaction_external_id) or None
            document = self._settled_document(payment, record)
            binding = orders.get(str(line.order_external_id))
            sale_order = binding._record() if binding else None
            if sale_order is None and document:
                sale_order = document.line_ids.sale_line_ids.order_id[:1] or None
            fee_binding = fees.get(str(line.external_id))
            if line.currency not in currencies:
                currencies[line.currency] = (
                    self.env["res.currency"]
                    .with_context(active_test=False)
                    .search([("name", "=", line.currency)], limit=1)
                )
            currency = currencies[line.currency]
            values.append(
                {
                    "payout_id": transfer.id,
                    "store_id": store.id,
                    "sequence": sequence,
                    "external_id": line.external_id,
                    "kind": line.kind if line.kind in dict(LINE_KINDS) else "other",
                    "order_name": (binding.external_name if binding else False)
                    or (sale_order.ecommerce_order_name if sale_order else False)
                    or line.order_external_id
                    or False,
                    "sale_order_id": sale_order.id if sale_order else False,
                    "description": line.description or False,
                    "currency_id": currency.id or transfer.currency_id.id,
                    "amount": float(line.amount),
                    "fee": float(line.fee),
                    "net": float(line.net),
                    "payment_id": payment.id if payment else False,
                    "document_id": document.id,
                    "fee_move_id": fee_binding.res_id
                    if fee_binding and fee_binding.res_model == "account.move"
                    else False,
                }
            )
        return self.create(values)

    @api.model
    def _settled_document(self, payment, record):
        """The invoice or credit note a payment settled, else the entry itself (empty when none)."""
        if payment:
            documents = payment.reconciled_invoice_ids
            # an order edited after its payment: the invoice in force, not the one reversed
            return (documents.filtered(lambda move: move.payment_state != "reversed") or documents)[:1]
        if record is not None and record._name == "account.move":
            return record
        return self.env["account.move"]

    # ------------------------------------------------------------------
    def action_open_document(self):
        """Open what books the line: the invoice or credit note, else the payment."""
        self.ensure_one()
        self.check_access("read")
        record = self.document_id or self.payment_id
        if not record:
            return False
        return {
            "type": "ir.actions.act_window",
            "name": _("Settled by the payout"),
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }
