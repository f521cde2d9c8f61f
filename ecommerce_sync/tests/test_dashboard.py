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
