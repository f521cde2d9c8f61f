"""Stores whose platform has several locations (registers, shops) mapped to warehouses.

A connector addon maps its platform's locations by extending three methods of the store:
``_location_warehouse`` and ``_location_analytic_account`` (where a location's orders deliver from
and which analytic account they carry) and ``_stock_targets`` (which location is sent, and compared
with, which stock). The memory store stands for such a platform here.
"""

from decimal import Decimal

from odoo.tests import tagged

from .common_ledger import D, LedgerCommon, RefundAdjustment
from .common_stock import EcommerceStockCommon


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


@tagged("post_install", "-at_install")
class TestStockPerLocation(EcommerceStockCommon):
    """The memory store shows the main warehouse at "loc-1" and a second warehouse at "loc-2"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls.env["stock.warehouse"].create({"name": "Second", "code": "SEC"})

    def setUp(self):
        super().setUp()
        main, second = self.stock_location, self.second.lot_stock_id
        self.patch(type(self.store), "_stock_targets", lambda store: [("loc-1", main), ("loc-2", second)])
        self.shop.by_location = True

    def test_each_location_is_sent_its_warehouses_level(self):
        self.count_stock(self.product_a, 5)
        self.count_stock(self.product_a, 3, self.second.lot_stock_id)
        self.count_stock(self.product_b, 2, self.second.lot_stock_id)
        self.assertEqual(set(self.queued().product_id.ids), {self.product_a.id, self.product_b.id})

        log = self.flush()

        self.assertRecordValues(log, [{"state": "done", "fetched_count": 2, "updated_count": 2, "failed_count": 0}])
        self.assertEqual(
            sorted((variant, quantity, location) for variant, quantity, _item, location in self.pushed()),
            [("va", 3, "loc-2"), ("va", 5, "loc-1"), ("vb", 0, "loc-1"), ("vb", 2, "loc-2")],
        )
        self.assertEqual(self.link_a.pushed_level, 8, "the level sent, summed over the locations")
        self.assertFalse(self.queued())

        # a change in the second warehouse is sent to the location showing it
        self.receive(self.product_b, 4, self.second.lot_stock_id, self.second.in_type_id)
        self.flush()
        self.assertEqual(self.shop.location_levels[("vb", "loc-2")], 6)
        self.assertEqual(self.shop.location_levels[("vb", "loc-1")], 0)

    def test_a_location_refusing_its_level_fails_the_variant_with_the_location_named(self):
        self.count_stock(self.product_a, 5)
        connector_class = type(self.store._get_connector())
        push = connector_class.push_stock

        def refuse_loc_2(connector, updates):
            result = push(connector, [update for update in updates if update.location_external_id != "loc-2"])
            result.failed += [
                (update, "location closed") for update in updates if update.location_external_id == "loc-2"
            ]
            return result

        self.patch(connector_class, "push_stock", refuse_loc_2)
        log = self.flush()

        self.assertRecordValues(log, [{"state": "partial", "updated_count": 0, "failed_count": 1}])
        self.assertEqual(self.link_a.push_error, "loc-2: location closed")
        self.assertEqual(self.queued().error, "SKU-A: loc-2: location closed")

    def test_drift_is_flagged_per_location(self):
        self.count_stock(self.product_a, 5)
        self.count_stock(self.product_a, 3, self.second.lot_stock_id)
        self.store._queue_all_stock()
        self.flush()
        self.shop.location_levels[("va", "loc-2")] = Decimal(7)
        self.shop.location_levels[("ghost", "loc-2")] = Decimal(1)

        log = self.compare._compare_store_levels(self.store)

        # three linked variants at two locations; vb and vc show 0 as Odoo does
        self.assertRecordValues(log, [{"fetched_count": 6, "updated_count": 1, "skipped_count": 5}])
        drift = self.store.discrepancy_ids.filtered(lambda d: d.kind == "inventory_drift" and d.state == "open")
        self.assertRecordValues(drift, [{"external_id": "va@loc-2", "expected": 7, "found": 3}])
        self.assertIn("location loc-2", drift.message)
        self.assertEqual(self.link_a.store_level, 12)
        self.assertAlmostEqual(self.store.inventory_discrepancy_rate, 1 / 6, places=4)
        # above Odoo's level: corrected at once, at that location
        self.flush()
        self.assertEqual(self.shop.location_levels[("va", "loc-2")], 3)

        # a level webhook of a location is compared with that location's warehouse
        for location, level, differs in (("loc-1", 5, False), ("loc-2", 2, True), ("elsewhere", 9, False)):
            payload = {"variant_id": "va", "available": level, "location_id": location}
            records = self.store._get_connector().parse("stock", payload)
            outcome = self.engine._handle_records(self.store, records)
            self.assertEqual(outcome, "updated" if differs else "skipped", location)
        self.assertEqual(
            self.store.discrepancy_ids.filtered(lambda d: d.state == "open").mapped("external_id"), ["va@loc-2"]
        )
