import logging
import secrets
import threading
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..connector import get_connector_class, registered_platforms
from ..connector.records import FLOWS
from ..tools.error_text import explain

_logger = logging.getLogger(__name__)

MANAGER = "ecommerce_sync.group_ecommerce_manager"


class EcommerceStore(models.Model):
    """An online store, point of sale or payment platform account, and how it syncs with Odoo.

    This file holds the store itself: its platform and connector, webhooks,
    flows and schedule, alerts, cursors and errors. Its bookkeeping, its
    products and stock, its dashboard figures, and its connection test,
    "Sync now" and scheduled pull are the mixins ``ecommerce.store.accounting``,
    ``ecommerce.store.stock``, ``ecommerce.store.dashboard`` and
    ``ecommerce.store.sync``.
    """

    _name = "ecommerce.store"
    _description = "Online Store"
    _inherit = [
        "mail.thread",
        "ecommerce.store.accounting",
        "ecommerce.store.stock",
        "ecommerce.store.dashboard",
        "ecommerce.store.sync",
    ]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    platform = fields.Selection(
        selection="_selection_platform",
        required=True,
        tracking=True,
        help="The platform of the store: each installed connector addon adds its own.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, tracking=True
    )
    state = fields.Selection(
        [("draft", "Not connected"), ("connected", "Connected"), ("error", "Error")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    state_message = fields.Text(readonly=True, copy=False, help="What happened, and what to do.")
    state_detail = fields.Text(
        "Technical Detail", readonly=True, copy=False, groups=MANAGER, help="The platform's answer, as received."
    )
    shop_name = fields.Char(readonly=True, copy=False, help="The shop's name, as the platform reports it.")
    shop_currency = fields.Char(readonly=True, copy=False, help="The shop's currency code, as the platform reports it.")

    # --- webhooks -------------------------------------------------------
    webhook_secret = fields.Char(
        groups=MANAGER,
        copy=False,
        help="Shared secret the platform signs its webhooks with. Webhooks are refused while it is empty.",
    )
    webhook_token = fields.Char(
        groups=MANAGER,
        copy=False,
        readonly=True,
        default=lambda self: secrets.token_urlsafe(24),
        help="Unguessable part of this store's webhook address.",
    )
    webhook_url = fields.Char("Webhook URL", compute="_compute_webhook_url", groups=MANAGER)

    # --- flows and schedule ---------------------------------------------
    sync_orders = fields.Boolean("Orders", default=True)
    sync_refunds = fields.Boolean(
        "Refunds",
        default=True,
        help="Book the store's refunds: credit notes, refund payments and returns. When off, orders are still "
        "imported with their payments and deliveries, and their refunds are left to be handled by hand.",
    )
    sync_payouts = fields.Boolean("Payouts", default=True)
    sync_products = fields.Boolean("Products", default=True)
    can_sync_orders = fields.Boolean(compute="_compute_can_sync")
    can_sync_refunds = fields.Boolean(compute="_compute_can_sync")
    can_sync_payouts = fields.Boolean(compute="_compute_can_sync")
    can_sync_products = fields.Boolean(compute="_compute_can_sync")
    can_sync_stock = fields.Boolean(compute="_compute_can_sync")
    sync_stock = fields.Boolean(
        "Stock",
        default=True,
        help="Odoo is the reference for stock: the available quantity of every linked product is sent to "
        "the store whenever it changes, and the store's levels are compared with Odoo's. Count the stock "
        "in Odoo before enabling it.",
    )
    sync_interval = fields.Integer(
        "Sync Every (minutes)", default=15, help="How often the scheduled sync pulls this store."
    )
    next_sync_at = fields.Datetime(copy=False, readonly=True)
    last_sync_at = fields.Datetime(copy=False, readonly=True)
    last_sync_result = fields.Selection(
        [("ok", "Success"), ("partial", "Partial"), ("failed", "Failed"), ("skipped", "Skipped")],
        copy=False,
        readonly=True,
    )
    last_sync_message = fields.Text(copy=False, readonly=True)
    cursor_orders = fields.Char("Orders Cursor", copy=False, groups=MANAGER)
    cursor_refunds = fields.Char("Refunds Cursor", copy=False, groups=MANAGER)
    cursor_payouts = fields.Char("Payouts Cursor", copy=False, groups=MANAGER)
    cursor_products = fields.Char("Products Cursor", copy=False, groups=MANAGER)
    cursor_stock = fields.Char("Stock Cursor", copy=False, groups=MANAGER)
    page_budget = fields.Integer(
        "Pages per Run",
        default=20,
        help="Pages fetched per flow in one transaction; the scheduled sync carries on in new "
        "transactions until the store is caught up.",
    )

    # --- alerts ----------------------------------------------------------
    discrepancy_user_id = fields.Many2one(
        "res.users",
        "Responsible",
        domain="[('share', '=', False)]",
        help="Gets an activity for every discrepancy of this store (the store's creator when empty).",
    )
    discrepancy_ids = fields.One2many("ecommerce.discrepancy", "store_id")
    failed_payment_threshold = fields.Integer(
        "Failed Payments Alert",
        default=5,
        help="Raise a discrepancy when more failed payments than this arrive within the alert window "
        "(0 turns the alert off).",
    )
    failed_payment_window = fields.Integer(
        "Alert Window (hours)", default=24, help="The period over which failed payments are counted."
    )

    order_volume_alert = fields.Integer(
        "Order Volume Alert",
        help="An 'unusual order volume' discrepancy, with an activity for the responsible user, when more "
        "orders than this are placed in the store within 24 hours. 0 turns the alert off.",
    )

    # --- the store's records ---------------------------------------------
    product_link_ids = fields.One2many("ecommerce.product.link", "store_id", "Store Variants")
    stock_push_ids = fields.One2many("ecommerce.stock.push", "store_id", "Stock Levels to Send")
    sync_log_ids = fields.One2many("ecommerce.sync.log", "store_id")
    binding_ids = fields.One2many("ecommerce.binding", "store_id")

    _sql_constraints = [
        ("sync_interval_positive", "CHECK(sync_interval > 0)", "The sync interval must be positive."),
        ("page_budget_positive", "CHECK(page_budget > 0)", "The pages per run must be positive."),
    ]

    # ------------------------------------------------------------------
    @api.model
    def _selection_platform(self):
        """Every registered connector of an installed addon.

        Connectors defined in a ``tests`` package, or outside any addon, serve
        tests only: they are offered while Odoo runs tests, never otherwise.
        """
        installed = self.env.registry._init_modules
        testing = getattr(threading.current_thread(), "testing", False)
        choices = []
        for key, label in registered_platforms().items():
            parts = get_connector_class(key).__module__.split(".")
            addon = parts[2] if len(parts) > 2 and parts[:2] == ["odoo", "addons"] else ""
            for_tests = not addon or "tests" in parts[3:]
            if (testing or not for_tests) and (not addon or addon in installed):
                choices.append((key, label))
        return choices

    @api.depends("platform")
    def _compute_can_sync(self):
        """The flows the store's connector pulls (stock: every connector sends and compares levels)."""
        for store in self:
            try:
                flows = set(get_connector_class(store.platform).flows) | {"stock"} if store.platform else set()
            except KeyError:
                flows = set()
            for flow in FLOWS:
                store[f"can_sync_{flow}"] = flow in flows

    def _compute_webhook_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for store in self:
            store.webhook_url = (
                f"{base_url}/ecommerce_sync/webhook/{store.webhook_token}" if store.webhook_token else False
            )

    def _check_order_volume(self):
        """Flag an unusual order volume: more orders placed in the last 24 hours than the store's alert."""
        for store in self.filtered(lambda s: s.order_volume_alert > 0):
            since = fields.Datetime.now() - timedelta(hours=24)
            count = self.env["ecommerce.binding"].search_count(
                [("store_id", "=", store.id), ("kind", "=", "order"), ("external_created_at", ">=", since)]
            )
            Discrepancy = self.env["ecommerce.discrepancy"]
            if count > store.order_volume_alert:
                Discrepancy._flag(
                    store,
                    "order_volume",
                    _(
                        "%(count)s orders were placed in the last 24 hours, more than the alert of %(alert)s.",
                        count=count,
                        alert=store.order_volume_alert,
                    ),
                    external_id=fields.Date.to_string(fields.Date.context_today(store)),
                    expected=store.order_volume_alert,
                    found=count,
                )

    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        stores = super().create(vals_list)
        stores.filtered(lambda s: not s.next_sync_at).write({"next_sync_at": fields.Datetime.now()})
        return stores

    # ------------------------------------------------------------------
    def _connector_config(self):
        """Settings and credentials handed to the connector.

        Connector addons extend this with their platform's fields; the base
        gives what every platform shares.

        :rtype: dict
        """
        self.ensure_one()
        store = self.sudo()
        return {
            "store_name": store.name,
            "webhook_secret": store.webhook_secret or "",
            "stock_location_id": store.stock_platform_location_id or "",
        }

    def _get_connector(self):
        """A connector instance for this store.

        :raise UserError: when no installed addon provides the platform
        """
        self.ensure_one()
        try:
            connector_class = get_connector_class(self.platform)
        except KeyError as exc:
            raise UserError(
                _("No installed connector handles the platform %(platform)s.", platform=self.platform)
            ) from exc
        return connector_class(self._connector_config())

    def _enabled_flows(self):
        """The flows to pull for this store, in the connector's order."""
        self.ensure_one()
        connector_class = get_connector_class(self.platform)
        return [flow for flow in connector_class.flows if self._flow_enabled(flow)]

    def _flow_enabled(self, flow):
        """Whether the store's toggle of ``flow`` is on: a flow switched off is neither pulled, retried by the
        scheduler nor processed from webhooks (its webhooks are acknowledged and recorded as skipped)."""
        self.ensure_one()
        return flow in FLOWS and bool(self[f"sync_{flow}"])

    @api.model
    def _flow_enabled_domain(self, flow_field, store_field):
        """A domain of records (failed lines, events) whose flow is on for their store.

        :param str flow_field: the records' flow field
        :param str store_field: their store field
        """
        return expression.OR([[(flow_field, "=", flow), (f"{store_field}.sync_{flow}", "=", True)] for flow in FLOWS])

    def _get_cursor(self, flow):
        self.ensure_one()
        return self.sudo()[f"cursor_{flow}"] or None

    def _initial_cursor(self, flow, moment):
        """The cursor that starts ``flow`` at ``moment`` (naive UTC datetime), or None when it cannot.

        Connectors whose cursors are ISO timestamps of the last change (every
        connector so far, for orders and refunds) read it as "changed since";
        a connector addon whose cursor is another text overrides this.
        """
        self.ensure_one()
        return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00") if flow in ("orders", "refunds") else None

    def _set_cursor(self, flow, cursor):
        self.ensure_one()
        self.sudo()[f"cursor_{flow}"] = cursor

    def _set_error(self, message, detail=False):
        self.sudo().write({"state": "error", "state_message": message, "state_detail": detail})

    def _set_credentials_refused(self, error):
        """Put the store in error state: the platform refused its credentials.

        :return: the message the store shows (what happened and what to do)
        """
        message = self._explain_error(error)
        self._set_error(message, str(error))
        return message

    def _explain_error(self, error):
        """What a user reads about a connector error (or its text): what happened, what to do, the
        platform's own words; see ``tools/error_text.py``."""
        self.ensure_one()
        return explain(self.env, error, self._platform_noun(), self._credentials_hint())

    def _platform_noun(self):
        """Who answers the store's calls, in the user's words ("Shopify", "The site")."""
        self.ensure_one()
        return registered_platforms().get(self.platform) or _("The platform")

    def _credentials_hint(self):
        """Which credentials a user checks when the platform refuses them; connector addons name theirs."""
        self.ensure_one()
        return _("the credentials on the Credentials tab")

    @api.model
    def _park_platform_stores(self, platform):
        """Leave the stores of ``platform`` readable and idle: its connector addon is being uninstalled.

        Without the connector nothing can talk to these stores: they are
        archived and set back to "Not connected" (no scheduled sync, retry or
        webhook picks them up), their pending webhook events fail and their
        failed records are abandoned, each with a message naming the platform.
        Their documents, logs and mappings stay; installing the addon again
        and pressing "Test connection" resumes them. Connector addons call it
        from their ``uninstall_hook``.

        :param str platform: the platform key
        :return: the stores parked
        """
        stores = self.with_context(active_test=False).search([("platform", "=", platform)])
        if not stores:
            return stores
        message = _(
            "The %(platform)s connector was uninstalled; install it again to resume this store.",
            platform=registered_platforms().get(platform, platform),
        )
        stores.write({"active": False, "state": "draft", "state_message": message})
        self.env["ecommerce.webhook.event"].search([("store_id", "in", stores.ids), ("state", "=", "pending")]).write(
            {"state": "failed", "error": message}
        )
        self.env["ecommerce.sync.log.line"].search([("store_id", "in", stores.ids), ("state", "=", "failed")]).write(
            {"state": "abandoned", "error": message}
        )
        _logger.info(
            "Archived %s store(s) of the platform %s before its connector is uninstalled", len(stores), platform
        )
        return stores

    def _store_action(self, xmlid, extra_domain=()):
        """The window action ``xmlid`` restricted to this store's records (for whoever may read the store)."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("store_id", "=", self.id), *extra_domain]
        action["context"] = {"default_store_id": self.id}
        return action

    def action_view_logs(self):
        return self._store_action("ecommerce_sync.ecommerce_sync_log_action")

    def action_view_failed_lines(self):
        return self._store_action("ecommerce_sync.ecommerce_sync_log_line_action", [("state", "=", "failed")])

    def action_regenerate_webhook_token(self):
        self.check_access("write")
        for store in self:
            store.webhook_token = secrets.token_urlsafe(24)
