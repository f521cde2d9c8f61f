"""The store's figures: sync accuracy, order processing time, revenue per channel, order volume alert."""

from datetime import timedelta, timezone
from decimal import Decimal as D

from odoo import fields
from odoo.tests import tagged

from ..connector.records import RefundAdjustment
from .common_ledger import LedgerCommon


@tagged("post_install", "-at_install")
class TestDashboard(LedgerCommon):
    def test_accuracy_processing_time_and_revenue(self):
        placed = (fields.Datetime.now() - timedelta(hours=3)).replace(tzinfo=timezone.utc)
        self.handle(self.us_order("3001", created_at=placed, updated_at=placed))
        self.handle(self.us_order("3002", created_at=placed, updated_at=placed))
        # the store says 9.99 of tax, Odoo computes 4.25: a tax difference on the third order
        wrong = self.us_order("3003", created_at=placed, updated_at=placed, total_tax=D("9.99"), total=D("85.93"))
        self.handle(wrong)
        self.assertEqual(self.discrepancies("tax_mismatch").mapped("external_id"), ["3003"])

        self.store.invalidate_recordset(["sync_accuracy", "processing_hours", "revenue"])
        self.assertAlmostEqual(self.store.sync_accuracy, 2 / 3, places=4)
        # imported (invoices posted) now, placed three hours ago
        self.assertAlmostEqual(self.store.processing_hours, 3.0, delta=0.1)
        # untaxed 75.94 per order, in the company's currency
        self.assertAlmostEqual(self.store.revenue, 3 * 75.94, places=2)

        goodwill = RefundAdjustment("adjustment", D("10.00"), reason="goodwill")
        refund = self.refund_of(self.us_order("3001"), "R-3001", adjustments=[goodwill])
        self.handle(refund)
        self.store.invalidate_recordset(["revenue"])
        self.assertAlmostEqual(self.store.revenue, 3 * 75.94 - 10.00, places=2)

    def test_orders_placed_long_ago_do_not_count_for_processing_time(self):
        self.handle(self.us_order("3010"))  # January 2025: a backfill, not a live order
        self.store.invalidate_recordset(["processing_hours", "sync_accuracy"])
        self.assertEqual(self.store.processing_hours, 0.0)
        self.assertEqual(self.store.sync_accuracy, 1.0)

    def test_more_orders_than_the_alert_within_a_day_raise_one_discrepancy(self):
        self.store.order_volume_alert = 2
        now = fields.Datetime.now().replace(tzinfo=timezone.utc)
        for number in range(3):
            placed = now - timedelta(hours=1 + number)
            self.handle(self.us_order(f"40{number}", created_at=placed, updated_at=placed))
            self.store._check_order_volume()
        alerts = self.discrepancies("order_volume")
        self.assertEqual(len(alerts), 1)
        self.assertRecordValues(alerts, [{"expected": 2.0, "found": 3.0}])
        self.assertIn("3 orders were placed in the last 24 hours", alerts.message)
        self.assertTrue(alerts.activity_ids)


