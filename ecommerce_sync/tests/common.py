from odoo.tests import TransactionCase

from . import memory_platform


class EcommerceSyncCommon(TransactionCase):
    """A memory store (platform "memory") with a webhook secret and a few products."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.shop = memory_platform.shop("Memory Shop")
        cls.store = cls.env["ecommerce.store"].create(
            {
                "name": "Memory Shop",
                "platform": "memory",
                "webhook_secret": "whsec_test",
            }
        )
        cls.store.action_test_connection()
        cls.engine = cls.env["ecommerce.sync.engine"]
        cls.Product = cls.env["product.product"]
        cls.product_a = cls.Product.create({"name": "Alpha", "default_code": "SKU-A", "is_storable": True})
        cls.product_b = cls.Product.create(
            {"name": "Beta", "default_code": "SKU-B", "barcode": "4006381333931", "is_storable": True}
        )
        cls.product_c = cls.Product.create({"name": "Gamma", "default_code": "GAMMA-INT", "is_storable": True})

    def setUp(self):
        super().setUp()
        # each test starts with an empty shop of the same name
        self.shop = memory_platform.shop("Memory Shop")

    def links(self):
        return self.env["ecommerce.product.link"].search([("store_id", "=", self.store.id)], order="external_id")
