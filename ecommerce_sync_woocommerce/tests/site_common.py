"""A merchant's Odoo set up for a WooCommerce site, and the site imported once per test class.

:class:`WooCommerceSiteCase` starts a sandbox site, sets up the company the
way a merchant would (the sandbox's ``merchant`` module: its sales taxes for
the site's rates, one of them mapped, the others found by rate; products with
the site's SKUs, or made from the site's products; stock counted in the
warehouse), then runs one "Sync now": products, orders (with their refunds),
stock levels sent back.

:class:`SiteOutcomes` holds the checks every site must pass: each figure is
compared with the site's own data (the payloads the sandbox served), never
with what Odoo computed.
"""

import copy
import json
from collections import defaultdict
from decimal import Decimal

from odoo.tests import HttpCase

from ..sandbox import merchant
from .common import WooCommerceSandboxMixin

D = Decimal
#: WooCommerce statuses of orders the customer paid
PAID = ("processing", "completed", "refunded")
#: statuses of orders imported without payment: open receivables
UNPAID = ("pending", "on-hold", "failed")


def cents(value):
    """An Odoo amount (float) as the store writes it."""
    return D(f"{value:.2f}")


def meta(item, key, default=None):
    return next((entry["value"] for entry in item.get("meta_data") or [] if entry["key"] == key), default)


class WooCommerceSiteCase(WooCommerceSandboxMixin, HttpCase):
    """A site imported into a merchant's Odoo (see the module's description)."""

    sandbox_orders = 20  # the generator's first 20 orders go through every status and refund kind
    #: units of every product counted in the warehouse before the first sync
    initial_stock = 60
    create_unknown_products = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.start_sandbox()
        cls.company = cls.setup_company()
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.store = cls.create_store(
            f"Woo {cls.sandbox.site.profile.title}",
            company_id=cls.company.id,
            create_unknown_products=cls.create_unknown_products,
        )
        profile = cls.sandbox.site.profile
        cls.taxes = merchant.create_taxes(cls.store, profile, mapped=[profile.rates[0].id])
        cls.engine = cls.env["ecommerce.sync.engine"]
        cls.first_logs = cls.env["ecommerce.sync.log"]
        if cls.create_unknown_products:
            # the site's products become Odoo products, whose stock the merchant counts before selling
            cls.first_logs = cls.engine.run_flow(cls.store, "products")
            products = cls.store.product_link_ids.product_id
        else:
            products = merchant.create_products(cls.env, cls.sandbox.site)
        merchant.count_stock(products, cls.store.warehouse_id.lot_stock_id, cls.initial_stock)
        cls.logs = cls.first_logs | cls.engine.sync_store(cls.store)
        # what the site says once synced: the reference of every check
        cls.site = copy.deepcopy(cls.sandbox.site)
        cls.pushes = list(cls.sandbox.pushes)

    # ------------------------------------------------------------------
    # the merchant's set-up
    @classmethod
    def setup_company(cls):
        return cls.env.company

    # ------------------------------------------------------------------
    # reading Odoo and the site
    def sale_order(self, order_id):
        return self.env["sale.order"].search(
            [("ecommerce_store_id", "=", self.store.id), ("ecommerce_external_id", "=", str(order_id))]
        )

    def invoices(self, sale_order):
        return sale_order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted")

    def bound(self, kind, external_id):
        return self.env["ecommerce.binding"]._find_record(self.store, kind, external_id)

    def orders_with_status(self, *statuses):
        return [order for order in self.site.orders.values() if order["status"] in statuses]

    @staticmethod
    def site_lines(payload):
        """``[(sale order line key, site line)]`` of an order payload: items, fees and shipping."""
        lines = [(str(item["id"]), item) for item in payload["line_items"] + payload["fee_lines"]]
        return lines + [(f"shipping:{line['id']}", line) for line in payload["shipping_lines"]]

    def site_amount(self, item):
        """What a site line is worth in the site's price mode (with its tax on a tax-inclusive site)."""
        if self.site.profile.prices_include_tax:
            return D(item["total"]) + D(item["total_tax"])
        return D(item["total"])

    def line_amount(self, lines):
        """The same of invoice or credit note lines."""
        return cents(sum(lines.mapped("price_total" if self.site.profile.prices_include_tax else "price_subtotal")))

    def tax_by_rate(self, payload):
        """``{rate id: tax amount}`` of an order payload's tax lines (items, fees and shipping)."""
        return {line["rate_id"]: D(line["tax_total"]) + D(line["shipping_tax_total"]) for line in payload["tax_lines"]}

    def expected_levels(self):
        """What each item the site sells should show, from the site's orders alone.

        Every imported order that is not cancelled takes its units from the
        counted stock (delivered, or reserved for delivery); units a refund
        restocked come back.
        """
        taken = defaultdict(int)
        for order in self.site.orders.values():
            if order["status"] in ("cancelled", "trash"):
                continue
            for line in order["line_items"]:
                restocked = int(meta(line, "_restock_refunded_items", 0))
                taken[line["variation_id"] or line["product_id"]] += line["quantity"] - restocked
        return {item_id: max(0, self.initial_stock - taken[item_id]) for item_id in self.site.sellable()}

    def open_discrepancies(self):
        return self.env["ecommerce.discrepancy"].search([("store_id", "=", self.store.id), ("state", "=", "open")])

    def counts(self):
        """How many documents the store has in Odoo."""
        return {
            "sale orders": self.env["sale.order"].search_count([("ecommerce_store_id", "=", self.store.id)]),
            "journal entries": self.env["account.move"].search_count([("ecommerce_store_id", "=", self.store.id)]),
            "payments": self.env["account.payment"].search_count(
                [("journal_id", "=", self.store.clearing_journal_id.id)]
            ),
            "transfers": self.env["stock.picking"].search_count([("sale_id.ecommerce_store_id", "=", self.store.id)]),
            "store variants": len(self.store.product_link_ids),
            "bindings": len(self.store.binding_ids),
        }

    def live_site(self):
        """The running sandbox's site, put back as it was once the test is over."""
        saved = copy.deepcopy(self.sandbox.site)
        self.addCleanup(setattr, self.sandbox, "site", saved)
        return self.sandbox.site

    # ------------------------------------------------------------------
    # webhooks
    def deliver(self, topic, resource_id, **kwargs):
        """A signed delivery from the site to the store's webhook address: ``(HTTP status, answer, delivery id)``."""
        url = f"{self.base_url()}/ecommerce_sync/webhook/{self.store.webhook_token}"
        status, answer, delivery = self.sandbox.deliver(url, topic, resource_id, "whsec_woo_sandbox", **kwargs)
        return status, json.loads(answer or b"{}").get("status"), delivery

    def process_webhooks(self):
        Event = self.env["ecommerce.webhook.event"]
        Event._cron_process()
        return Event.search([("store_id", "=", self.store.id)])


