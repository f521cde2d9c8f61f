"""What people read and press: errors, discrepancies, webhook events, the guided set-up, store values."""

from datetime import date
from decimal import Decimal

from odoo import fields
from odoo.tests import tagged

from odoo.addons.ecommerce_sync.connector import AuthenticationError, TransientError, WebhookEvent

from ..tools.error_text import explain
from . import memory_platform
from .common import EcommerceSyncCommon
from .common_stock import EcommerceStockCommon

REFUSED = (
    "GET http://127.0.0.1:8790/api/v3/system_status: HTTP 401, the credentials were refused: "
    '{"code":"rest_authentication_error","message":"Consumer secret is invalid.","data":{"status":401}}'
)


@tagged("post_install", "-at_install")
class TestErrorsPeopleRead(EcommerceSyncCommon):
    def test_a_refusal_says_what_happened_and_what_to_do(self):
        text = explain(self.env, AuthenticationError(REFUSED, 401), "The site", "the consumer key and secret")
        self.assertEqual(
            text,
            "The site refused the credentials (HTTP 401): check the consumer key and secret, then press Test "
            "connection. The site said: Consumer secret is invalid.",
        )
        self.assertNotIn("http://", text)
        self.assertNotIn("rest_authentication_error", text)
        # what the connector adds after the platform's answer stays, the JSON around the words goes
        hinted = AuthenticationError(f"{REFUSED} (the site's clock differs)", 401)
        self.assertTrue(
            explain(self.env, hinted, "The site").endswith(
                "The site said: Consumer secret is invalid. (the site's clock differs)"
            )
        )

    def test_an_outage_says_nothing_is_lost(self):
        error = TransientError('GET https://x/orders.json: HTTP 503 after 5 attempts: {"errors": "Unavailable"}', 503)
        self.assertEqual(
            explain(self.env, error, "Acme"),
            "Acme is not available (HTTP 503): nothing is lost, the next sync carries on where this one "
            "stopped. Acme said: Unavailable",
        )
        self.assertIn("could not be reached", explain(self.env, "GET https://x: no answer after 5 attempts (Timeout)"))
        self.assertEqual(explain(self.env, "No product matches SKU-9."), "No product matches SKU-9.")

    def test_the_store_keeps_the_technical_detail_apart(self):
        self.shop.add_variant("v1", "SKU-A")
        self.shop.refuse_credentials = True
        action = self.store.action_test_connection()
        self.assertEqual(self.store.state, "error")
        self.assertTrue(self.store.state_message.startswith("Memory (tests) refused the credentials (HTTP 401): check"))
        self.assertIn("press Test connection", action["params"]["message"])
        self.assertEqual(self.store.state_detail, "HTTP 401, the credentials were refused")

        log = self.engine.run_flow(self.store, "products")
        self.assertEqual(log.message, "HTTP 401, the credentials were refused", "the log keeps what was answered")
        self.assertIn("refused the credentials (HTTP 401): check", log.message_summary)
        self.assertIn("refused the credentials (HTTP 401): check", self.store._sync_summary(log))


@tagged("post_install", "-at_install")
class TestDiscrepancyScreens(EcommerceStockCommon):
    def test_a_drift_reads_as_the_product_in_whole_units_and_sends_odoos_level(self):
        self.count_stock(self.product_a, 40)
        self.flush()
        self.shop.levels["va"] = Decimal(46)
        self.store.stock_drift_correction = "never"
        self.compare._compare_store_levels(self.store)
        drift = self.store.discrepancy_ids.filtered(lambda d: d.kind == "inventory_drift")
        self.assertEqual(drift.subject, "[SKU-A] Alpha")
        self.assertIn("[SKU-A] Alpha", drift.name)
        self.assertEqual((drift.store_value, drift.odoo_value, drift.difference_value), ("46", "40", "-6"))

        action = drift.action_send_odoo_level()
        self.assertEqual(self.shop.levels["va"], 40, "the store now shows Odoo's level")
        self.assertEqual(drift.state, "resolved")
        self.assertEqual(action["params"]["type"], "success")

    def test_money_reads_in_its_currency(self):
        usd = self.env.ref("base.USD")
        mismatch = self.env["ecommerce.discrepancy"]._flag(
            self.store, "amount_mismatch", "total differs", external_id="1001", expected=80.19, found=80.2, currency=usd
        )
        self.assertEqual(mismatch.store_value, usd.format(80.19))
        self.assertEqual(mismatch.difference_value, "+" + usd.format(0.01))


