from odoo.tests import TransactionCase

from ..sandbox import WooCommerceSandbox


class WooCommerceSandboxMixin:
    """Starts a WooCommerce sandbox on 127.0.0.1 for the test class and a store connected to it."""

    sandbox_profile = "us"
    sandbox_orders = 8

    @classmethod
    def start_sandbox(cls):
        cls.sandbox = WooCommerceSandbox(profile=cls.sandbox_profile, orders=cls.sandbox_orders, seed=17).start()
        cls.addClassCleanup(cls.sandbox.stop)

    @classmethod
    def create_store(cls, name="Woo Sandbox", **values):
        return (
            cls.env["ecommerce.store"]
            .with_context(tracking_disable=True)
            .create(
                {
                    "name": name,
                    "platform": "woocommerce",
                    "woocommerce_url": cls.sandbox.url,
                    "woocommerce_local_test_site": True,
                    "woocommerce_consumer_key": cls.sandbox.consumer_key,
                    "woocommerce_consumer_secret": cls.sandbox.consumer_secret,
                    "webhook_secret": "whsec_woo_sandbox",
                    **values,
                }
            )
        )


class WooCommerceCommon(WooCommerceSandboxMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.start_sandbox()
        cls.store = cls.create_store()
        cls.engine = cls.env["ecommerce.sync.engine"]