@tagged("post_install", "-at_install")
class TestDashboardTruth(LedgerCommon):
    """What the card says is what the store's records say, and each figure opens them."""

    def placed_now(self, number, **kwargs):
        placed = (fields.Datetime.now() - timedelta(hours=2)).replace(tzinfo=timezone.utc)
        return self.us_order(number, created_at=placed, updated_at=placed, **kwargs)

    def test_processing_time_ends_at_the_invoice_posting(self):
        self.handle(self.placed_now("5001"))
        invoice = self.binding("order", "5001").invoice_ids
        self.assertEqual(invoice.state, "posted")
        # the invoice was created when imported, and is said to be posted two hours later
        invoice.ecommerce_posted_at = fields.Datetime.now() + timedelta(hours=2)
        self.env.flush_all()
        self.store.invalidate_recordset(["processing_hours"])
        self.assertAlmostEqual(self.store.processing_hours, 4.0, delta=0.1)

    def test_accuracy_counts_refunds_payouts_and_records_that_failed(self):
        first = self.placed_now("5101")
        self.handle(first)
        self.handle(self.placed_now("5102"))
        self.handle(self.refund_of(first, "r-5101", adjustments=[RefundAdjustment("adjustment", D("5.00"))]))
        self.store.invalidate_recordset(["sync_accuracy"])
        self.assertEqual(self.store.sync_accuracy, 1.0, "two orders and a refund, all as the store says")

        # the refund's credit note differs from the store's refund: one record of three differs
        self.env["ecommerce.discrepancy"]._flag(
            self.store, "amount_mismatch", "credit note differs", external_id="r-5101", expected=5.0, found=4.0
        )
        self.store.invalidate_recordset(["sync_accuracy"])
        self.assertAlmostEqual(self.store.sync_accuracy, 2 / 3, places=4)

        # a refund that could not be imported is a record Odoo does not hold as the store does
        log = self.env["ecommerce.sync.log"].create({"store_id": self.store.id, "flow": "refunds", "trigger": "cron"})
        self.env["ecommerce.sync.log.line"].create({"log_id": log.id, "external_id": "r-5102", "error": "boom"})
        self.store.invalidate_recordset(["sync_accuracy"])
        self.assertAlmostEqual(self.store.sync_accuracy, 2 / 4, places=4)

    def test_an_open_discrepancy_or_a_failed_record_needs_attention_with_the_reason(self):
        self.store.write({"state": "connected", "last_sync_result": "ok"})
        self.store.invalidate_recordset(["health"])
        self.assertEqual(self.store.health, "good")
        self.assertFalse(self.store.health_reason)

        self.env["ecommerce.discrepancy"]._flag(self.store, "inventory_drift", "drift", external_id="v1")
        self.store.invalidate_recordset(["health", "health_reason", "open_discrepancy_count"])
        self.assertEqual(self.store.health, "warning")
        self.assertEqual(self.store.open_discrepancy_count, 1)
        self.assertIn("1 open discrepancies (1 inventory drift)", self.store.health_reason)

        log = self.env["ecommerce.sync.log"].create({"store_id": self.store.id, "flow": "orders", "trigger": "cron"})
        self.env["ecommerce.sync.log.line"].create({"log_id": log.id, "external_id": "9", "error": "boom"})
        self.store.invalidate_recordset(["health", "health_reason", "failed_line_count"])
        self.assertIn("1 records failed and wait for a retry.", self.store.health_reason)

        self.store.write({"last_sync_result": "failed", "last_sync_message": "Memory (tests) is not available."})
        self.store.invalidate_recordset(["health", "health_reason"])
        self.assertEqual(self.store.health, "error")
        self.assertEqual(self.store.health_reason, "Memory (tests) is not available.")

    def test_relative_times(self):
        self.store.write({"last_sync_at": fields.Datetime.now() - timedelta(minutes=5), "state": "connected"})
        self.store.invalidate_recordset(["last_sync_ago"])
        self.assertEqual(self.store.last_sync_ago, "5 minutes ago")
        self.store.last_sync_at = False
        self.store.invalidate_recordset(["last_sync_ago"])
        self.assertEqual(self.store.last_sync_ago, "Never")
        # the next sync: ahead, or due (never "7 minutes ago")
        self.store.next_sync_at = fields.Datetime.now() + timedelta(minutes=10, seconds=30)
        self.store.invalidate_recordset(["next_sync_in"])
        self.assertEqual(self.store.next_sync_in, "in 10 minutes")
        self.store.next_sync_at = fields.Datetime.now() - timedelta(minutes=7)
        self.store.invalidate_recordset(["next_sync_in"])
        self.assertEqual(self.store.next_sync_in, "due now")

    def test_every_figure_opens_its_records(self):
        order = self.us_order("5201")
        self.handle(order)
        self.handle(self.refund_of(order, "r-5201", adjustments=[RefundAdjustment("adjustment", D("5.00"))]))
        sale_order = self.binding("order", "5201")
        moves = sale_order.invoice_ids
        self.assertEqual(set(moves.mapped("move_type")), {"out_invoice", "out_refund"})
        self.store.invalidate_recordset()

        def opened(action):
            return self.env[action["res_model"]].search(action["domain"])

        self.assertEqual(opened(self.store.action_view_orders()), sale_order)
        self.assertEqual(self.store.orders_imported, 1)
        self.assertEqual(opened(self.store.action_view_invoices()), moves)
        self.assertEqual(self.store.invoice_count, 2)
        payments = opened(self.store.action_view_payments())
        self.assertEqual(len(payments), 2, "the order's payment and the refund's")
        self.assertEqual(self.store.payment_count, 2)
        self.assertEqual(opened(self.store.action_view_payouts()), self.env["account.payment"])
        self.assertEqual(self.store.payout_count, 0)
        revenue_rows = opened(self.store.action_view_revenue())
        self.assertAlmostEqual(sum(revenue_rows.mapped("net_sales")), self.store.revenue, places=2)
        self.assertEqual(opened(self.store.action_view_order_analysis()).sale_order_id, sale_order)

    def test_only_the_flows_the_connector_pulls_are_offered(self):
        self.assertTrue(self.store.can_sync_products)
        self.assertTrue(self.store.can_sync_stock)
        self.assertFalse(self.store.can_sync_payouts, "the memory connector has no payouts")
        self.assertFalse(self.store.can_sync_orders)