@tagged("post_install", "-at_install")
class TestWebhookEventScreens(EcommerceSyncCommon):
    def test_topics_read_as_events(self):
        label = self.env["ecommerce.webhook.event"]._topic_label
        self.assertEqual(label("orders/create"), "Order created")
        self.assertEqual(label("order.updated"), "Order updated")
        self.assertEqual(label("inventory_levels/update"), "Inventory level updated")
        self.assertEqual(label("refunds/create"), "Refund created")

    def test_a_failed_event_is_processed_again(self):
        event = WebhookEvent("d-9", "products/update", "products", "v9", "r1", payload={"id": "v9"})
        stored = self.env["ecommerce.webhook.event"]._store_event(self.store, event, b"{}")
        self.engine.process_webhook_events(stored)
        self.assertEqual(stored.state, "failed", "the payload has no sku")

        # the store has the record right by now: processing again fetches it
        self.shop.add_variant("v9", "SKU-A")
        stored.refetch = True
        action = stored.action_process_again()
        self.assertEqual(stored.state, "done")
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.links().filtered(lambda link: link.external_id == "v9").product_id, self.product_a)


@tagged("post_install", "-at_install")
class TestStoreSetup(EcommerceSyncCommon):
    def test_from_new_store_to_the_first_sync(self):
        memory_platform.shop("Guided Shop").add_variant("g1", "SKU-A")
        wizard = self.env["ecommerce.store.setup"].create({"name": "Guided Shop", "platform": "memory"})
        wizard.action_next()
        self.assertEqual(wizard.step, "credentials")
        wizard.webhook_secret = "whsec_guided"
        wizard.action_test_connection()
        store = wizard.store_id
        self.assertTrue(wizard.connected)
        self.assertEqual(wizard.connection_message, "Connected to Guided Shop (currency USD).")
        self.assertEqual(store.sudo().webhook_secret, "whsec_guided")

        wizard.action_next()
        self.assertEqual(wizard.step, "accounting")
        self.assertTrue(store._accounting_ready(), "the set-up made the journal, accounts and products")
        self.assertEqual(wizard.clearing_journal_id, store.clearing_journal_id)
        wizard.action_next()
        self.assertEqual(wizard.step, "stock")
        self.assertTrue(wizard.warehouse_id)
        wizard.stock_buffer = 2
        self.assertEqual(store.stock_buffer, 2, "the steps after the connection edit the store")
        wizard.action_next()
        wizard.import_since = date(2025, 3, 1)
        self.assertEqual(
            store._initial_cursor("orders", fields.Datetime.to_datetime("2025-03-01")), "2025-03-01T00:00:00+00:00"
        )

        action = wizard.action_sync_now()
        self.assertEqual(action["params"]["next"]["res_id"], store.id, "then the store opens")
        self.assertEqual(len(self.env["ecommerce.product.link"].search([("store_id", "=", store.id)])), 1)
        self.assertEqual(store.last_sync_result, "ok")

    def test_refused_credentials_stay_in_the_wizard_with_the_reason(self):
        memory_platform.shop("Refusing Shop").refuse_credentials = True
        wizard = self.env["ecommerce.store.setup"].create(
            {"name": "Refusing Shop", "platform": "memory", "step": "credentials"}
        )
        wizard.action_test_connection()
        self.assertFalse(wizard.connected)
        self.assertIn("refused the credentials (HTTP 401)", wizard.connection_message)
        with self.assertRaisesRegex(Exception, "Test connection first"):
            wizard.action_next()


@tagged("post_install", "-at_install")
class TestStoreValues(EcommerceSyncCommon):
    def test_what_the_store_sent_is_listed_and_one_click_from_its_mapping(self):
        tax = self.env["account.tax"].create({"name": "State Tax", "amount": 6.0, "type_tax_use": "sale"})
        self.env["ecommerce.tax.mapping"].create({"store_id": self.store.id, "external_key": "75", "tax_id": tax.id})
        self.store.action_setup_accounting()
        partner = self.env["res.partner"].create({"name": "Buyer"})
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "ecommerce_store_id": self.store.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.store.shipping_product_id.id,
                            "name": "Express",
                            "ecommerce_line_kind": "shipping",
                        },
                    ),
                    (0, 0, {"product_id": self.store.fallback_product_id.id, "name": "[ZZ-9] Lost item"}),
                ],
            }
        )
        self.assertTrue(order)
        self.env.flush_all()
        values = self.env["ecommerce.store.value"].search([("store_id", "=", self.store.id)])
        rows = {(row.kind, row.value): row for row in values}
        self.assertEqual(set(rows), {("tax", "75"), ("shipping", "Express"), ("sku", "ZZ-9")})
        self.assertTrue(rows["tax", "75"].mapped)
        self.assertEqual(rows["tax", "75"].label, "State Tax (6 %)")
        self.assertEqual(
            rows["tax", "75"].mapping_id, self.env["ecommerce.tax.mapping"].search([("external_key", "=", "75")]).id
        )
        action = rows["sku", "ZZ-9"].action_open_mapping()
        self.assertEqual(action["res_model"], "ecommerce.sku.mapping")
        self.assertEqual(action["context"]["default_sku"], "ZZ-9")
        self.assertFalse(action["res_id"])
