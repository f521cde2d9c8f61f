from odoo import _, api, fields, models
from odoo.exceptions import UserError

#: kinds whose figures are counts of units, orders or payments rather than amounts
COUNT_KINDS = ("inventory_drift", "order_volume", "failed_payment", "unmatched_product")

KINDS = [
    ("amount_mismatch", "Amount mismatch"),
    ("tax_mismatch", "Tax mismatch"),
    ("unmatched_product", "Unmatched product"),
    ("unmapped_tax", "Unmapped tax"),
    ("payout_mismatch", "Payout mismatch"),
    ("overpayment", "Paid beyond the total"),
    ("failed_payment", "Failed payment"),
    ("unmatched_payment", "Unmatched payment"),
    ("dispute", "Dispute"),
    ("unknown_movement", "Unknown balance movement"),
    ("balance_mismatch", "Balance mismatch"),
    ("inventory_drift", "Inventory drift"),
    ("order_volume", "Unusual order volume"),
]


class EcommerceDiscrepancy(models.Model):
    """A difference between what a store reports and what Odoo holds.

    Raised by the builders (totals, taxes, products, payouts) and by the
    stock comparison; each one gives the store's responsible user an activity.
    """

    _name = "ecommerce.discrepancy"
    _description = "Store Discrepancy"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    kind = fields.Selection(KINDS, required=True, index=True, tracking=True)
    external_id = fields.Char("Store Reference", index=True)
    res_model = fields.Char("Odoo Model")
    res_id = fields.Many2oneReference("Odoo Record ID", model_field="res_model")
    expected = fields.Float("Store Figure", digits=(16, 4), help="What the store reports.")
    found = fields.Float("Odoo Figure", digits=(16, 4), help="What Odoo holds.")
    difference = fields.Float(
        "Difference Figure",
        compute="_compute_difference",
        store=True,
        digits=(16, 4),
        help="Odoo's figure minus the store's.",
    )
    store_value = fields.Char("In the Store", compute="_compute_values", help="What the store reports.")
    odoo_value = fields.Char("In Odoo", compute="_compute_values", help="What Odoo holds.")
    difference_value = fields.Char("Difference", compute="_compute_values", help="Odoo's figure minus the store's.")
    subject = fields.Char(
        "Concerns", compute="_compute_name", store=True, help="The product, order or payout concerned."
    )
    currency_id = fields.Many2one("res.currency")
    message = fields.Text(required=True)
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved"), ("ignored", "Ignored")],
        default="open",
        required=True,
        index=True,
        tracking=True,
    )
    resolved_at = fields.Datetime(readonly=True)

    @api.depends("kind", "external_id", "store_id", "res_model", "res_id")
    def _compute_name(self):
        labels = dict(KINDS)
        for record in self:
            record.subject = record._subject()
            reference = f"{record.store_id.name} {record.external_id or ''}".strip()
            record.name = f"{labels.get(record.kind, '')}: {reference}"
            if record.subject and record.subject != record.external_id:
                record.name += f" - {record.subject}"  # the product or order the reference stands for

    def _subject(self):
        """What the discrepancy is about, as a user names it: the product, the order number, the reference."""
        self.ensure_one()
        if self.res_model and self.res_id and self.res_model in self.env:
            target = self.env[self.res_model].sudo().browse(self.res_id).exists()
            if target and self.res_model == "product.product":
                return target.display_name
            if target and getattr(target, "ecommerce_order_name", False):
                return target.ecommerce_order_name
            if target:
                return target.display_name
        if self.external_id and self.store_id:
            binding = (
                self.env["ecommerce.binding"]
                .sudo()
                .search(
                    [
                        ("store_id", "=", self.store_id.id),
                        ("external_id", "=", self.external_id),
                        ("external_name", "!=", False),
                    ],
                    limit=1,
                )
            )
            if binding:
                return binding.external_name
        return self.external_id or False

    @api.depends("expected", "found", "currency_id", "kind")
    def _compute_values(self):
        for record in self:
            record.store_value = record._format(record.expected)
            record.odoo_value = record._format(record.found)
            record.difference_value = record._format(record.difference, signed=True)

    def _format(self, value, signed=False):
        """A figure as the kind means it: whole units for counts, money in its currency, else plainly."""
        self.ensure_one()
        if self.kind in COUNT_KINDS:
            text = f"{value:+g}" if signed else f"{value:g}"
        elif self.currency_id:
            text = self.currency_id.format(value)
            if signed and value > 0:
                text = "+" + text
        else:
            text = f"{value:+.2f}" if signed else f"{value:.2f}"
        return text

    @api.depends("expected", "found")
    def _compute_difference(self):
        for record in self:
            record.difference = record.found - record.expected

    @api.model
    def _flag(self, store, kind, message, external_id="", record=None, expected=0.0, found=0.0, currency=None):
        """Record a discrepancy, or refresh the open one of the same store, kind and reference.

        :param record: the Odoo record concerned (sale order, invoice, product, ...)
        :return: the discrepancy
        """
        values = {
            "message": message,
            "expected": float(expected),
            "found": float(found),
            "currency_id": currency.id if currency else False,
            "res_model": record._name if record else False,
            "res_id": record.id if record else False,
        }
        existing = self.search(
            [
                ("store_id", "=", store.id),
                ("kind", "=", kind),
                ("external_id", "=", external_id or False),
                ("state", "=", "open"),
            ],
            limit=1,
        )
        if existing:
            existing.write(values)
            return existing
        discrepancy = self.create({"store_id": store.id, "kind": kind, "external_id": external_id or False, **values})
        discrepancy._schedule_review()
        return discrepancy

    @api.model
    def _resolve(self, store, kind, external_id=""):
        """Close the open discrepancies of a reference once the difference is gone."""
        return self._resolve_all(store, [(kind, external_id)])

    def _resolve_all(self, store, pairs):
        """Close the open discrepancies of ``(kind, reference)`` pairs, looked up at once.

        :param list pairs: ``(kind, external id)`` whose difference is gone
        """
        wanted = {(kind, external_id or False) for kind, external_id in pairs}
        if not wanted:
            return self
        open_ones = self.search(
            [
                ("store_id", "=", store.id),
                ("kind", "in", list({kind for kind, _reference in wanted})),
                ("external_id", "in", list({reference for _kind, reference in wanted})),
                ("state", "=", "open"),
            ]
        ).filtered(lambda discrepancy: (discrepancy.kind, discrepancy.external_id or False) in wanted)
        open_ones._close("resolved")
        return open_ones

    def _schedule_review(self):
        for record in self:
            user = record.store_id.discrepancy_user_id or record.store_id.create_uid
            record.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Review: %(name)s", name=record.name),
                note=record.message,
                user_id=user.id,
            )

    def _close(self, state):
        self.write({"state": state, "resolved_at": fields.Datetime.now()})
        self.activity_ids.action_done()

    def action_resolve(self):
        self.check_access("write")
        self._close("resolved")

    def action_ignore(self):
        self.check_access("write")
        self._close("ignored")

    def action_send_odoo_level(self):
        """Inventory drift: send Odoo's level of the product to the store now (a push that goes through
        resolves the drift)."""
        self.check_access("write")
        drifts = self.filtered(lambda d: d.kind == "inventory_drift" and d.res_model == "product.product")
        if not drifts:
            raise UserError(_("Only an inventory drift of a product can send Odoo's level."))
        drifts.store_id.check_access("write")  # it sends stock levels to the store, as the store's buttons do
        Push = self.env["ecommerce.stock.push"].sudo()
        sent = 0
        for store, group in drifts.grouped("store_id").items():
            products = self.env["product.product"].browse(group.mapped("res_id"))
            Push._queue({store.id: products.ids})
            Push._flush_store(store.sudo(), trigger="manual")
            waiting = set(Push.search([("store_id", "=", store.id)]).product_id.ids)
            done = group.filtered(lambda d, waiting=waiting: d.res_id not in waiting)
            done.message_post(body=_("Odoo's level was sent to the store."))
            done._close("resolved")
            sent += len(done)
        return self.env["ecommerce.store"]._notification(
            "success" if sent == len(drifts) else "warning",
            _("Stock levels sent"),
            _(
                "%(sent)s of %(total)s levels were taken by the store; the others wait in Stock Levels to Send.",
                sent=sent,
                total=len(drifts),
            ),
        )

    def action_link_payment(self):
        """Unmatched payment: open the wizard that links it by hand (E-commerce managers: it books in the store)."""
        self.ensure_one()
        self._check_can_link_payment()
        return {
            "type": "ir.actions.act_window",
            "name": _("Link the payment"),
            "res_model": "ecommerce.payment.link",
            "view_mode": "form",
            "target": "new",
            "context": {"default_discrepancy_id": self.id},
        }

    def _check_can_link_payment(self):
        """The caller may book this unmatched payment: the store's managers, on an open one.

        :raise AccessError: when the caller may not change the store
        :raise UserError: when the discrepancy is not an open unmatched payment
        """
        self.check_access("write")
        self.store_id.check_access("write")  # it books in the store's journals, as the store's buttons do
        if self.kind != "unmatched_payment" or self.state != "open":
            raise UserError(_("Only an open unmatched payment can be linked by hand."))

    def action_open_record(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
