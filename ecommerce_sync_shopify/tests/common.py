from odoo.tests import TransactionCase

from odoo.addons.ecommerce_sync_shopify.sandbox import CostBudget, LeakyBucket, SandboxServer, SandboxShop, generate

TOKEN = "shpat_odoo_test_token"
SECRET = "whsec_odoo_test"


def start_sandbox(orders=20, seed=21, webhooks=None):
    """A generated Shopify shop served on 127.0.0.1 (a fast-leaking bucket and budget: tests never wait)."""
    shop = SandboxShop(generate(seed=seed, orders=orders), webhooks=webhooks)
    budget = CostBudget(2000, 100_000.0)
    return SandboxServer(shop, token=TOKEN, bucket=LeakyBucket(40, 2000.0), budget=budget).start()


def store_values(server, **values):
    return {
        "name": "Sandbox Outfitters",
        "platform": "shopify",
        "shopify_shop_domain": server.shop.domain,
        "shopify_access_token": TOKEN,
        "shopify_local_test_shop": True,
        "shopify_api_base_url": server.url,
        "webhook_secret": SECRET,
        **values,
    }


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
