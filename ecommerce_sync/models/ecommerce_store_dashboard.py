from datetime import timedelta

from odoo import fields, models


class EcommerceStoreDashboard(models.AbstractModel):
    """The store's health and figures on the dashboard.

    Mixed into ``ecommerce.store``. Health and activity come from the sync
    logs and bindings; sync accuracy, processing time and revenue from the
    order analysis (``ecommerce.order.report``).
    """

    _name = "ecommerce.store.dashboard"
    _description = "Online Store: Dashboard"

    company_id = fields.Many2one("res.company")  # the store's company (see ecommerce.store)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")

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

    # ------------------------------------------------------------------
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
        """The module card's figures: sync accuracy, order processing time, revenue per channel."""
        for store in self:
            store.sync_accuracy = store.processing_hours = store.revenue = 0.0
        stores = self.filtered("id")
        if not stores:
            return
        Report = self.env["ecommerce.order.report"]
        domain = [("store_id", "in", stores.ids)]
        totals = {
            store: (count, revenue)
            for store, count, revenue in Report._read_group(domain, ["store_id"], ["__count", "revenue:sum"])
        }
        identical = dict(Report._read_group(domain + [("identical", "=", True)], ["store_id"], ["__count"]))
        recent = domain + [
            ("placed_at", ">=", fields.Datetime.now() - timedelta(days=30)),
            ("invoice_posted_at", "!=", False),
        ]
        hours = dict(Report._read_group(recent, ["store_id"], ["processing_hours:avg"]))
        for store in stores:
            count, revenue = totals.get(store, (0, 0.0))
            store.sync_accuracy = identical.get(store, 0) / count if count else 0.0
            store.processing_hours = hours.get(store) or 0.0
            store.revenue = revenue
