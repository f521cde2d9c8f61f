import logging
import math
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..connector import AuthenticationError, ConnectorError, get_connector_class, registered_platforms
from ..connector.records import FLOWS, StockUpdate

_logger = logging.getLogger(__name__)

MANAGER = "ecommerce_sync.group_ecommerce_manager"
STOCK_SETTINGS = {"sync_stock", "warehouse_id", "stock_location_id", "stock_buffer", "stock_platform_location_id"}


class EcommerceStore(models.Model):
    _name = "ecommerce.store"
    _description = "Online Store"
    _inherit = ["mail.thread"]
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
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    state = fields.Selection(
        [("draft", "Not connected"), ("connected", "Connected"), ("error", "Error")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    state_message = fields.Text(readonly=True, copy=False)
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
    sync_refunds = fields.Boolean("Refunds", default=True)
    sync_payouts = fields.Boolean("Payouts", default=True)
    sync_products = fields.Boolean("Products", default=True)
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

    # --- accounting -------------------------------------------------------
    team_id = fields.Many2one(
        "crm.team",
        "Sales Team",
        check_company=True,
        help="Sales team of the store's orders and invoices: the store's revenue in the sales and invoicing reports.",
    )
    income_account_id = fields.Many2one(
        "account.account",
        "Income Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other')), ('deprecated', '=', False)]",
        help="Revenue account of the store's sales; when empty, the products' income accounts are used.",
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        "Analytic Account",
        check_company=True,
        help="Put on every line the store sells, so its revenue stands apart in analytic reports.",
    )
    fee_account_id = fields.Many2one(
        "account.account",
        "Fee Expense Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost')), ('deprecated', '=', False)]",
        help="Gateway, platform and currency conversion fees the store is charged.",
    )
    adjustment_account_id = fields.Many2one(
        "account.account",
        "Payout Adjustments Account",
        check_company=True,
        domain="[('deprecated', '=', False)]",
        help="Payout items that are neither sales, refunds nor fees (chargebacks, reserves, platform adjustments). "
        "The fee expense account when empty.",
    )
    gift_card_account_id = fields.Many2one(
        "account.account",
        "Gift Card Account",
        check_company=True,
        domain="[('deprecated', '=', False)]",
        help="Liability account of gift cards sold in the store; when empty, they are booked as sales.",
    )
    clearing_journal_id = fields.Many2one(
        "account.journal",
        "Clearing Journal",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="Holds the money the platform collected and has not paid out yet: payments, refunds, fees and "
        "payouts of the store go through it.",
    )
    clearing_account_id = fields.Many2one(
        "account.account",
        "Clearing Account",
        compute="_compute_clearing_account_id",
        help="Outstanding receipts account of the clearing journal. Its balance is what the platform owes the "
        "company: transactions not paid out yet.",
    )
    payout_journal_id = fields.Many2one(
        "account.journal",
        "Payout Bank Journal",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="The bank account that receives the store's payouts.",
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        "Fiscal Position",
        check_company=True,
        help="Put on the store's orders and invoices (accounts mapping and reporting). Taxes are those the store "
        "charged, never remapped. Odoo's automatic detection applies when empty.",
    )
    tax_mode = fields.Selection(
        [
            ("order", "As each order says"),
            ("included", "Prices include taxes"),
            ("excluded", "Prices exclude taxes"),
        ],
        default="order",
        required=True,
        help="Whether the store's prices include taxes. With included prices, orders use price-included taxes.",
    )
    currency_rate_policy = fields.Selection(
        [("store", "The store's rate"), ("odoo", "Odoo's rate on the order date")],
        "Currency Rate",
        default="store",
        required=True,
        help="Rate of orders in another currency than the company's. The store's rate is the ratio of the order "
        "total in the shop currency to the total the customer paid; it applies when the shop currency is the "
        "company currency, Odoo's rate otherwise.",
    )
    fallback_product_id = fields.Many2one(
        "product.product",
        "Fallback Product",
        check_company=True,
        help="Sells the order lines that match no Odoo product (each one raises a discrepancy).",
    )
    shipping_product_id = fields.Many2one(
        "product.product",
        "Default Shipping Product",
        check_company=True,
        help="Sells the shipping methods that have no shipping mapping.",
    )
    fee_grouping = fields.Selection(
        [("transaction", "One entry per transaction"), ("payout", "One entry per payout")],
        default="payout",
        required=True,
        help="How the fees of a payout are booked: one journal entry per balance transaction, or one per payout.",
    )

    # --- products -------------------------------------------------------
    create_unknown_products = fields.Boolean(
        help="Create a storable product in Odoo for store variants that match no product "
        "(by SKU, barcode or SKU override). When off, they are only listed as not linked.",
    )
    product_link_ids = fields.One2many("ecommerce.product.link", "store_id", "Store Variants")
    product_link_count = fields.Integer("Store Variants Count", compute="_compute_product_link_count")

    # --- stock ----------------------------------------------------------
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
        help="The warehouse this store sells from: its sale orders deliver from it, and its stock is "
        "what the store shows.",
    )
    stock_location_id = fields.Many2one(
        "stock.location",
        "Stock Location",
        domain="[('usage', '=', 'internal'), ('company_id', 'in', (False, company_id))]",
        check_company=True,
        tracking=True,
        help="Count only the stock of this location (and its sublocations) instead of the warehouse's "
        "whole stock location.",
    )
    stock_buffer = fields.Integer(
        "Safety Buffer",
        default=0,
        tracking=True,
        help="Units of every product kept back from the store: it shows the available quantity minus "
        "this buffer (never below zero).",
    )
    stock_platform_location_id = fields.Char(
        "Store Location ID",
        help="The store's own location (e.g. a Shopify location id) whose levels Odoo sets and reads. "
        "Empty: the platform's default location.",
    )
    stock_drift_correction = fields.Selection(
        [
            ("lower", "Lower store levels above Odoo's"),
            ("always", "Set the store to Odoo's level"),
            ("never", "Only record the difference"),
        ],
        "Drift Correction",
        default="lower",
        required=True,
        help="What happens when a comparison finds a store level that differs from Odoo's. A store "
        "showing less than Odoo usually has orders Odoo has not imported yet, so by default only levels "
        "above Odoo's (a risk of overselling) are corrected at once; the others are recorded as "
        "discrepancies and corrected by the next stock change or by 'Push all levels'.",
    )
    stock_push_ids = fields.One2many("ecommerce.stock.push", "store_id", "Stock Levels to Send")
    stock_push_count = fields.Integer("Levels to Send", compute="_compute_stock_push_count")
    inventory_discrepancy_rate = fields.Float(
        readonly=True,
        copy=False,
        digits=(16, 4),
        help="Share of the linked products whose store level differed from Odoo's at the last comparison.",
    )
    stock_compared_at = fields.Datetime("Last Stock Comparison", readonly=True, copy=False)

    # --- dashboard -------------------------------------------------------
    sync_log_ids = fields.One2many("ecommerce.sync.log", "store_id")
    binding_ids = fields.One2many("ecommerce.binding", "store_id")
    failed_line_count = fields.Integer(compute="_compute_dashboard")
    error_count_24h = fields.Integer("Errors (24 h)", compute="_compute_dashboard")
    orders_imported = fields.Integer(compute="_compute_dashboard")
    health = fields.Selection(
        [("good", "Healthy"), ("warning", "Needs attention"), ("error", "Failing"), ("idle", "Not connected")],
        compute="_compute_dashboard",
    )
    sync_accuracy = fields.Float(
        "Data Sync Accuracy",
        compute="_compute_metrics",
        digits=(16, 4),
        help="Share of the orders imported whose Odoo totals equal the store's (no open amount or tax "
        "difference on them).",
    )
    processing_hours = fields.Float(
        "Order Processing Time (h)",
        compute="_compute_metrics",
        digits=(16, 2),
        help="Average time from an order's creation in the store to its posted invoice in Odoo, over the "
        "orders placed in the last 30 days.",
    )
    revenue = fields.Monetary(
        "Revenue Invoiced",
        currency_field="company_currency_id",
        compute="_compute_metrics",
        help="Untaxed amount of the store's posted invoices minus its credit notes, in the company's currency.",
    )
    order_volume_alert = fields.Integer(
        "Order Volume Alert",
        help="An 'unusual order volume' discrepancy, with an activity for the responsible user, when more "
        "orders than this are placed in the store within 24 hours. 0 turns the alert off.",
    )

    _sql_constraints = [
        ("sync_interval_positive", "CHECK(sync_interval > 0)", "The sync interval must be positive."),
        ("page_budget_positive", "CHECK(page_budget > 0)", "The pages per run must be positive."),
        ("stock_buffer_positive", "CHECK(stock_buffer >= 0)", "The safety buffer cannot be negative."),
    ]

    # ------------------------------------------------------------------
    @api.model
    def _selection_platform(self):
        """Every registered connector whose addon is installed in this database."""
        installed = self.env.registry._init_modules
        choices = []
        for key, label in registered_platforms().items():
            module = get_connector_class(key).__module__
            addon = module.split(".")[2] if module.startswith("odoo.addons.") else ""
            if not addon or addon in installed:
                choices.append((key, label))
        return choices

    @api.depends("company_id")
    def _compute_warehouse_id(self):
        for store in self:
            if store.warehouse_id.company_id == store.company_id:
                continue
            store.warehouse_id = self.env["stock.warehouse"].search([("company_id", "=", store.company_id.id)], limit=1)

    def _compute_product_link_count(self):
        counts = dict(
            self.env["ecommerce.product.link"]._read_group([("store_id", "in", self.ids)], ["store_id"], ["__count"])
        )
        for store in self:
            store.product_link_count = counts.get(store, 0)

    def _compute_stock_push_count(self):
        Push = self.env["ecommerce.stock.push"]
        counts = dict(Push._read_group([("store_id", "in", self.ids)], ["store_id"], ["product_id:count_distinct"]))
        for store in self:
            store.stock_push_count = counts.get(store, 0)

    def _compute_webhook_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for store in self:
            store.webhook_url = (
                f"{base_url}/ecommerce_sync/webhook/{store.webhook_token}" if store.webhook_token else False
            )

    @api.depends("clearing_journal_id.inbound_payment_method_line_ids.payment_account_id")
    def _compute_clearing_account_id(self):
        for store in self:
            store.clearing_account_id = store.clearing_journal_id.inbound_payment_method_line_ids.payment_account_id[:1]

    def _compute_dashboard(self):
        since = fields.Datetime.now() - timedelta(hours=24)
        Line = self.env["ecommerce.sync.log.line"]
        Binding = self.env["ecommerce.binding"]
        failed = dict(
            Line._read_group([("store_id", "in", self.ids), ("state", "=", "failed")], ["store_id"], ["__count"])
        )
        recent = dict(
            Line._read_group([("store_id", "in", self.ids), ("create_date", ">=", since)], ["store_id"], ["__count"])
        )
        orders = dict(
            Binding._read_group([("store_id", "in", self.ids), ("kind", "=", "order")], ["store_id"], ["__count"])
        )
        for store in self:
            store.failed_line_count = failed.get(store, 0)
            store.error_count_24h = recent.get(store, 0)
            store.orders_imported = orders.get(store, 0)
            if store.state == "draft":
                store.health = "idle"
            elif store.state == "error" or store.last_sync_result == "failed":
                store.health = "error"
            elif store.error_count_24h or store.last_sync_result == "partial":
                store.health = "warning"
            else:
                store.health = "good"

    def _compute_metrics(self):
        """The module card's figures: sync accuracy, order processing time, revenue per channel.

        Accuracy and processing time join bindings with discrepancies and invoices on the store's
        order ids, which the ORM cannot express as a relation; both queries take bound parameters.
        """
        for store in self:
            store.sync_accuracy = store.processing_hours = store.revenue = 0.0
        stores = self.filtered("id")
        if not stores:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT b.store_id, COUNT(*), COUNT(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM ecommerce_discrepancy d
                        WHERE d.store_id = b.store_id AND d.external_id = b.external_id AND d.state = 'open'
                          AND d.kind IN ('amount_mismatch', 'tax_mismatch')))
              FROM ecommerce_binding b
             WHERE b.kind = 'order' AND b.store_id IN %s
          GROUP BY b.store_id
            """,
            [tuple(stores.ids)],
        )
        accuracy = {store_id: (total - wrong) / total for store_id, total, wrong in self.env.cr.fetchall() if total}
        self.env.cr.execute(
            """
            SELECT b.store_id, AVG(EXTRACT(EPOCH FROM (invoice.posted_at - b.external_created_at))) / 3600
              FROM ecommerce_binding b
              JOIN sale_order so ON b.res_model = 'sale.order' AND so.id = b.res_id
              JOIN LATERAL (
                    SELECT MIN(m.create_date) AS posted_at
                      FROM account_move m
                     WHERE m.ecommerce_store_id = b.store_id AND m.move_type = 'out_invoice'
                       AND m.state = 'posted' AND m.invoice_origin = so.name
                   ) invoice ON invoice.posted_at IS NOT NULL
             WHERE b.kind = 'order' AND b.store_id IN %s AND b.external_created_at >= %s
          GROUP BY b.store_id
            """,
            [tuple(stores.ids), fields.Datetime.now() - timedelta(days=30)],
        )
        hours = dict(self.env.cr.fetchall())
        revenue = dict(
            self.env["account.move"]._read_group(
                [
                    ("ecommerce_store_id", "in", stores.ids),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["ecommerce_store_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        for store in stores:
            store.sync_accuracy = accuracy.get(store.id, 0.0)
            store.processing_hours = hours.get(store.id) or 0.0
            store.revenue = revenue.get(store, 0.0)

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

    def write(self, vals):
        res = super().write(vals)
        if STOCK_SETTINGS & vals.keys():
            # what every product should show may have changed
            for store in self.filtered("sync_stock"):
                store._queue_all_stock()
        return res

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

    def _match_product(self, sku, barcode=""):
        """The Odoo product a store SKU/barcode designates: by internal reference,
        then barcode, then this store's SKU overrides.

        :return: ``(product.product, method)`` with method "sku", "barcode",
            "override", or an empty recordset and False
        """
        self.ensure_one()
        Product = self.env["product.product"].with_context(active_test=True)
        company_domain = [("company_id", "in", (False, self.company_id.id))]
        if sku:
            product = Product.search([("default_code", "=", sku)] + company_domain, limit=1)
            if product:
                return product, "sku"
        if barcode:
            product = Product.search([("barcode", "=", barcode)] + company_domain, limit=1)
            if product:
                return product, "barcode"
        if sku:
            product = self.env["ecommerce.sku.mapping"]._lookup(self, sku)
            if product:
                return product, "override"
        return Product, False

    # ------------------------------------------------------------------
    # stock
    def _stock_location(self):
        """The location whose stock (sublocations included) the store shows."""
        self.ensure_one()
        return self.stock_location_id or self.warehouse_id.lot_stock_id

    def _stock_links(self, products=None, extra_domain=()):
        """The store variants whose level Odoo sets: linked to a storable product and tracked by the store.

        :param products: only the variants of these products (all when None)
        :param extra_domain: only the variants that also match this domain
        """
        self.ensure_one()
        domain = [
            ("store_id", "=", self.id),
            ("product_id", "!=", False),
            ("product_id.is_storable", "=", True),
            ("tracked", "=", True),
        ]
        if products is not None:
            domain.append(("product_id", "in", products.ids))
        return self.env["ecommerce.product.link"].sudo().search(domain + list(extra_domain))

    def _stock_levels(self, products):
        """The quantity each product should show in this store.

        Available quantity (on hand minus reserved) in the store's stock
        location and its sublocations, minus the safety buffer, rounded down
        to whole units and never below zero.

        :param products: product.product recordset
        :return: ``{product: int}`` for every product given
        :rtype: dict
        """
        self.ensure_one()
        location = self._stock_location()
        if not location or not products:
            return dict.fromkeys(products, 0)
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [("product_id", "in", products.ids), ("location_id", "child_of", location.id)],
                ["product_id"],
                ["quantity:sum", "reserved_quantity:sum"],
            )
        )
        free = {product: quantity - reserved for product, quantity, reserved in groups}
        return {
            product: max(0, math.floor(round(free.get(product, 0.0), 6)) - self.stock_buffer) for product in products
        }

    def _stock_update(self, link, level):
        """The StockUpdate that sets ``link``'s store variant to ``level``."""
        self.ensure_one()
        return StockUpdate(
            variant_external_id=link.external_id,
            quantity=int(level),
            location_external_id=self.stock_platform_location_id or "",
            inventory_item_id=link.inventory_item_id or "",
            product_external_id=link.product_external_id or "",
            sku=link.sku or "",
        )

    def _queue_all_stock(self):
        """Queue the level of every product this store sells."""
        self.ensure_one()
        products = self._stock_links().product_id
        self.env["ecommerce.stock.push"]._queue({self.id: products.ids})
        return products

    def _enabled_flows(self):
        """The flows to pull for this store, in the connector's order."""
        self.ensure_one()
        connector_class = get_connector_class(self.platform)
        return [flow for flow in connector_class.flows if flow in FLOWS and self[f"sync_{flow}"]]

    def _get_cursor(self, flow):
        self.ensure_one()
        return self.sudo()[f"cursor_{flow}"] or None

    def _set_cursor(self, flow, cursor):
        self.ensure_one()
        self.sudo()[f"cursor_{flow}"] = cursor

    def _set_error(self, message):
        self.sudo().write({"state": "error", "state_message": message})

    def _set_credentials_refused(self, error):
        """Put the store in error state: the platform refused its credentials.

        :return: the message the store shows
        """
        message = _("The platform refused the credentials: %(error)s", error=error)
        self._set_error(message)
        return message

    # ------------------------------------------------------------------
    # accounting set-up
    def _accounting_ready(self):
        """True when everything the ledger builders post with is configured."""
        self.ensure_one()
        return bool(
            self.clearing_journal_id
            and self.clearing_account_id
            and self.fee_account_id
            and self.fallback_product_id
            and self.shipping_product_id
            and self.team_id
        )

    def _ensure_accounting(self):
        """Run the accounting set-up when something it provides is missing (first import)."""
        for store in self:
            if not store._accounting_ready():
                store.action_setup_accounting()

    def action_setup_accounting(self):
        """Create what the store's bookkeeping needs and is not configured yet.

        * a sales team named after the store;
        * the clearing journal "<store> clearing" (bank type) and its own
          reconcilable outstanding receipts account, used for the receipts
          and the payments of the journal, so that its balance is what the
          platform holds for the company;
        * an expense account for the store's fees;
        * a fallback product (unmatched lines) and a shipping product;
        * the payout bank journal: the company's first bank journal that is
          not a clearing journal.

        What is already set is kept. Runs by itself on the first import.
        """
        for store in self:
            store = store.with_company(store.company_id)
            values = {}
            if not store.team_id:
                values["team_id"] = store._create_sales_team().id
            if not store.clearing_journal_id:
                values["clearing_journal_id"] = store._create_clearing_journal().id
            elif not store.clearing_account_id:
                store._set_clearing_account(store.clearing_journal_id)
            if not store.fee_account_id:
                values["fee_account_id"] = store._create_account(_("%(store)s fees", store=store.name), "expense").id
            if not store.fallback_product_id:
                values["fallback_product_id"] = store._create_service_product(
                    _("%(store)s: unmatched item", store=store.name)
                ).id
            if not store.shipping_product_id:
                values["shipping_product_id"] = store._create_service_product(
                    _("%(store)s: shipping", store=store.name)
                ).id
            if not store.payout_journal_id:
                clearing = values.get("clearing_journal_id") or store.clearing_journal_id.id
                payout_journal = self.env["account.journal"].search(
                    [
                        *self.env["account.journal"]._check_company_domain(store.company_id),
                        ("type", "=", "bank"),
                        ("id", "not in", self.search([]).clearing_journal_id.ids + [clearing]),
                    ],
                    limit=1,
                )
                if payout_journal:
                    values["payout_journal_id"] = payout_journal.id
            if values:
                store.write(values)
        return True

    def _create_sales_team(self):
        return self.env["crm.team"].create({"name": self.name, "company_id": self.company_id.id})

    def _new_account_code(self, account_type):
        """A free account code next to the company's accounts of that kind."""
        Account = self.env["account.account"].with_company(self.company_id)
        domain = Account._check_company_domain(self.company_id)
        if account_type == "asset_current":
            sample = Account.search(domain, limit=1)
            digits = len(sample.code) if sample else 6
            start = (self.company_id.bank_account_code_prefix or "1").ljust(digits, "0")
        else:
            start = Account.search(domain + [("account_type", "=", account_type)], order="code", limit=1).code
            start = start or "6".ljust(6, "0")
        return Account._search_new_account_code(start)

    def _create_account(self, name, account_type, reconcile=False):
        return (
            self.env["account.account"]
            .with_company(self.company_id)
            .create(
                {
                    "name": name,
                    "code": self._new_account_code(account_type),
                    "account_type": account_type,
                    "reconcile": reconcile,
                    "company_ids": [fields.Command.link(self.company_id.id)],
                }
            )
        )

    def _clearing_journal_code(self):
        Journal = self.env["account.journal"].with_context(active_test=False)
        used = set(Journal.search(Journal._check_company_domain(self.company_id)).mapped("code"))
        for number in range(1, 1000):
            code = f"EC{number}"
            if code not in used:
                return code
        raise UserError(_("No free journal code is left for a clearing journal."))

    def _create_clearing_journal(self):
        journal = self.env["account.journal"].create(
            {
                "name": _("%(store)s clearing", store=self.name),
                "type": "bank",
                "code": self._clearing_journal_code(),
                "company_id": self.company_id.id,
            }
        )
        self._set_clearing_account(journal)
        return journal

    def _set_clearing_account(self, journal):
        """Give the clearing journal its own outstanding receipts account, for receipts and payments alike."""
        account = self._create_account(
            _("%(store)s clearing: outstanding receipts", store=self.name), "asset_current", reconcile=True
        )
        (journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids).write(
            {"payment_account_id": account.id}
        )
        return account

    def _create_service_product(self, name):
        return self.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "invoice_policy": "order",
                "sale_ok": True,
                "purchase_ok": False,
                "taxes_id": [fields.Command.clear()],
                "company_id": self.company_id.id,
            }
        )

    def _payment_journal(self, gateway):
        """The journal that receives the payments of a gateway: its mapping, else the clearing journal."""
        self.ensure_one()
        return self.env["ecommerce.gateway.mapping"]._lookup(self, gateway or "") or self.clearing_journal_id

    def _tax_included(self, order):
        """Whether the order's prices include taxes, by the store's tax mode."""
        self.ensure_one()
        if self.tax_mode == "order":
            return bool(order.taxes_included)
        return self.tax_mode == "included"

    # ------------------------------------------------------------------
    def action_test_connection(self):
        """Read the shop through the connector and show its name and currency.

        A refusal or a failure puts the store in error state with the
        platform's explanation (kept: the answer is a notification, not an
        exception that would roll the state back).
        """
        self.ensure_one()
        connector = self._get_connector()
        try:
            info = connector.test_connection()
        except AuthenticationError as exc:
            message = self._set_credentials_refused(exc)
        except ConnectorError as exc:
            message = _("Connection failed: %(error)s", error=exc)
            self._set_error(message)
        else:
            self.write(self._connection_values(info))
            return self._notification(
                "success",
                _("Connection successful"),
                _("Connected to %(name)s (currency %(currency)s).", name=info.name, currency=info.currency),
            )
        return self._notification("danger", _("Connection failed"), message, sticky=True)

    @api.model
    def _notification(self, kind, title, message, sticky=False):
        """A client notification that also reloads the form (to show the new state)."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "title": title,
                "message": message,
                "sticky": sticky,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _connection_values(self, info):
        """Values written on the store after a successful "Test connection".

        Connector addons extend this to keep what their platform reports in
        ``info.details`` (a version, a plan) in their own fields.

        :param info: the connector's ConnectionInfo
        :rtype: dict
        """
        self.ensure_one()
        return {
            "state": "connected",
            "state_message": False,
            "shop_name": info.name,
            "shop_currency": info.currency,
        }

    def action_sync_now(self):
        """Run every enabled flow now (within the page budget), then let the scheduler finish."""
        self.ensure_one()
        logs = self.env["ecommerce.sync.engine"].sync_store(self, trigger="manual")
        if any(log.more_pending for log in logs):
            self.env.ref("ecommerce_sync.ir_cron_ecommerce_sync")._trigger()
        message = self._sync_summary(logs)
        failed = any(log.state in ("failed", "partial") or log.failed_count for log in logs)
        return self._notification("warning" if failed else "success", _("Sync finished"), message, sticky=failed)

    def _sync_summary(self, logs):
        """What a sync did, flow by flow: "Orders: 50 created. Stock levels: 29 read, 29 sent."

        :param logs: the sync logs of the run (records pulled, stock levels read and sent)
        :rtype: str
        """
        labels = dict(self.env["ecommerce.sync.log"]._fields["flow"]._description_selection(self.env))
        parts = []
        for log in logs.filtered(lambda log: log.flow != "stock"):
            counts = []
            if log.created_count:
                counts.append(_("%(count)s created", count=log.created_count))
            if log.updated_count:
                counts.append(_("%(count)s updated", count=log.updated_count))
            if log.failed_count:
                counts.append(_("%(count)s failed", count=log.failed_count))
            parts.append(
                _(
                    "%(flow)s: %(counts)s.",
                    flow=labels.get(log.flow, log.flow),
                    counts=", ".join(counts) or _("nothing new"),
                )
            )
            if log.state in ("failed", "skipped") and log.message:
                parts.append(log.message)
        stock = []
        for log in logs.filtered(lambda log: log.flow == "stock"):
            if log.direction == "pull":
                stock.append(_("%(count)s read", count=log.fetched_count))
                if log.updated_count:
                    stock.append(_("%(count)s differing", count=log.updated_count))
            else:
                stock.append(_("%(count)s sent", count=log.updated_count))
                if log.failed_count:
                    stock.append(_("%(count)s not sent", count=log.failed_count))
            if log.state in ("failed", "skipped") and log.message:
                stock.append(log.message)
        if stock:
            parts.append(_("Stock levels: %(counts)s.", counts=", ".join(stock)))
        if any(log.more_pending for log in logs):
            parts.append(_("More is waiting: the scheduled sync carries on."))
        return " ".join(parts) or _("Nothing to sync.")

    def action_push_all_stock(self):
        """Send the level of every product this store sells, now."""
        self.ensure_one()
        if not self.sync_stock:
            raise UserError(_("Stock sync is disabled for the store %(store)s.", store=self.name))
        self._queue_all_stock()
        log = self.env["ecommerce.stock.push"]._flush_store(self, trigger="manual")
        return self._stock_notification(_("Stock levels sent"), log)

    def action_compare_stock(self):
        """Read the store's levels and record the products whose level differs from Odoo's."""
        self.ensure_one()
        if not self.sync_stock:
            raise UserError(_("Stock sync is disabled for the store %(store)s.", store=self.name))
        log = self.env["ecommerce.stock.compare"]._compare_store_levels(self, trigger="manual")
        return self._stock_notification(_("Stock compared"), log)

    def _stock_notification(self, title, log):
        if not log:
            message, kind = _("Nothing to send, or another run is sending these levels."), "info"
        else:
            message = log.message or ""
            kind = "warning" if log.state in ("failed", "partial") else "success"
        return self._notification(kind, title, message, sticky=kind == "warning")

    def _store_action(self, xmlid, extra_domain=()):
        """The window action ``xmlid`` restricted to this store's records."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("store_id", "=", self.id), *extra_domain]
        action["context"] = {"default_store_id": self.id}
        return action

    def action_view_stock_pushes(self):
        return self._store_action("ecommerce_sync.ecommerce_stock_push_action")

    def action_view_product_links(self):
        return self._store_action("ecommerce_sync.ecommerce_product_link_action")

    def action_view_logs(self):
        return self._store_action("ecommerce_sync.ecommerce_sync_log_action")

    def action_view_failed_lines(self):
        return self._store_action("ecommerce_sync.ecommerce_sync_log_line_action", [("state", "=", "failed")])

    def action_regenerate_webhook_token(self):
        for store in self:
            store.webhook_token = secrets.token_urlsafe(24)

    # ------------------------------------------------------------------
    @api.model
    def _cron_sync(self):
        """Pull every active store whose interval has elapsed.

        Works within each store's page budget per transaction and tells the
        scheduler how much is left, so that a large backlog is processed in
        several committed batches.
        """
        now = fields.Datetime.now()
        stores = self.search([("state", "!=", "draft"), ("next_sync_at", "<=", now)])
        engine = self.env["ecommerce.sync.engine"]
        pending = 0
        for store in stores:
            logs = engine.sync_store(store, trigger="cron")
            if any(log.more_pending for log in logs):
                pending += 1
            else:
                store.next_sync_at = now + timedelta(minutes=store.sync_interval)
        self.env["ir.cron"]._notify_progress(done=len(stores) - pending, remaining=pending)

    @api.model
    def _cron_compare_stock(self):
        """Compare the stock levels of every connected store that syncs stock."""
        stores = self.search([("state", "!=", "draft"), ("sync_stock", "=", True)])
        for store in stores:
            self.env["ecommerce.stock.compare"]._compare_store_levels(store, trigger="cron")
        self.env["ir.cron"]._notify_progress(done=len(stores), remaining=0)
