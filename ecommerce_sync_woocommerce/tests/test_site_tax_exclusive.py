from decimal import Decimal

from odoo.tests import tagged

from .site_common import SiteOutcomes, WooCommerceSiteCase, cents, meta

D = Decimal


@tagged("post_install", "-at_install")
class TestTaxExclusiveSite(SiteOutcomes, WooCommerceSiteCase):
    """A US site (prices without tax, state and county taxes) imported into a US company.

    The merchant created a product per SKU and the two sales taxes; then the
    site talks to Odoo through its webhooks.
    """

    sandbox_profile = "us"

    def item_id(self, sku, site=None):
        site = site or self.site
        return next(item_id for item_id in site.sellable() if site.item(item_id)["sku"] == sku)

    def test_taxes_are_the_merchant_taxes(self):
        mapped = self.env["ecommerce.tax.mapping"].search([("store_id", "=", self.store.id)])
        self.assertEqual(mapped.mapped("external_key"), ["75"], "the county tax was found by its rate")
        invoices = self.env["account.move"].search(
            [("ecommerce_store_id", "=", self.store.id), ("move_type", "=", "out_invoice")]
        )
        self.assertEqual(invoices.invoice_line_ids.tax_ids, self.taxes[75] | self.taxes[76])
        self.assertFalse(any(tax.price_include for tax in invoices.invoice_line_ids.tax_ids))

    def test_redelivered_order_webhooks_are_duplicates(self):
        [order] = [payload for payload in self.orders_with_status("completed") if not self.site.refunds[payload["id"]]][
            :1
        ]
        before = self.counts()
        self.assertEqual(self.deliver("order.updated", order["id"], delivery_id="f00d")[:2], (200, "accepted"))
        # the same delivery again, under either order topic, with the same date_modified
        self.assertEqual(self.deliver("order.updated", order["id"], delivery_id="f00d")[:2], (200, "duplicate"))
        self.assertEqual(self.deliver("order.created", order["id"], delivery_id="f00d")[:2], (200, "duplicate"))
        # WooCommerce retries a delivery with a new delivery id: stored, and recognised when processed
        self.assertEqual(self.deliver("order.updated", order["id"], delivery_id="beef")[:2], (200, "accepted"))
        events = self.process_webhooks()
        self.assertEqual(events.mapped("state"), ["done", "done"])
        log = self.store.sync_log_ids.filtered(lambda log: log.trigger == "webhook")
        self.assertRecordValues(log, [{"flow": "orders", "fetched_count": 2, "skipped_count": 2}])
        self.assertEqual(self.counts(), before)

    def test_an_order_lives_through_its_webhooks(self):
        site = self.live_site()
        cap, tee = self.item_id("WS-CAP", site), self.item_id("WS-TEE-BLA-M", site)
        order = site.create_order(
            [(cap, 3), (tee, 1)], site.tick(600), coupon=("welcome10", "percent", D(10)), status="processing"
        )
        self.assertEqual(self.deliver("order.created", order["id"])[:2], (200, "accepted"))
        self.process_webhooks()
        sale_order = self.sale_order(order["id"])
        invoice = self.invoices(sale_order)
        total, tax = D(order["total"]), D(order["total_tax"])
        self.assertEqual((cents(invoice.amount_untaxed), cents(invoice.amount_tax)), (total - tax, tax))
        self.assertEqual(cents(invoice.amount_total), total)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertIn("welcome10", sale_order.note)
        before = self.counts()
        # the same order state delivered again under a new delivery id: nothing new
        self.assertEqual(self.deliver("order.created", order["id"], delivery_id="retry-1")[:2], (200, "accepted"))
        self.process_webhooks()
        self.assertEqual(self.counts(), before)

        # shipped: the delivery is validated, the invoice stays
        site.set_status(order["id"], "completed", site.tick(3600))
        self.deliver("order.updated", order["id"])
        self.process_webhooks()
        delivery = sale_order.picking_ids.filtered(lambda picking: picking.picking_type_code == "outgoing")
        self.assertEqual(delivery.state, "done")
        self.assertEqual(self.invoices(sale_order), invoice)

        # one cap comes back: a credit note paid back from the clearing journal, the cap back in stock
        cap_line = next(line for line in order["line_items"] if line["sku"] == "WS-CAP")
        refund = site.refund(order["id"], {cap_line["id"]: 1}, restock=True, reason="Too small", at=site.tick(7200))
        self.deliver("order.updated", order["id"])
        self.process_webhooks()
        credit_note = self.bound("refund", refund["id"])
        self.assertEqual(cents(credit_note.amount_total), D(refund["amount"]))
        self.assertEqual(cents(credit_note.amount_tax), -D(refund["line_items"][0]["total_tax"]))
        self.assertEqual(self.bound("transaction", f"refund-{refund['id']}").journal_id, self.store.clearing_journal_id)
        cap_sold = sale_order.order_line.filtered(lambda line: line.ecommerce_line_external_id == str(cap_line["id"]))
        self.assertEqual(cap_sold.qty_delivered, 2)

        # the next pull recognises the order, and sends the stock levels the webhooks changed
        logs = self.engine.sync_store(self.store)
        orders = logs.filtered(lambda log: log.flow == "orders")
        self.assertRecordValues(orders, [{"fetched_count": 1, "skipped_count": 1, "created_count": 0}])
        cap_product = self.store.product_link_ids.filtered(lambda link: link.sku == "WS-CAP").product_id
        cap_level = self.expected_levels()[cap] - 3 + 1
        self.assertEqual(self.store._stock_levels(cap_product)[cap_product], cap_level)
        self.assertEqual(site.item(cap)["stock_quantity"], cap_level)

    def test_deleted_orders(self):
        site = self.live_site()
        Event = self.env["ecommerce.webhook.event"]
        # an unpaid order moved to the trash: cancelled, its invoice reversed
        pending = self.orders_with_status("pending")[0]
        site.trash_order(pending["id"], site.tick(60))
        status, answer, delivery = self.deliver("order.deleted", pending["id"])
        self.assertEqual((status, answer), (200, "accepted"))
        self.assertEqual(self.deliver("order.deleted", pending["id"], delivery_id=delivery)[1], "duplicate")
        self.process_webhooks()
        sale_order = self.sale_order(pending["id"])
        invoice = self.invoices(sale_order)
        self.assertEqual(sale_order.state, "cancel")
        self.assertEqual(invoice.payment_state, "reversed")
        reversal = self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
        self.assertEqual(cents(reversal.amount_total), D(pending["total"]))

        # a paid order moved to the trash: the money was received, the goods stay in the warehouse
        paid = next(
            payload for payload in self.orders_with_status("processing") if not self.site.refunds[payload["id"]]
        )
        site.trash_order(paid["id"], site.tick(60))
        self.deliver("order.deleted", paid["id"])
        self.process_webhooks()
        sale_order = self.sale_order(paid["id"])
        self.assertEqual(sale_order.state, "cancel")
        self.assertIn(self.invoices(sale_order).payment_state, ("paid", "in_payment"))
        self.assertEqual(set(sale_order.picking_ids.mapped("state")), {"cancel"})

        # deleted for good: nothing to read back, the event says so and the order stays as it is
        on_hold = self.orders_with_status("on-hold")[0]
        site.delete_order(on_hold["id"])
        self.deliver("order.deleted", on_hold["id"])
        self.process_webhooks()
        event = Event.search([("store_id", "=", self.store.id), ("external_id", "=", str(on_hold["id"]))])
        self.assertEqual(event.state, "failed")
        self.assertIn(f"order {on_hold['id']} is no longer on the site", event.error)
        self.assertEqual(self.sale_order(on_hold["id"]).state, "sale")

    def test_product_updates_refresh_the_store_variants(self):
        site = self.live_site()
        links = self.store.product_link_ids
        mug = site.item(self.item_id("WS-MUG", site))
        mug["price"] = mug["regular_price"] = "13.75"
        site._dates(mug, "date_modified", site.tick(60))
        self.assertEqual(self.deliver("product.updated", mug["id"])[:2], (200, "accepted"))
        # a variation's price: WooCommerce sends the variable product, whose variations are read back
        hoodie = next(product for product in site.products.values() if product["sku"] == "WS-HOODIE")
        variation = site.variations[hoodie["variations"][0]]
        variation["price"] = variation["regular_price"] = "44.00"
        site._dates(variation, "date_modified", site.tick(1))
        site._dates(hoodie, "date_modified", site.now)
        self.deliver("product.updated", hoodie["id"])
        events = self.process_webhooks()
        self.assertEqual(events.mapped("state"), ["done", "done"])
        mug_link = links.filtered(lambda link: link.external_id == str(mug["id"]))
        self.assertEqual(mug_link.store_price, 13.75)
        self.assertEqual(mug_link.revision[:19], mug["date_modified_gmt"])
        variation_link = links.filtered(lambda link: link.external_id == str(variation["id"]))
        self.assertEqual(variation_link.store_price, 44.0)
        self.assertEqual(variation_link.product_external_id, str(hoodie["id"]))
        self.assertEqual(self.store.product_link_ids, links, "no new store variant")
        self.env.cr.flush()
        self.assertFalse(self.store.stock_push_ids, "a refreshed variant does not send its level again")

    def test_restocked_refunds_come_back_to_the_warehouse(self):
        restocked = [
            (payload, line)
            for payload in self.orders_with_status("completed")
            for line in payload["line_items"]
            if int(meta(line, "_restock_refunded_items", 0))
        ]
        self.assertTrue(restocked)
        for payload, line in restocked:
            returns = self.sale_order(payload["id"]).picking_ids.filtered(
                lambda picking: picking.picking_type_code == "incoming"
            )
            self.assertEqual(returns.state, "done")
            self.assertEqual(sum(returns.move_ids.mapped("quantity")), int(meta(line, "_restock_refunded_items")))
