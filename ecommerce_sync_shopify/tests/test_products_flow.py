from odoo.tests import tagged

from .common import ShopifySandboxCommon


@tagged("post_install", "-at_install")
class TestShopifyProductsFlow(ShopifySandboxCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store.action_test_connection()
        cls.Product = cls.env["product.product"]
        cls.sweater = cls.Product.create({"name": "Merino sweater M", "default_code": "MCS-M", "is_storable": True})
        cls.bottle = cls.Product.create({"name": "Bottle", "default_code": "BOTTLE-INT", "is_storable": True})
        variant = next(
            variant
            for product in cls.shop.products.values()
            for variant in product["variants"]
            if variant["sku"] == "IBT-STEE"
        )
        cls.bottle.barcode = variant["barcode"]

    def links(self):
        return self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)])

    def test_a_products_pull_lists_every_store_variant(self):
        calls = self.server.calls()
        log = self.engine.run_flow(self.store, "products", trigger="manual")

        variants = [variant for product in self.shop.products.values() for variant in product["variants"]]
        self.assertRecordValues(
            log, [{"state": "done", "fetched_count": len(self.shop.products), "failed_count": 0, "pages": 1}]
        )
        self.assertEqual(log.created_count, len(self.shop.products))
        self.assertEqual(log.api_calls, self.server.calls() - calls)
        links = self.links()
        self.assertEqual(sorted(links.mapped("external_id")), sorted(str(variant["id"]) for variant in variants))
        by_sku = {link.sku: link for link in links}
        self.assertRecordValues(
            by_sku["MCS-M"], [{"product_id": self.sweater.id, "match_method": "sku", "state": "linked"}]
        )
        self.assertRecordValues(by_sku["IBT-STEE"], [{"product_id": self.bottle.id, "match_method": "barcode"}])
        self.assertEqual(by_sku["MCS-L"].state, "unlinked")
        sweater_variant = next(variant for variant in variants if variant["sku"] == "MCS-M")
        item = self.shop.items[sweater_variant["inventory_item_id"]]
        self.assertRecordValues(
            by_sku["MCS-M"],
            [
                {
                    "name": "Merino Crew Sweater - M",
                    "store_price": 89.0,
                    "store_cost": float(item["cost"]),
                    "inventory_item_id": str(item["id"]),
                    "product_external_id": str(sweater_variant["product_id"]),
                    "tracked": True,
                }
            ],
        )
        self.assertFalse(by_sku["GIFT-50"].tracked, "gift cards keep no stock")
        self.assertTrue(self.store.cursor_products)

        # the next pull starts at the cursor: only the boundary product comes back, unchanged
        again = self.engine.run_flow(self.store, "products")
        self.assertRecordValues(again, [{"fetched_count": 1, "created_count": 0, "failed_count": 0}])
        self.assertEqual(len(self.links()), len(variants))

    def test_unknown_variants_can_become_products(self):
        self.store.create_unknown_products = True
        self.engine.run_flow(self.store, "products")
        link = self.links().filtered(lambda link: link.sku == "TRS-44")
        self.assertEqual(link.match_method, "created")
        self.assertRecordValues(link.product_id, [{"default_code": "TRS-44", "is_storable": True, "list_price": 129.0}])