class SiteOutcomes:
    """The ledger and stock outcomes every imported site must show (mixed into a site case)."""

    def test_first_sync_imports_everything_without_failure(self):
        by_flow = {log.flow: log for log in self.logs}
        self.assertEqual(set(by_flow), {"products", "orders", "stock"})
        self.assertFalse(self.logs.line_ids, "\n".join(self.logs.line_ids.mapped("error")))
        products = self.logs.filtered(lambda log: log.flow == "products")
        self.assertEqual(sum(products.mapped("fetched_count")), len(self.site.products))
        self.assertEqual(sum(products.mapped("created_count")), len(self.site.products))
        self.assertRecordValues(
            by_flow["orders"],
            [{"state": "done", "fetched_count": self.sandbox_orders, "created_count": self.sandbox_orders}],
        )
        self.assertEqual(by_flow["stock"].state, "done")
        links = self.store.product_link_ids
        self.assertEqual(sorted(int(x) for x in links.mapped("external_id")), sorted(self.site.sellable()))
        self.assertFalse(links.filtered(lambda link: not link.product_id), "every item the site sells is linked")
        for link in links:
            self.assertEqual(link.product_id.default_code, self.site.item(int(link.external_id))["sku"])
        self.assertFalse(
            self.open_discrepancies(), "\n".join(f"{d.kind}: {d.message}" for d in self.open_discrepancies())
        )

    def test_every_invoice_is_the_site_order_to_the_cent(self):
        currency = self.site.profile.currency
        checked = 0
        for order_id, payload in self.site.orders.items():
            sale_order = self.sale_order(order_id)
            self.assertEqual(len(sale_order), 1, f"order {order_id} is imported once")
            if payload["status"] == "cancelled":
                continue
            invoice = self.invoices(sale_order)
            self.assertEqual(len(invoice), 1, f"order {order_id}: one posted invoice")
            total, tax = D(payload["total"]), D(payload["total_tax"])
            self.assertEqual(
                (cents(invoice.amount_untaxed), cents(invoice.amount_tax), cents(invoice.amount_total)),
                (total - tax, tax, total),
                f"order {order_id}: untaxed, tax and total of {invoice.name}",
            )
            self.assertEqual(invoice.currency_id.name, currency)
            # tax by tax: each site rate is the Odoo tax set up for it
            odoo_taxes = defaultdict(D)
            for line in invoice.line_ids.filtered("tax_line_id"):
                odoo_taxes[line.tax_line_id] -= cents(line.amount_currency)
            expected = {self.taxes[rate_id]: amount for rate_id, amount in self.tax_by_rate(payload).items() if amount}
            self.assertEqual(dict(odoo_taxes), expected, f"order {order_id}: tax per rate")
            # the lines the site sold: items, fees and shipping, each at the site's amount
            for key, item in self.site_lines(payload):
                sold = invoice.invoice_line_ids.filtered(
                    lambda line, key=key: key in line.sale_line_ids.mapped("ecommerce_line_external_id")
                )
                self.assertEqual(self.line_amount(sold), self.site_amount(item), f"order {order_id}, line {key}")
                if "sku" in item:
                    self.assertEqual(sum(sold.mapped("quantity")), item["quantity"])
                    self.assertEqual(sold.product_id.default_code, item["sku"])
            checked += 1
        self.assertEqual(checked, len(self.orders_with_status(*PAID, *UNPAID)))

    def test_payments_are_in_the_clearing_journal(self):
        clearing = self.store.clearing_journal_id
        for payload in self.orders_with_status(*PAID):
            sale_order = self.sale_order(payload["id"])
            invoice = self.invoices(sale_order)
            payment = invoice.matched_payment_ids.filtered(lambda payment: payment.payment_type == "inbound")
            self.assertEqual(len(payment), 1, f"order {payload['id']}")
            self.assertEqual(payment.journal_id, clearing)
            self.assertIn(payment.state, ("in_process", "paid"))
            self.assertEqual(cents(payment.amount), D(payload["total"]))
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            self.assertEqual(invoice.amount_residual, 0.0)
        for payload in self.orders_with_status(*UNPAID):
            invoice = self.invoices(self.sale_order(payload["id"]))
            self.assertEqual(invoice.payment_state, "not_paid", f"order {payload['id']} ({payload['status']})")
            self.assertEqual(cents(invoice.amount_residual), D(payload["total"]))
            self.assertFalse(invoice.matched_payment_ids)
        # the clearing account holds what the customers paid less what was refunded to them
        paid = sum(D(payload["total"]) for payload in self.orders_with_status(*PAID))
        refunded = sum(D(refund["amount"]) for refunds in self.site.refunds.values() for refund in refunds)
        lines = self.env["account.move.line"].search(
            [("account_id", "=", self.store.clearing_account_id.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(cents(sum(lines.mapped("balance"))), paid - refunded)
        self.assertGreater(refunded, 0)

    def test_refunds_are_credit_notes_paid_back_from_the_clearing_journal(self):
        refunds = [(order_id, refund) for order_id, refunds in self.site.refunds.items() for refund in refunds]
        self.assertGreaterEqual(len(refunds), 5)
        for order_id, refund in refunds:
            invoice = self.invoices(self.sale_order(order_id))
            credit_note = self.bound("refund", refund["id"])
            self.assertRecordValues(
                credit_note,
                [{"move_type": "out_refund", "state": "posted", "reversed_entry_id": invoice.id}],
            )
            items_tax = -sum((D(item["total_tax"]) for item in refund["line_items"]), D(0))
            self.assertEqual(
                (cents(credit_note.amount_total), cents(credit_note.amount_tax)),
                (D(refund["amount"]), items_tax),
                f"refund {refund['id']} of order {order_id}",
            )
            for item in refund["line_items"]:
                prefix = f"line:{meta(item, '_refunded_item_id')}#"
                credited = credit_note.invoice_line_ids.filtered(
                    lambda line, prefix=prefix: (line.ecommerce_line_key or "").startswith(prefix)
                )
                self.assertEqual(sum(credited.mapped("quantity")), -item["quantity"])
                self.assertEqual(credited.product_id.default_code, item["sku"])
                self.assertEqual(self.line_amount(credited), -self.site_amount(item))
            payment = self.bound("transaction", f"refund-{refund['id']}")
            self.assertRecordValues(
                payment, [{"payment_type": "outbound", "journal_id": self.store.clearing_journal_id.id}]
            )
            self.assertEqual(cents(payment.amount), D(refund["amount"]))
            self.assertIn(credit_note.payment_state, ("paid", "in_payment"))
        # a fully refunded order: its invoice is entirely credited
        for payload in self.orders_with_status("refunded"):
            invoice = self.invoices(self.sale_order(payload["id"]))
            credit_notes = self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
            self.assertEqual(cents(sum(credit_notes.mapped("amount_total"))), D(payload["total"]))

    def test_statuses_are_handled_as_the_base_promises(self):
        for payload in self.orders_with_status("cancelled"):
            sale_order = self.sale_order(payload["id"])
            self.assertEqual(sale_order.state, "cancel")
            self.assertFalse(sale_order.invoice_ids, "cancelled before its first import: nothing to invoice")
            self.assertTrue(all(picking.state == "cancel" for picking in sale_order.picking_ids))
        failed_orders = self.orders_with_status("failed")
        self.assertTrue(failed_orders)
        for failed in failed_orders:
            sale_order = self.sale_order(failed["id"])
            self.assertEqual(sale_order.state, "sale")
            self.assertIn("Failed payment", "\n".join(sale_order.message_ids.mapped("body")))
            binding = self.env["ecommerce.binding"]._find(self.store, "transaction", f"{failed['id']}-failed")
            self.assertEqual(binding.revision, "failed", "counted for the failed payments alert")
        for payload in self.orders_with_status("processing", "completed", "on-hold", "pending", "failed", "refunded"):
            self.assertEqual(self.sale_order(payload["id"]).state, "sale", payload["status"])

    def test_deliveries_follow_the_site(self):
        for payload in self.site.orders.values():
            sale_order = self.sale_order(payload["id"])
            for item in payload["line_items"]:
                line = sale_order.order_line.filtered(
                    lambda line, item=item: line.ecommerce_line_external_id == str(item["id"])
                )
                restocked = int(meta(item, "_restock_refunded_items", 0))
                if payload["status"] == "completed":
                    # shipped whole, and what a refund restocked came back through a return
                    expected = item["quantity"] - restocked
                else:
                    expected = 0
                self.assertEqual(line.qty_delivered, expected, f"order {payload['id']} ({payload['status']})")
            if payload["status"] == "completed":
                delivery = sale_order.picking_ids.filtered(lambda picking: picking.picking_type_code == "outgoing")
                self.assertEqual(set(delivery.mapped("state")), {"done"})

    def test_stock_levels_are_sent_through_the_batch_endpoints(self):
        expected = self.expected_levels()
        links = self.store._stock_links()
        self.assertEqual(len(links), len(self.site.sellable()) - 1, "every item but the untracked stickers")
        odoo_levels = self.store._stock_levels(links.product_id)
        for link in links:
            item = self.site.item(int(link.external_id))
            self.assertEqual(odoo_levels[link.product_id], expected[item["id"]], link.sku)
            self.assertEqual((item["manage_stock"], item["stock_quantity"]), (True, expected[item["id"]]), link.sku)
            self.assertEqual(link.pushed_level, expected[item["id"]])
        # batch calls only: simple products together, variations under their parent
        sent = {}
        for path, body in self.pushes:
            self.assertTrue(path.endswith("/batch"), path)
            self.assertLessEqual(len(body["update"]), 100)
            for update in body["update"]:
                item = self.site.item(update["id"])
                parent = item.get("parent_id") if item.get("type") == "variation" else None
                self.assertEqual(path, f"products/{parent}/variations/batch" if parent else "products/batch")
                sent[update["id"]] = update["stock_quantity"]
        self.assertEqual(sent, {int(link.external_id): expected[int(link.external_id)] for link in links})
        variations = links.filtered(lambda link: link.product_external_id != link.external_id)
        self.assertTrue(variations)
        for link in variations:
            self.assertEqual(link.product_external_id, str(self.site.item(int(link.external_id))["parent_id"]))
        untracked = self.store.product_link_ids - links
        self.assertEqual(untracked.mapped("sku"), ["WS-STICKERS"])
        stock_log = self.logs.filtered(lambda log: log.flow == "stock")
        self.assertRecordValues(stock_log, [{"updated_count": len(links), "failed_count": 0}])
        self.assertEqual(stock_log.api_calls, len(self.pushes))

    def test_a_second_sync_and_a_full_resync_create_nothing(self):
        before = self.counts()
        logs = self.engine.sync_store(self.store)
        by_flow = {log.flow: log for log in logs}
        self.assertEqual(set(by_flow), {"products", "orders"}, "no stock level to send")
        self.assertRecordValues(by_flow["orders"], [{"fetched_count": 0, "created_count": 0}])
        # the simple products whose stock the first sync set come back (WooCommerce saved them), nothing else
        pushed_products = {
            update["id"] for path, body in self.pushes if path == "products/batch" for update in body["update"]
        }
        self.assertRecordValues(by_flow["products"], [{"fetched_count": len(pushed_products), "created_count": 0}])
        # from the beginning again: every order is recognised by its revision
        self.store.write({"cursor_orders": False, "cursor_products": False})
        logs = self.engine.sync_store(self.store)
        orders = logs.filtered(lambda log: log.flow == "orders")
        self.assertRecordValues(
            orders, [{"fetched_count": self.sandbox_orders, "skipped_count": self.sandbox_orders, "failed_count": 0}]
        )
        self.assertEqual(sum(logs.mapped("created_count")), 0)
        self.assertEqual(self.counts(), before)
        self.assertEqual(len(self.sandbox.pushes), len(self.pushes), "no level to send again")
