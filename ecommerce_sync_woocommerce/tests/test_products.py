from odoo.tests import tagged

from .common import WooCommerceCommon


@tagged("post_install", "-at_install")
class TestWooCommerceProducts(WooCommerceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.cap = Product.create({"name": "Cap", "default_code": "WS-CAP", "is_storable": True})
        cls.tee = Product.create({"name": "Tee black M", "default_code": "WS-TEE-BLA-M", "is_storable": True})

    def links(self):
        return self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)])

    def test_products_and_variations_become_store_variants(self):
        site = self.sandbox.site
        log = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(log, [{"state": "done", "fetched_count": len(site.products), "failed_count": 0}])
        links = self.links()
        self.assertEqual(sorted(int(x) for x in links.mapped("external_id")), sorted(site.sellable()))
        cap = links.filtered(lambda link: link.sku == "WS-CAP")
        self.assertRecordValues(
            cap, [{"product_id": self.cap.id, "match_method": "sku", "store_price": 15.0, "tracked": True}]
        )
        self.assertEqual(cap.product_external_id, cap.external_id)  # a simple product is its own variant
        tee = links.filtered(lambda link: link.sku == "WS-TEE-BLA-M")
        tee_variation = site.variations[int(tee.external_id)]
        self.assertRecordValues(
            tee,
            [
                {
                    "product_id": self.tee.id,
                    "product_external_id": str(tee_variation["parent_id"]),
                    "name": "Organic T-shirt - Black, M",
                }
            ],
        )
        self.assertFalse(links.filtered(lambda link: link.sku == "WS-STICKERS").tracked)
        self.assertEqual(len(links.filtered("product_id")), 2)
        self.assertTrue(log.api_calls >= 1 + len([p for p in site.products.values() if p["type"] == "variable"]))

    def test_a_second_run_fetches_only_changes(self):
        self.engine.run_flow(self.store, "products")
        again = self.engine.run_flow(self.store, "products")
        self.assertEqual(again.fetched_count, 0)
        # a price change on the site reaches the store variant at the next run
        mug = next(p for p in self.sandbox.site.products.values() if p["sku"] == "WS-MUG")
        mug["price"] = mug["regular_price"] = "13.75"
        self.sandbox.site.set_stock(mug["id"], mug["stock_quantity"])  # a save on the site
        log = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(log, [{"fetched_count": 1, "updated_count": 1}])
        self.assertEqual(self.links().filtered(lambda link: link.sku == "WS-MUG").store_price, 13.75)
