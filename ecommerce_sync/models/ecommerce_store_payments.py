from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..connector import get_connector_class


class EcommerceStorePayments(models.Model):
    """Payment platforms: stores whose records are movements of a balance the platform holds.

    A payment platform store (its connector says ``holds_balance``) has
    linked stores, the stores whose orders its charges pay (a web shop whose
    checkout it processes): their payments through the platform's gateway
    codes are received in the platform's clearing journal (a gateway mapping
    on each linked store, made by the accounting set-up), and each charge of
    the platform settles that payment (``ecommerce.balance.builder``). Its
    accounts: disputes (money withdrawn by chargebacks) and suspense
    (movements the connector could not classify or match).
    """

    _inherit = "ecommerce.store"

    holds_balance = fields.Boolean(compute="_compute_holds_balance")
    linked_store_ids = fields.Many2many(
        "ecommerce.store",
        "ecommerce_store_linked_rel",
        "platform_store_id",
        "store_id",
        "Linked Stores",
        check_company=True,
        domain="[('id', '!=', id)]",
        help="The stores whose orders this payment platform's charges pay (e.g. a web shop taking card payments "
        "through it): each charge is matched with the order's payment.",
    )
    dispute_account_id = fields.Many2one(
        "account.account",
        "Disputes Account",
        check_company=True,
        domain="[('deprecated', '=', False)]",
        help="Money withdrawn by customers' disputes (chargebacks), and put back when a dispute is won.",
    )
    suspense_account_id = fields.Many2one(
        "account.account",
        "Suspense Account",
        check_company=True,
        domain="[('deprecated', '=', False)]",
        help="Balance movements of an unknown kind and payments matching no order: booked here, each with a "
        "discrepancy, until they are reviewed.",
    )

    @api.depends("platform")
    def _compute_holds_balance(self):
        for store in self:
            store.holds_balance = store._connector_attribute("holds_balance", False)

    def _connector_attribute(self, name, default):
        """An attribute of the store's connector class (``default`` when its addon is not installed)."""
        self.ensure_one()
        try:
            return getattr(get_connector_class(self.platform), name, default)
        except KeyError:
            return default

    def _accounting_ready(self):
        ready = super()._accounting_ready()
        if ready and self.holds_balance:
            return bool(self.dispute_account_id and self.suspense_account_id)
        return ready

    def action_setup_accounting(self):
        """Also, for a payment platform: its disputes, adjustments and suspense accounts, and its linked
        stores' gateways.

        Each linked store gets a gateway mapping of the platform's gateway
        codes to the platform's clearing journal (kept when the merchant set
        one), so that the payment its order import books is the one the
        platform's charge settles.
        """
        result = super().action_setup_accounting()
        for store in self.sudo().filtered("holds_balance"):
            store = store.with_company(store.company_id)
            values = {}
            if not store.dispute_account_id:
                values["dispute_account_id"] = store._create_account(
                    _("%(store)s disputes", store=store.name), "expense"
                ).id
            if not store.adjustment_account_id:
                # holds and releases, conversions and the platform's adjustments: money still the merchant's
                values["adjustment_account_id"] = store._create_account(
                    _("%(store)s reserves and adjustments", store=store.name), "asset_current"
                ).id
            if not store.suspense_account_id:
                values["suspense_account_id"] = store._create_account(
                    _("%(store)s suspense", store=store.name), "asset_current", reconcile=True
                ).id
            if values:
                store.write(values)
            store._map_linked_gateways()
        return result

    def _map_linked_gateways(self):
        Mapping = self.env["ecommerce.gateway.mapping"]
        for code in self._connector_attribute("gateway_codes", ()):
            for linked in self.linked_store_ids:
                if not Mapping.search_count([("store_id", "=", linked.id), ("gateway", "=", code)]):
                    Mapping.create({"store_id": linked.id, "gateway": code, "journal_id": self.clearing_journal_id.id})

    def write(self, vals):
        result = super().write(vals)
        if "linked_store_ids" in vals:
            for store in self.sudo().filtered(lambda s: s.holds_balance and s.clearing_journal_id):
                store._map_linked_gateways()
        return result

    def _check_platform_settings(self, platform, check, error):
        """Check the connection settings of the stores of ``platform`` (a constraint of its addon).

        :param check: called with each store (as superuser: its credentials are read); raises ``error``
        :param error: the exception class of the platform's refused settings
        :raise ValidationError: with the store's name and what ``check`` said
        """
        for store in self.sudo().filtered(lambda s: s.platform == platform):
            try:
                check(store)
            except error as exc:
                raise ValidationError(_("%(store)s: %(error)s", store=store.name, error=exc)) from exc

    def _connection_values(self, info):
        """A payment platform's account id (``info.details["account_id"]``) kept in its ``<platform>_account_id``."""
        values = super()._connection_values(info)
        field = f"{self.platform}_account_id"
        if self.holds_balance and field in self._fields:
            values[field] = info.details.get("account_id") or False
        return values

    def _balance_message(self, message, setting, value, balances):
        """What "Test connection" says of a payment platform: the base's message, the mode or environment
        it works in, and the balance it holds.

        :param str setting: what ``value`` is ("Mode", "Environment"), translated
        :param list balances: what the platform holds, one translated phrase per currency and kind
        """
        return _(
            "%(message)s %(setting)s: %(value)s. Balance: %(balance)s.",
            message=message,
            setting=setting,
            value=value or "-",
            balance=", ".join(balances) or "-",
        )

    def _site_address(self):
        """The address of the store's shop, as its connector is configured (empty when it has none)."""
        self.ensure_one()
        return self._connector_config().get("site_url") or ""
