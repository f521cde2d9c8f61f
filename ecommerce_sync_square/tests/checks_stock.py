class StockChecks:
    """Stock after the sync: each Square location shows its own warehouse's level; drift per location."""

    def test_each_location_was_sent_its_warehouses_level(self):
        expected = self.expected_levels()
        for (sku, key), level in expected.items():
            warehouse = self.locations[key].warehouse_id
            product = self.products[sku].with_context(warehouse_id=warehouse.id)
            self.assertEqual(product.free_qty, level, (sku, key))
        self.assertEqual(self.square_levels(), expected, "Square counts what each warehouse has")
        self.assertEqual(len({self.locations[key].warehouse_id for key in self.locations}), 3)

        self.store.action_compare_stock()
        self.assertEqual(self.store.inventory_discrepancy_rate, 0.0)
        self.assertFalse(self.open_discrepancies())

    def test_a_count_changed_in_square_is_drift_at_that_location(self):
        sku = "BEAN-HB-W"
        variation = next(vid for vid, value in self.skus().items() if value == sku)
        kiosk, cafe = self.locations["kiosk"], self.locations["cafe"]
        odoo_level = self.expected_levels()[sku, "kiosk"]
        Push = self.env["ecommerce.stock.push"]

        # someone counts more at the kiosk than Odoo has: it could oversell, Odoo's level goes back
        self.seller.set_count(variation, kiosk.external_id, odoo_level + 5)
        [(topic, _headers, _body)] = self.deliver_new()
        self.assertEqual(topic, "inventory.count.updated")
        self.process()
        [drift] = self.open_discrepancies("inventory_drift")
        self.assertRecordValues(
            drift,
            [{"external_id": f"{variation}@{kiosk.external_id}", "expected": odoo_level + 5, "found": odoo_level,
              "res_id": self.products[sku].id}],
        )  # fmt: skip
        Push._cron_flush()
        self.assertEqual(self.square_levels()[sku, "kiosk"], odoo_level)
        self.assertEqual(self.square_levels()[sku, "cafe"], self.expected_levels()[sku, "cafe"], "left as it was")
        # Square announces the corrected count: resolved
        self.deliver_new()
        self.process()
        self.assertEqual(drift.state, "resolved")

        # a lower count at the café is recorded, not overwritten (a sale Odoo has not imported yet)
        self.seller.set_count(variation, cafe.external_id, 1)
        self.deliver_new()
        self.process()
        [lower] = self.open_discrepancies("inventory_drift")
        self.assertEqual(lower.external_id, f"{variation}@{cafe.external_id}")
        self.assertFalse(Push.search([("store_id", "=", self.store.id)]))
        # the comparison finds the same, at that location only
        self.store.action_compare_stock()
        self.assertEqual(self.open_discrepancies("inventory_drift"), lower)
        self.assertGreater(self.store.inventory_discrepancy_rate, 0.0)
