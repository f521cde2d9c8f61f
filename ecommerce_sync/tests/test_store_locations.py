"""Stores whose platform has several locations (registers, shops) mapped to warehouses.

A connector addon maps its platform's locations by extending three methods of the store:
``_location_warehouse`` and ``_location_analytic_account`` (where a location's orders deliver from
and which analytic account they carry) and ``_stock_targets`` (which location is sent, and compared
with, which stock). The memory store stands for such a platform here.
"""

from odoo.tests import tagged

from .common_ledger import D, LedgerCommon, RefundAdjustment


@tagged("post_install", "-at_install")
class TestOrdersPerLocation(LedgerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kiosk = cls.env["stock.warehouse"].create({"name": "Kiosk", "code": "KSK", "company_id": cls.company.id})
        plan = cls.env["account.analytic.plan"].create({"name": "Registers"})
        cls.kiosk_analytic = cls.env["account.analytic.account"].create({"name": "Kiosk register", "plan_id": plan.id})

    def setUp(self):
        super().setUp()
        store_class = type(self.store)
        kiosk, analytic = self.kiosk, self.kiosk_analytic
        warehouse_of, analytic_of = store_class._location_warehouse, store_class._location_analytic_account
        self.patch(
            store_class,
            "_location_warehouse",
            lambda store, location: kiosk if location == "kiosk" else warehouse_of(store, location),
        )
        self.patch(
            store_class,
            "_location_analytic_account",
            lambda store, location: analytic if location == "kiosk" else analytic_of(store, location),
        )

    def test_an_order_delivers_from_its_locations_warehouse_with_its_analytic_account(self):
        self.product_a.is_storable = True
        self.handle(self.us_order("5001", location_external_id="kiosk"))
        self.handle(self.us_order("5002"))

        kiosk_order, other = self.binding("order", "5001"), self.binding("order", "5002")
        self.assertRecordValues(
            kiosk_order, [{"ecommerce_location_external_id": "kiosk", "warehouse_id": self.kiosk.id, "state": "sale"}]
        )
        self.assertEqual(kiosk_order.picking_ids.picking_type_id.warehouse_id, self.kiosk)
        self.assertEqual(other.warehouse_id, self.store.warehouse_id)
        self.assertFalse(other.ecommerce_location_external_id)
        self.assertEqual(
            set(kiosk_order.invoice_ids.invoice_line_ids.mapped(lambda line: tuple(line.analytic_distribution))),
            {(str(self.kiosk_analytic.id),)},
        )
        self.assertFalse(any(other.invoice_ids.invoice_line_ids.mapped("analytic_distribution")))

        # what a refund credits beyond the items carries the location's analytic account too
        refund = self.refund_of(
            self.us_order("5001"), "r-5001", adjustments=[RefundAdjustment("adjustment", D("5.00"), reason="Goodwill")]
        )
        self.handle(refund)
        credit_note = self.binding("refund", "r-5001")
        self.assertEqual(credit_note.invoice_line_ids.analytic_distribution, {str(self.kiosk_analytic.id): 100})
