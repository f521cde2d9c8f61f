from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

MANAGER = "ecommerce_sync.group_ecommerce_manager"
STEPS = [
    ("platform", "Platform"),
    ("credentials", "Connection"),
    ("accounting", "Accounting"),
    ("stock", "Stock"),
    ("import", "First import"),
]
#: wizard fields that are the wizard's own, never copied to the store
OWN_FIELDS = {"id", "step", "store_id", "import_scope", "import_since", "connection_message", "connected"}


class EcommerceStoreSetup(models.TransientModel):
    """The guided set-up of a new store: platform, credentials and Test connection, accounting,
    warehouse, first import date, then the first sync.

    Every field of the wizard that the store also has (same name) is copied to
    the store: connector addons add their credential fields to this model and
    to its form's ``platform_credentials`` group exactly as they add them to the
    store (see docs/CONNECTORS.md). The store is created, not connected, at the
    first "Test connection"; the steps after it edit it directly.
    """

    _name = "ecommerce.store.setup"
    _description = "Store Set-up"

    step = fields.Selection(STEPS, default="platform", required=True)
    name = fields.Char("Store Name", required=True, default=lambda self: _("My store"))
    platform = fields.Selection(selection=lambda self: self.env["ecommerce.store"]._selection_platform())
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    webhook_secret = fields.Char(groups=MANAGER, help="Shared secret the platform signs its webhooks with.")
    store_id = fields.Many2one("ecommerce.store", readonly=True)
    connected = fields.Boolean(compute="_compute_connected")
    connection_message = fields.Text(readonly=True)
    # accounting, stock and import: the store's own settings, edited here once it exists
    clearing_journal_id = fields.Many2one(related="store_id.clearing_journal_id", readonly=False)
    payout_journal_id = fields.Many2one(related="store_id.payout_journal_id", readonly=False)
    fee_account_id = fields.Many2one(related="store_id.fee_account_id", readonly=False)
    tax_mode = fields.Selection(related="store_id.tax_mode", readonly=False)
    team_id = fields.Many2one(related="store_id.team_id", readonly=False)
    warehouse_id = fields.Many2one(related="store_id.warehouse_id", readonly=False)
    stock_location_id = fields.Many2one(related="store_id.stock_location_id", readonly=False)
    stock_buffer = fields.Integer(related="store_id.stock_buffer", readonly=False)
    sync_stock = fields.Boolean(related="store_id.sync_stock", readonly=False)
    can_sync_payouts = fields.Boolean(related="store_id.can_sync_payouts")
    import_scope = fields.Selection(
        [("since", "The orders changed since a day"), ("all", "Every order of the store")],
        "First Sync Imports",
        default="since",
        required=True,
    )
    import_since = fields.Date(
        "Import Orders Since",
        default=lambda self: fields.Date.context_today(self) - timedelta(days=30),
        help="Orders changed in the store since this day are imported by the first sync. The catalogue is "
        "always read in full.",
    )

    @api.depends("store_id.state")
    def _compute_connected(self):
        for wizard in self:
            wizard.connected = wizard.store_id.state == "connected"

    # ------------------------------------------------------------------
    def _check_setup_access(self):
        """Whoever goes through the set-up may create and change stores (managers): checked by every step
        before anything is written, the store's own buttons checking again what they do."""
        self.check_access("write")
        Store = self.env["ecommerce.store"]
        Store.check_access("create")
        if self.store_id:
            self.store_id.check_access("write")

    def _store_values(self):
        """The store's values from the wizard: every field both models have, except the wizard's own."""
        self.ensure_one()
        Store = self.env["ecommerce.store"]
        values = {}
        for name, field in self._fields.items():
            if name in OWN_FIELDS or field.related or field.compute or name in models.MAGIC_COLUMNS:
                continue
            if name in Store._fields:
                value = self[name]
                values[name] = value.id if isinstance(value, models.BaseModel) else value
        return values

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": _("Connect a store"),
        }

    def _move(self, offset):
        keys = [key for key, _label in STEPS]
        self.step = keys[max(0, min(len(keys) - 1, keys.index(self.step) + offset))]
        return self._reopen()

    def action_next(self):
        self.ensure_one()
        self._check_setup_access()
        if self.step == "platform" and not self.platform:
            raise UserError(_("Choose the store's platform."))
        if self.step == "credentials" and not self.connected:
            raise UserError(_("Press Test connection first: the next steps need a store the platform accepts."))
        if self.step == "credentials" and self.store_id:
            self.store_id.action_setup_accounting()
        return self._move(1)

    def action_back(self):
        self.ensure_one()
        self._check_setup_access()
        return self._move(-1)

    def action_test_connection(self):
        """Create the store (or update it) with the wizard's values and test its connection."""
        self.ensure_one()
        self._check_setup_access()
        Store = self.env["ecommerce.store"]
        values = self._store_values()
        if self.store_id:
            self.store_id.write(values)
        else:
            self.store_id = Store.create({**values, "active": True})
        self.store_id.action_test_connection()
        store = self.store_id
        if store.state == "connected":
            self.connection_message = _(
                "Connected to %(name)s (currency %(currency)s).", name=store.shop_name, currency=store.shop_currency
            )
        else:
            self.connection_message = store.state_message
        return self._reopen()

    def _set_first_cursors(self):
        """Start the orders (and refunds) where the user asked: at the first import date."""
        store = self.store_id
        if self.import_scope == "all" or not self.import_since:
            return
        moment = datetime.combine(self.import_since, time.min)
        for flow in ("orders", "refunds"):
            if store[f"can_sync_{flow}"] and not store._get_cursor(flow):
                cursor = store._initial_cursor(flow, moment)
                if cursor:
                    store._set_cursor(flow, cursor)

    def action_finish(self):
        """Save the set-up and open the store (its "Sync now" runs the first sync)."""
        self.ensure_one()
        self._check_setup_access()
        if not self.connected:
            raise UserError(_("Press Test connection first."))
        self._set_first_cursors()
        return {
            "type": "ir.actions.act_window",
            "res_model": "ecommerce.store",
            "res_id": self.store_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_sync_now(self):
        """Save the set-up and run the first sync now; the store opens with what it did."""
        action = self.action_finish()
        result = self.store_id.action_sync_now()
        result["params"]["next"] = action
        return result
