from datetime import timedelta

from markupsafe import escape

from odoo import _, fields, models
from odoo.tools.misc import _format_time_ago

#: discrepancies whose record's totals differ from the store's
TOTAL_KINDS = ("amount_mismatch", "tax_mismatch", "payout_mismatch", "balance_mismatch")


class EcommerceStoreDashboard(models.AbstractModel):
    """The store's health and figures on the dashboard, and the links from each figure to its records.

    Mixed into ``ecommerce.store``. Health comes from the store's state, its
    last sync, its failed records and its open discrepancies; sync accuracy,
    processing time and revenue from the order analysis
    (``ecommerce.order.report``). Every figure opens the records it counts
    (``action_view_*``).
    """

    _name = "ecommerce.store.dashboard"
    _description = "Online Store: Dashboard"

    company_id = fields.Many2one("res.company")  # the store's company (see ecommerce.store)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")

    failed_line_count = fields.Integer("Records to Retry", compute="_compute_dashboard")
    error_count_24h = fields.Integer("Errors (24 h)", compute="_compute_dashboard")
    open_discrepancy_count = fields.Integer("Open Discrepancies", compute="_compute_dashboard")
    sync_log_count = fields.Integer("Sync Runs", compute="_compute_dashboard")
    orders_imported = fields.Integer(compute="_compute_dashboard")
    invoice_count = fields.Integer("Invoices", compute="_compute_documents")
    payment_count = fields.Integer("Payments", compute="_compute_documents")
    payout_count = fields.Integer("Payouts Booked", compute="_compute_documents")
    health = fields.Selection(
        [("good", "Healthy"), ("warning", "Needs attention"), ("error", "Failing"), ("idle", "Not connected")],
        compute="_compute_dashboard",
    )
    health_reason = fields.Text(compute="_compute_dashboard", help="Why the store is not healthy, and what to look at.")
    last_sync_ago = fields.Char("Last Sync", compute="_compute_dashboard")
    next_sync_in = fields.Char("Next Sync", compute="_compute_dashboard")
    stock_compared_ago = fields.Char("Stock Compared", compute="_compute_dashboard")
    sync_accuracy = fields.Float(
        "Data Sync Accuracy",
        compute="_compute_metrics",
        digits=(16, 4),
        help="Share of the store's records (orders, refunds, payouts) that Odoo holds with the store's totals: "
        "imported, with no open amount, tax or payout difference. Records that failed to import count as "
        "differing until they are imported.",
    )
    processing_hours = fields.Float(
        "Order Processing Time (h)",
        compute="_compute_metrics",
        digits=(16, 2),
        help="Average time from an order's creation in the store to the posting of its invoice in Odoo, over "
        "the orders placed in the last 30 days.",
    )
    revenue = fields.Monetary(
        "Revenue Invoiced",
        currency_field="company_currency_id",
        compute="_compute_metrics",
        help="Untaxed amount of the store's posted invoices minus its credit notes, in the company's currency.",
    )

    # ------------------------------------------------------------------
    def _count_by_store(self, model, domain):
        return dict(self.env[model]._read_group([("store_id", "in", self.ids), *domain], ["store_id"], ["__count"]))

    def _compute_dashboard(self):
        now = fields.Datetime.now()
        failed = self._count_by_store("ecommerce.sync.log.line", [("state", "=", "failed")])
        recent = self._count_by_store("ecommerce.sync.log.line", [("create_date", ">=", now - timedelta(hours=24))])
        orders = self._count_by_store("ecommerce.binding", [("kind", "=", "order")])
        runs = self._count_by_store("ecommerce.sync.log", [])
        Discrepancy = self.env["ecommerce.discrepancy"]
        open_kinds = {}
        for store, kind, count in Discrepancy._read_group(
            [("store_id", "in", self.ids), ("state", "=", "open")], ["store_id", "kind"], ["__count"]
        ):
            open_kinds.setdefault(store, {})[kind] = count
        for store in self:
            store.failed_line_count = failed.get(store, 0)
            store.error_count_24h = recent.get(store, 0)
            store.orders_imported = orders.get(store, 0)
            store.sync_log_count = runs.get(store, 0)
            store.open_discrepancy_count = sum(open_kinds.get(store, {}).values())
            store.last_sync_ago = store._time_ago(store.last_sync_at, now) or _("Never")
            store.next_sync_in = store._next_sync_in(now) if store.state != "draft" else False
            store.stock_compared_ago = store._time_ago(store.stock_compared_at, now)
            store.health, store.health_reason = store._health(open_kinds.get(store, {}))

    def _time_ago(self, moment, now):
        """``5 minutes ago``, ``in 10 minutes``: a moment as people say it (False when there is none)."""
        if not moment:
            return False
        return _format_time_ago(self.env, now - moment)

    def _next_sync_in(self, now):
        """``in 10 minutes``, or ``due now`` when the moment has passed (the scheduler takes it at its next
        round); False when none is planned."""
        self.ensure_one()
        if not self.next_sync_at:
            return False
        if self.next_sync_at <= now:
            return _("due now")
        return _format_time_ago(self.env, now - self.next_sync_at, add_direction=True)

    def _health(self, open_kinds):
        """``(health, reason)``: how the store is doing and, when not well, why.

        Failing: the store is in error or its last sync failed. Needs
        attention: records wait for a retry, discrepancies are open, errors
        were logged in the last 24 hours, the last sync was partial, or store
        levels differed from Odoo's at the last comparison.
        """
        self.ensure_one()
        if self.state == "draft":
            return "idle", self.state_message or _("Not connected yet: press Test connection.")
        if self.state == "error":
            return "error", self.state_message or _("The store is in error.")
        if self.last_sync_result == "failed":
            return "error", self.last_sync_message or _("The last sync failed: see its sync runs.")
        reasons = []
        if self.failed_line_count:
            reasons.append(_("%(count)s records failed and wait for a retry.", count=self.failed_line_count))
        if open_kinds:
            labels = dict(self.env["ecommerce.discrepancy"]._fields["kind"]._description_selection(self.env))
            detail = ", ".join(
                f"{count} {labels.get(kind, kind).lower()}" for kind, count in sorted(open_kinds.items())
            )
            reasons.append(
                _("%(count)s open discrepancies (%(detail)s).", count=sum(open_kinds.values()), detail=detail)
            )
        if self.stock_compared_at and self.inventory_discrepancy_rate and "inventory_drift" not in open_kinds:
            reasons.append(
                _(
                    "%(rate)s %% of the store levels differed from Odoo's at the last comparison.",
                    rate=round(self.inventory_discrepancy_rate * 100, 1),
                )
            )
        if self.last_sync_result == "partial" and not self.failed_line_count:
            reasons.append(_("The last sync finished with failures."))
        if self.error_count_24h and not self.failed_line_count:
            reasons.append(_("%(count)s errors in the last 24 hours.", count=self.error_count_24h))
        if reasons:
            return "warning", "\n".join(reasons)
        return "good", False

    def _store_moves_domain(self, move_types):
        return [("ecommerce_store_id", "in", self.ids), ("state", "=", "posted"), ("move_type", "in", move_types)]

    def _payments_domain(self):
        """The store's payments and refunds of customers (payout transfers apart)."""
        return [("move_id.ecommerce_store_id", "in", self.ids), ("paired_internal_transfer_payment_id", "=", False)]

    def _payout_bindings(self):
        return self.env["ecommerce.binding"].search(
            [("store_id", "in", self.ids), ("kind", "=", "payout"), ("res_model", "=", "account.payment")]
        )

    def _compute_documents(self):
        # counts only, for whoever reads the store; the lists they open show what the reader may see
        invoices = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(self._store_moves_domain(("out_invoice", "out_refund")), ["ecommerce_store_id"], ["__count"])
        )
        Payment = self.env["account.payment"].sudo()
        payouts = self._count_by_store(
            "ecommerce.binding", [("kind", "=", "payout"), ("res_model", "=", "account.payment")]
        )
        for store in self:
            store.invoice_count = invoices.get(store, 0)
            store.payment_count = Payment.search_count(store._payments_domain()) if store.id else 0
            store.payout_count = payouts.get(store, 0)

    def _compute_metrics(self):
        """The card's figures: sync accuracy, order processing time, revenue per channel."""
        for store in self:
            store.sync_accuracy = store.processing_hours = store.revenue = 0.0
        stores = self.filtered("id")
        if not stores:
            return
        Report = self.env["ecommerce.order.report"]
        domain = [("store_id", "in", stores.ids)]
        revenue = dict(Report._read_group(domain, ["store_id"], ["revenue:sum"]))
        recent = domain + [
            ("placed_at", ">=", fields.Datetime.now() - timedelta(days=30)),
            ("invoice_posted_at", "!=", False),
        ]
        hours = dict(Report._read_group(recent, ["store_id"], ["processing_hours:avg"]))
        accuracy = stores._accuracy_counts()
        for store in stores:
            records, identical = accuracy.get(store.id, (0, 0))
            store.sync_accuracy = identical / records if records else 0.0
            store.processing_hours = hours.get(store) or 0.0
            store.revenue = revenue.get(store, 0.0)

    def _accuracy_counts(self):
        """``{store id: (records, identical)}`` over the store's orders, refunds and payouts.

        A record is identical when Odoo has it and no amount, tax or payout
        difference is open on it; a record that failed to import and waits for
        a retry counts as a record that is not identical.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT b.store_id,
                   COUNT(*),
                   COUNT(*) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM ecommerce_discrepancy d
                        WHERE d.store_id = b.store_id AND d.external_id = b.external_id
                          AND d.state = 'open' AND d.kind IN %(kinds)s))
              FROM ecommerce_binding b
             WHERE b.store_id IN %(stores)s AND b.kind IN ('order', 'refund', 'payout')
             GROUP BY b.store_id
            """,
            {"kinds": TOTAL_KINDS, "stores": tuple(self.ids)},
        )
        counts = {store_id: (records, identical) for store_id, records, identical in self.env.cr.fetchall()}
        failed = self._count_by_store(
            "ecommerce.sync.log.line", [("state", "=", "failed"), ("flow", "in", ("orders", "refunds", "payouts"))]
        )
        for store, number in failed.items():
            records, identical = counts.get(store.id, (0, 0))
            counts[store.id] = (records + number, identical)
        return counts

    # ------------------------------------------------------------------
    # every figure opens what it counts
    def _window(self, xmlid, domain, context=None, name=None, empty=None):
        """The window action ``xmlid`` on ``domain`` (for whoever may read the store)."""
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = {**(context or {}), "create": False}
        if name:
            action["name"] = name
        if empty:
            action["help"] = f'<p class="o_view_nocontent_smiling_face">{escape(empty)}</p>'
        return action

    def action_view_orders(self):
        self.ensure_one()
        return self._window("sale.action_orders", [("ecommerce_store_id", "=", self.id)], name=_("Store orders"))

    def action_view_invoices(self):
        self.ensure_one()
        return self._window(
            "account.action_move_out_invoice_type",
            self._store_moves_domain(("out_invoice", "out_refund")),
            {"default_move_type": "out_invoice"},
            name=_("Invoices and credit notes"),
        )

    def action_view_payments(self):
        self.ensure_one()
        return self._window(
            "account.action_account_all_payments",
            self._payments_domain(),
            name=_("Store payments"),
        )

    def action_view_payouts(self):
        self.ensure_one()
        return self._window(
            "account.action_account_all_payments",
            [("id", "in", self._payout_bindings().mapped("res_id"))],
            name=_("Payouts"),
            empty=_("No payout booked yet: they come with the payouts flow, once their orders are imported."),
        )

    def action_view_discrepancies(self):
        self.ensure_one()
        return self._window(
            "ecommerce_sync.ecommerce_discrepancy_action",
            [("store_id", "=", self.id)],
            {"search_default_open": 1, "default_store_id": self.id},
        )

    def action_view_stock_drift(self):
        self.ensure_one()
        return self._window(
            "ecommerce_sync.ecommerce_discrepancy_action",
            [("store_id", "=", self.id), ("kind", "=", "inventory_drift")],
            {"search_default_open": 1},
            name=_("Stock levels that differ"),
        )

    def action_view_revenue(self):
        self.ensure_one()
        return self._window(
            "ecommerce_sync.ecommerce_channel_report_action",
            [("store_id", "=", self.id)],
            name=_("Channel report: %(store)s", store=self.name),
        )

    def action_view_order_analysis(self):
        self.ensure_one()
        return self._window(
            "ecommerce_sync.ecommerce_order_report_action",
            [("store_id", "=", self.id)],
            name=_("Order analysis: %(store)s", store=self.name),
        )
