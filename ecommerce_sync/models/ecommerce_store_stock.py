import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..connector.records import StockUpdate

#: store settings that change the level every product should show
STOCK_SETTINGS = {"sync_stock", "warehouse_id", "stock_location_id", "stock_buffer", "stock_platform_location_id"}


class EcommerceStoreStock(models.AbstractModel):
    """The store's products and stock: product matching, the levels Odoo sends, the comparison.

    Mixed into ``ecommerce.store``. The level of a product in a store is
    :meth:`_stock_levels`; the stock push queue (``ecommerce.stock.push``)
    sends it, ``ecommerce.stock.compare`` compares the store's with it.
    """

    _name = "ecommerce.store.stock"
    _description = "Online Store: Products and Stock"

    company_id = fields.Many2one("res.company")  # the store's company (see ecommerce.store)

    # --- products -------------------------------------------------------
    create_unknown_products = fields.Boolean(
        help="Create a storable product in Odoo for store variants that match no product "
        "(by SKU, barcode or SKU override). When off, they are only listed as not linked.",
    )
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
    stock_push_count = fields.Integer("Levels to Send", compute="_compute_stock_push_count")
    inventory_discrepancy_rate = fields.Float(
        readonly=True,
        copy=False,
        digits=(16, 4),
        help="Share of the linked products whose store level differed from Odoo's at the last comparison.",
    )
    stock_compared_at = fields.Datetime("Last Stock Comparison", readonly=True, copy=False)

    _sql_constraints = [
        ("stock_buffer_positive", "CHECK(stock_buffer >= 0)", "The safety buffer cannot be negative."),
    ]

    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    def write(self, vals):
        res = super().write(vals)
        if STOCK_SETTINGS & vals.keys():
            # what every product should show may have changed
            for store in self.filtered("sync_stock"):
                store._queue_all_stock()
        return res

    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    def action_push_all_stock(self):
        """Send the level of every product this store sells, now."""
        self.ensure_one()
        self.check_access("write")
        if not self.sync_stock:
            raise UserError(_("Stock sync is disabled for the store %(store)s.", store=self.name))
        store = self.sudo()
        store._queue_all_stock()
        log = store.env["ecommerce.stock.push"]._flush_store(store, trigger="manual")
        return self._stock_notification(_("Stock levels sent"), log)

    def action_compare_stock(self):
        """Read the store's levels and record the products whose level differs from Odoo's."""
        self.ensure_one()
        self.check_access("write")
        if not self.sync_stock:
            raise UserError(_("Stock sync is disabled for the store %(store)s.", store=self.name))
        store = self.sudo()
        log = store.env["ecommerce.stock.compare"]._compare_store_levels(store, trigger="manual")
        return self._stock_notification(_("Stock compared"), log)

    def _stock_notification(self, title, log):
        if not log:
            message, kind = _("Nothing to send, or another run is sending these levels."), "info"
        else:
            message = log.message or ""
            kind = "warning" if log.state in ("failed", "partial") else "success"
        return self._notification(kind, title, message, sticky=kind == "warning")

    def action_view_stock_pushes(self):
        return self._store_action("ecommerce_sync.ecommerce_stock_push_action")

    def action_view_product_links(self):
        return self._store_action("ecommerce_sync.ecommerce_product_link_action")

    # ------------------------------------------------------------------
    @api.model
    def _cron_compare_stock(self):
        """Compare the stock levels of every connected store that syncs stock."""
        stores = self.search([("state", "!=", "draft"), ("sync_stock", "=", True)])
        for store in stores:
            self.env["ecommerce.stock.compare"]._compare_store_levels(store, trigger="cron")
        self.env["ir.cron"]._notify_progress(done=len(stores), remaining=0)
