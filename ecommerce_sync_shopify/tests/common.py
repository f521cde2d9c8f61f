from odoo.tests import TransactionCase

from odoo.addons.ecommerce_sync_shopify.sandbox.merchant import SECRET, TOKEN, start_sandbox, store_values

__all__ = ["SECRET", "TOKEN", "ShopifySandboxCommon", "start_sandbox", "store_values"]


class ShopifySandboxCommon(TransactionCase):
    """A Shopify store connected to a sandbox shop started for the test class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.server = start_sandbox()
        cls.addClassCleanup(cls.server.stop)
        cls.shop = cls.server.shop
        cls.store = cls.env["ecommerce.store"].create(store_values(cls.server))
        cls.engine = cls.env["ecommerce.sync.engine"]
