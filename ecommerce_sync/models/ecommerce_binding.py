from odoo import api, fields, models

KINDS = [
    ("order", "Order"),
    ("customer", "Customer"),
    ("variant", "Product Variant"),
    ("refund", "Refund"),
    ("transaction", "Transaction"),
    ("fulfillment", "Fulfillment"),
    ("return", "Return"),
    ("fee", "Fee"),
    ("payout", "Payout"),
    ("movement", "Balance Movement"),
    ("dispute", "Dispute"),
]


class EcommerceBinding(models.Model):
    """The link between an object of a store and the Odoo record it became.

    The unique (store, kind, external id) constraint is what makes a replayed
    webhook or a pull racing a webhook harmless: the second one finds the
    binding (or fails on the constraint) instead of creating a twin.
    """

    _name = "ecommerce.binding"
    _description = "External Record Link"
    _order = "id desc"
    _rec_name = "external_id"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    kind = fields.Selection(KINDS, required=True, index=True)
    external_id = fields.Char(required=True, index=True)
    external_name = fields.Char(help="What the store calls it (order number, SKU, ...).")
    res_model = fields.Char("Odoo Model", required=True, index=True)
    res_id = fields.Many2oneReference("Odoo Record ID", model_field="res_model", index=True)
    revision = fields.Char(help="The store's revision (updated_at) of the object last imported.")
    synced_at = fields.Datetime(default=fields.Datetime.now)
    external_created_at = fields.Datetime(help="When the object was created in the store.")

    _sql_constraints = [
        (
            "external_unique",
            "UNIQUE(store_id, kind, external_id)",
            "This store object is already linked to an Odoo record.",
        ),
    ]

    @api.model
    def _find(self, store, kind, external_id):
        """The binding of a store object, or an empty recordset."""
        return self.search(
            [("store_id", "=", store.id), ("kind", "=", kind), ("external_id", "=", str(external_id))], limit=1
        )

    @api.model
    def _find_record(self, store, kind, external_id):
        """The Odoo record a store object became, or None."""
        binding = self._find(store, kind, external_id)
        if not binding or not binding.res_id:
            return None
        record = self.env[binding.res_model].browse(binding.res_id).exists()
        return record or None

    @api.model
    def _find_all(self, store, kind, external_ids):
        """The bindings of several store objects of one kind, looked up at once.

        :return: ``{external id (str): ecommerce.binding}``
        :rtype: dict
        """
        keys = list({str(external_id) for external_id in external_ids if external_id not in (None, "")})
        if not keys:
            return {}
        bindings = self.search([("store_id", "=", store.id), ("kind", "=", kind), ("external_id", "in", keys)])
        return {binding.external_id: binding for binding in bindings}

    def _record(self):
        """The Odoo record of this binding, or None when it is gone."""
        self.ensure_one()
        if not self.res_id:
            return None
        return self.env[self.res_model].browse(self.res_id).exists() or None

    @api.model
    def _bind_new(self, store, kind, entries):
        """Bind several store objects of one kind at once (re-linking those bound already).

        :param list entries: ``(external id, record, revision, external name, created at)``
        :rtype: ecommerce.binding
        """
        existing = self._find_all(store, kind, [entry[0] for entry in entries])
        now = fields.Datetime.now()
        values_list = []
        bindings = self.browse()
        for external_id, record, revision, external_name, created_at in entries:
            if str(external_id) in existing:
                bindings |= self._bind(store, kind, external_id, record, revision, external_name, created_at)
                continue
            values = {
                "store_id": store.id,
                "kind": kind,
                "external_id": str(external_id),
                "res_model": record._name,
                "res_id": record.id,
                "revision": revision or False,
                "synced_at": now,
            }
            if external_name:
                values["external_name"] = external_name
            if created_at:
                values["external_created_at"] = created_at
            values_list.append(values)
        return bindings | self.create(values_list)

    @api.model
    def _bind(self, store, kind, external_id, record, revision="", external_name="", created_at=None):
        """Link (or re-link) a store object to ``record`` and remember its revision.

        :return: the binding
        """
        binding = self._find(store, kind, external_id)
        values = {
            "res_model": record._name,
            "res_id": record.id,
            "revision": revision or False,
            "synced_at": fields.Datetime.now(),
        }
        if external_name:
            values["external_name"] = external_name
        if created_at:
            values["external_created_at"] = created_at
        if binding:
            binding.write(values)
            return binding
        return self.create({"store_id": store.id, "kind": kind, "external_id": str(external_id), **values})

    @api.model
    def _is_current(self, store, kind, external_id, revision):
        """True when the object was already imported at this revision or a later one.

        Revisions are canonical UTC ISO timestamps (``Order.revision``), so
        they compare as strings; an older delivery never overwrites a newer import.
        """
        binding = self._find(store, kind, external_id)
        return bool(binding and revision and binding.revision and binding.revision >= revision)

    def action_open_record(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
