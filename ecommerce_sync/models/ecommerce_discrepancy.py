from odoo import _, api, fields, models

KINDS = [
    ("amount_mismatch", "Amount mismatch"),
    ("tax_mismatch", "Tax mismatch"),
    ("unmatched_product", "Unmatched product"),
    ("unmapped_tax", "Unmapped tax"),
    ("payout_mismatch", "Payout mismatch"),
    ("failed_payment", "Failed payment"),
    ("unmatched_payment", "Unmatched payment"),
    ("dispute", "Dispute"),
    ("unknown_movement", "Unknown balance movement"),
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
    expected = fields.Float(digits=(16, 4), help="What the store reports.")
    found = fields.Float(digits=(16, 4), help="What Odoo holds.")
    difference = fields.Float(compute="_compute_difference", store=True, digits=(16, 4))
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

    @api.depends("kind", "external_id", "store_id")
    def _compute_name(self):
        labels = dict(KINDS)
        for record in self:
            record.name = f"{labels.get(record.kind, '')}: {record.store_id.name} {record.external_id or ''}".strip()

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
        open_ones = self.search(
            [
                ("store_id", "=", store.id),
                ("kind", "=", kind),
                ("external_id", "=", external_id or False),
                ("state", "=", "open"),
            ]
        )
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
        self._close("resolved")

    def action_ignore(self):
        self._close("ignored")

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
