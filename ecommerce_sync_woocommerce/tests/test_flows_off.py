from odoo.tests import tagged

from .site_common import WooCommerceSiteCase


@tagged("post_install", "-at_install")
class TestWooCommerceRefundsOff(WooCommerceSiteCase):
    """A site imported with the store's refunds flow off: orders come in, refunds are left to be done by hand."""

    sandbox_orders = 10

    @classmethod
    def create_store(cls, name="Woo Sandbox", **values):
        return super().create_store(name, sync_refunds=False, **values)

    def test_every_order_is_imported_and_none_of_its_refunds_booked(self):
        refunded = [order_id for order_id, refunds in self.site.refunds.items() if refunds]
        self.assertTrue(refunded, "the site has refunds")
        orders_log = self.logs.filtered(lambda log: log.flow == "orders")
        self.assertRecordValues(orders_log, [{"state": "done", "created_count": self.sandbox_orders}])
        for order_id in refunded:
            self.assertEqual(len(self.sale_order(order_id)), 1)
        self.assertFalse(
            self.env["ecommerce.binding"].search([("store_id", "=", self.store.id), ("kind", "=", "refund")])
        )
        paid_back = self.env["account.payment"].search(
            [("move_id.ecommerce_store_id", "=", self.store.id), ("payment_type", "=", "outbound")]
        )
        self.assertFalse(paid_back, "no money paid back")
        returns = self.env["stock.picking"].search(
            [("sale_id.ecommerce_store_id", "=", self.store.id), ("picking_type_code", "=", "incoming")]
        )
        self.assertFalse(returns, "nothing restocked")

    def test_order_webhooks_while_orders_are_off_are_skipped(self):
        self.store.sync_orders = False
        self.env.flush_all()  # the delivery is posted by the sandbox, in the server's own environment
        order_id = next(iter(self.site.orders))
        before = self.counts()
        self.assertEqual(self.deliver("order.updated", order_id, delivery_id="off-1")[:2], (200, "skipped"))
        self.assertEqual(self.process_webhooks().mapped("state"), ["skipped"])
        self.assertEqual(self.counts(), before)
