from datetime import timedelta, timezone

from odoo import fields
from odoo.tests import tagged

from ..connector.records import Address, Order, OrderLine, TaxLine, Transaction
from .common_ledger import D, LedgerCommon, RefundLine, at


@tagged("post_install", "-at_install")
class TestLedgerOrders(LedgerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR", rates=[("2024-12-01", 0.8)])

    def income_account(self, product):
        return product.product_tmpl_id.get_product_accounts()["income"]

    def order_moves(self, sale_order):
        return sale_order.invoice_ids

    # ------------------------------------------------------------------
    def test_us_order_tax_excluded_with_discount_code_and_shipping(self):
        order = self.us_order()
        self.assertEqual(self.handle(order), "created")

        sale_order = self.binding("order", "1001")
        self.assertRecordValues(
            sale_order,
            [
                {
                    "state": "sale",
                    "client_order_ref": "#1001",
                    "ecommerce_store_id": self.store.id,
                    "ecommerce_external_id": "1001",
                    "currency_id": self.usd.id,
                    "team_id": self.store.team_id.id,
                    "date_order": fields.Datetime.to_datetime("2025-01-05 12:00:00"),
                    "amount_untaxed": 75.94,
                    "amount_tax": 4.25,
                    "amount_total": 80.19,
                }
            ],
        )
        self.assertIn("WELCOME10", str(sale_order.note))
        self.assertRecordValues(
            sale_order.order_line.sorted("id"),
            [
                {
                    "product_id": self.product_a.id,
                    "product_uom_qty": 2.0,
                    "price_unit": 20.0,
                    "discount": 10.0,
                    "price_subtotal": 36.0,
                    "tax_id": self.sales_tax.ids,
                    "ecommerce_line_external_id": "l1",
                    "ecommerce_line_kind": "product",
                },
                {
                    "product_id": self.product_b.id,
                    "product_uom_qty": 1.0,
                    "price_unit": 35.5,
                    "discount": 10.0,
                    "price_subtotal": 31.95,
                    "tax_id": self.sales_tax.ids,
                    "ecommerce_line_external_id": "l2",
                    "ecommerce_line_kind": "product",
                },
                {
                    "product_id": self.store.shipping_product_id.id,
                    "product_uom_qty": 1.0,
                    "price_unit": 7.99,
                    "discount": 0.0,
                    "price_subtotal": 7.99,
                    "tax_id": [],
                    "ecommerce_line_external_id": "shipping:s1",
                    "ecommerce_line_kind": "shipping",
                },
            ],
        )

        # the customer: one partner, phone in E.164, invoice and delivery contacts
        partner = sale_order.partner_id
        self.assertRecordValues(
            partner, [{"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+14155550100"}]
        )
        self.assertEqual(self.binding("customer", "c-1"), partner)
        self.assertRecordValues(
            sale_order.partner_invoice_id | sale_order.partner_shipping_id,
            [
                {"parent_id": partner.id, "type": "invoice", "zip": "94105", "phone": "+14155550100"},
                {"parent_id": partner.id, "type": "delivery", "zip": "94105", "phone": "+14155550100"},
            ],
        )

        invoice = sale_order.invoice_ids
        self.assertRecordValues(
            invoice,
            [
                {
                    "move_type": "out_invoice",
                    "state": "posted",
                    "payment_state": "paid",
                    "invoice_date": fields.Date.to_date("2025-01-05"),
                    "invoice_date_due": fields.Date.to_date("2025-01-05"),
                    "ref": "#1001",
                    "ecommerce_store_id": self.store.id,
                    "team_id": self.store.team_id.id,
                    "amount_untaxed": 75.94,
                    "amount_tax": 4.25,
                    "amount_total": 80.19,
                    "amount_residual": 0.0,
                }
            ],
        )
        self.assertRecordValues(
            invoice.line_ids.sorted(lambda line: (line.display_type, -abs(line.balance))),
            [
                {"display_type": "payment_term", "account_id": self.receivable.id, "balance": 80.19},
                {"display_type": "product", "account_id": self.income_account(self.product_a).id, "balance": -36.0},
                {"display_type": "product", "account_id": self.income_account(self.product_b).id, "balance": -31.95},
                {
                    "display_type": "product",
                    "account_id": self.income_account(self.store.shipping_product_id).id,
                    "balance": -7.99,
                },
                {"display_type": "tax", "account_id": self.tax_account.id, "balance": -4.25},
            ],
        )

        payment = self.binding("transaction", "t-1001")
        self.assertRecordValues(
            payment,
            [
                {
                    "journal_id": self.store.clearing_journal_id.id,
                    "payment_type": "inbound",
                    "amount": 80.19,
                    "currency_id": self.usd.id,
                    "partner_id": partner.id,
                    "state": "paid",
                    "is_reconciled": True,
                }
            ],
        )
        self.assertEqual(self.store.clearing_journal_id.name, "Ledger Shop clearing")
        self.assertEqual(self.balance(self.clearing), 80.19)
        self.assertFalse(self.discrepancies())

        # the same order again: nothing new
        moves_before = self.env["account.move"].search_count([])
        self.assertEqual(self.handle(order), "skipped")
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(self.env["sale.order"].search_count([("ecommerce_store_id", "=", self.store.id)]), 1)

    def test_customers_are_matched_by_binding_then_email_and_guests_by_address(self):
        self.handle(self.us_order("1001"))
        partner = self.binding("order", "1001").partner_id
        # same customer id, another order: same partner and contacts
        self.handle(self.us_order("1002"))
        second = self.binding("order", "1002")
        self.assertEqual(second.partner_id, partner)
        self.assertEqual(len(partner.child_ids), 2)

        # a guest checkout with the same email (other case) finds the customer
        guest = self.us_order("1003", customer=None, email="ADA@example.com")
        self.handle(guest)
        self.assertEqual(self.binding("order", "1003").partner_id, partner)

        # a guest without email: created once, found again by name and billing address
        address = Address(
            name="Grace Hopper",
            street="2 Navy Way",
            city="Arlington",
            zip="22201",
            country_code="US",
            phone="703 555 0199",
        )
        for number in ("1004", "1005"):
            self.handle(
                self.us_order(number, customer=None, email="", billing_address=address, shipping_address=address)
            )
        grace = self.binding("order", "1004").partner_id
        self.assertNotEqual(grace, partner)
        self.assertEqual(self.binding("order", "1005").partner_id, grace)
        self.assertRecordValues(grace, [{"name": "Grace Hopper", "phone": "+17035550199", "email": False}])

    def test_eu_vat_order_with_prices_including_taxes(self):
        order = self.eu_order()
        self.handle(order)
        sale_order = self.binding("order", "2001")
        vat_included = sale_order.order_line.tax_id
        self.assertEqual(len(vat_included), 1)
        self.assertRecordValues(vat_included, [{"amount": 20.0, "price_include": True}])
        self.assertNotEqual(vat_included, self.vat, "the mapped tax's price-included twin is used")
        self.assertRecordValues(
            sale_order.order_line.sorted("id"),
            [
                {"price_unit": 24.0, "discount": 0.0, "price_total": 24.0, "price_subtotal": 20.0},
                {"price_unit": 12.5, "discount": 10.0, "price_total": 22.5, "price_subtotal": 18.75},
                {"price_unit": 6.0, "discount": 0.0, "price_total": 6.0, "price_subtotal": 5.0},
            ],
        )
        self.assertEqual(sale_order.partner_id.phone, "+33144270000")
        self.assertRecordValues(
            sale_order.invoice_ids,
            [
                {
                    "state": "posted",
                    "payment_state": "paid",
                    "amount_untaxed": 43.75,
                    "amount_tax": 8.75,
                    "amount_total": 52.5,
                }
            ],
        )
        self.assertFalse(self.discrepancies())

    def test_order_in_another_currency_keeps_it_at_the_store_rate(self):
        order = Order(
            external_id="3001",
            name="#3001",
            currency="EUR",
            created_at=at(7),
            updated_at=at(7),
            lines=[
                OrderLine("m1", "Alpha mug", D(2), D("25.00"), sku="SKU-A", taxable=False),
                OrderLine("m2", "Beta poster", D(1), D("30.00"), sku="SKU-B", taxable=False),
            ],
            total=D("80.00"),
            shop_currency="USD",
            shop_total=D("88.00"),
            customer=self.customer("c-eu", "hans@example.de"),
            transactions=[Transaction("t-3001", "sale", "success", D("80.00"), "EUR", gateway="card")],
        )
        self.handle(order)
        sale_order = self.binding("order", "3001")
        invoice = sale_order.invoice_ids
        self.assertEqual(sale_order.currency_id, self.eur)
        self.assertRecordValues(
            invoice,
            [
                {
                    "currency_id": self.eur.id,
                    "amount_total": 80.0,
                    "amount_total_signed": 88.0,
                    "payment_state": "paid",
                }
            ],
        )
        self.assertAlmostEqual(invoice.invoice_currency_rate, 1 / 1.1, places=9)
        receivable_line = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertRecordValues(receivable_line, [{"amount_currency": 80.0, "balance": 88.0, "reconciled": True}])
        payment = self.binding("transaction", "t-3001")
        self.assertRecordValues(payment, [{"currency_id": self.eur.id, "amount": 80.0}])
        self.assertEqual(self.balance(self.clearing), 88.0)
        # paid at the invoice's rate: no exchange difference
        exchange_journal = self.company.currency_exchange_journal_id
        self.assertFalse(self.env["account.move"].search([("journal_id", "=", exchange_journal.id)]))

        # with Odoo's rate (1 USD = 0.8 EUR since 2024-12-01): 80 EUR = 100 USD
        self.store.currency_rate_policy = "odoo"
        self.handle(Order(**{**order.__dict__, "external_id": "3002", "name": "#3002", "transactions": []}))
        other = self.binding("order", "3002").invoice_ids
        self.assertRecordValues(
            other, [{"currency_id": self.eur.id, "amount_total": 80.0, "amount_total_signed": 100.0}]
        )

    def test_prices_including_taxes_in_another_currency_balance_at_the_store_rate(self):
        # at 208.79 USD for 192.40 EUR, the lines (134.62 + 40.84) and the VAT (33.34) round to 208.80 USD;
        # when Odoo's own rate of the day is close to the store's, Odoo's totals do not move and it would
        # leave the receivable at 208.79: unbalanced
        self.env["res.currency.rate"].create(
            {"currency_id": self.eur.id, "name": "2025-01-07", "rate": 0.9215, "company_id": self.company.id}
        )
        vat_19 = self.vat.copy({"name": "VAT 19%", "amount": 19.0})
        self.env["ecommerce.tax.mapping"].create(
            {"store_id": self.store.id, "external_key": "DE-VAT-19", "tax_id": vat_19.id}
        )

        def vat(amount):
            return [TaxLine("MwSt", D("0.19"), D(amount), code="DE-VAT-19")]

        order = Order(
            external_id="3101",
            name="#3101",
            currency="EUR",
            created_at=at(7),
            updated_at=at(7),
            taxes_included=True,
            lines=[
                OrderLine(
                    "d1", "Alpha mug", D(2), D("82.01"), sku="SKU-A", discount=D("16.40"), tax_lines=vat("23.57")
                ),
                OrderLine(
                    "d2", "Beta poster", D(1), D("49.76"), sku="SKU-B", discount=D("4.98"), tax_lines=vat("7.15")
                ),
            ],
            total_tax=D("30.72"),
            total=D("192.40"),
            shop_currency="USD",
            shop_total=D("208.79"),
            customer=self.customer("c-de", "jonas@example.de"),
            transactions=[Transaction("t-3101", "sale", "success", D("192.40"), "EUR", gateway="card")],
        )
        self.handle(order)
        invoice = self.binding("order", "3101").invoice_ids
        self.assertRecordValues(
            invoice,
            [{"state": "posted", "currency_id": self.eur.id, "amount_total": 192.4, "amount_tax": 30.72,
              "payment_state": "paid"}],
        )  # fmt: skip
        self.assertAlmostEqual(invoice.invoice_currency_rate, 192.40 / 208.79, places=9)
        self.assertAlmostEqual(sum(invoice.line_ids.mapped("balance")), 0.0, places=2)

        # its refund and its cancellation's reversal are made at the same rate, balanced too
        refund = self.refund_of(order, "r-3101", lines=[RefundLine("d1", D(1), D("62.02"), tax_amount=D("11.78"))])
        self.handle(refund)
        credit_note = self.binding("refund", "r-3101")
        self.assertRecordValues(credit_note, [{"state": "posted", "amount_total": 73.8, "amount_tax": 11.78}])
        self.assertEqual(credit_note.invoice_currency_rate, invoice.invoice_currency_rate)
        reversal = self.env["ecommerce.invoice.builder"]._reverse_invoice(self.store, invoice, "test")
        self.assertRecordValues(reversal, [{"state": "posted", "amount_total": 192.4}])
        self.assertEqual(reversal.invoice_currency_rate, invoice.invoice_currency_rate)
        self.assertEqual(reversal.amount_total_signed, -invoice.amount_total_signed)

    def test_order_paid_by_gift_card_and_card(self):
        gift_account = self.env["account.account"].create(
            {"name": "Gift cards issued", "code": "GIFT01", "account_type": "liability_current", "reconcile": True}
        )
        gift_journal = self.env["account.journal"].create({"name": "Gift cards", "type": "bank", "code": "GIFT"})
        gift_journal.inbound_payment_method_line_ids.payment_account_id = gift_account
        self.env["ecommerce.gateway.mapping"].create(
            {"store_id": self.store.id, "gateway": "gift_card", "journal_id": gift_journal.id}
        )
        order = self.us_order(
            "1010",
            transactions=[
                Transaction("t-gift", "sale", "success", D("30.00"), "USD", gateway="gift_card", processed_at=at(5)),
                Transaction("t-card", "authorization", "success", D("50.19"), "USD", gateway="card"),
                Transaction("t-card-c", "capture", "success", D("50.19"), "USD", gateway="card", parent_id="t-card"),
            ],
        )
        self.handle(order)
        invoice = self.binding("order", "1010").invoice_ids
        self.assertRecordValues(invoice, [{"payment_state": "paid", "amount_residual": 0.0}])
        payments = self.binding("transaction", "t-gift") | self.binding("transaction", "t-card-c")
        self.assertRecordValues(
            payments,
            [
                {"journal_id": gift_journal.id, "amount": 30.0, "is_reconciled": True},
                {"journal_id": self.store.clearing_journal_id.id, "amount": 50.19, "is_reconciled": True},
            ],
        )
        self.assertIsNone(self.binding("transaction", "t-card"), "an authorization is no payment")
        self.assertEqual(self.balance(gift_account), 30.0)
        self.assertEqual(self.balance(self.clearing), 50.19)

    def test_pending_order_stays_open_then_cancelled_unpaid_order_is_reversed(self):
        pending = self.us_order("1020", transactions=[], financial_status="pending")
        self.handle(pending)
        sale_order = self.binding("order", "1020")
        invoice = sale_order.invoice_ids
        self.assertRecordValues(invoice, [{"state": "posted", "payment_state": "not_paid", "amount_residual": 80.19}])
        self.assertEqual(self.balance(self.receivable, invoice), 80.19)
        # owed since the order was placed: overdue in the aged receivables from that day
        self.assertEqual(invoice.invoice_date_due, fields.Date.to_date("2025-01-05"))

        cancelled = self.us_order("1020", transactions=[], financial_status="voided", updated=at(6), cancelled_at=at(6))
        self.assertEqual(self.handle(cancelled), "updated")
        self.assertEqual(sale_order.state, "cancel")
        credit_note = sale_order.invoice_ids.filtered(lambda move: move.move_type == "out_refund")
        self.assertRecordValues(
            invoice | credit_note,
            [
                {"move_type": "out_invoice", "state": "posted", "payment_state": "reversed", "amount_total": 80.19},
                {"move_type": "out_refund", "state": "posted", "payment_state": "paid", "amount_total": 80.19},
            ],
        )
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(self.balance(self.receivable, invoice | credit_note), 0.0)

        # an order cancelled before its first import: a cancelled sale order, no invoice
        self.handle(self.us_order("1021", transactions=[], cancelled_at=at(5, 14)))
        never = self.binding("order", "1021")
        self.assertRecordValues(never, [{"state": "cancel", "invoice_count": 0}])

    def test_edited_order_replaces_its_invoice_and_keeps_payments(self):
        self.handle(self.us_order("1030"))
        sale_order = self.binding("order", "1030")
        first_invoice = sale_order.invoice_ids
        # edit: 3 mugs instead of 2 (3 x 20.00 - 6.00 = 54.00, tax 3.38), the customer pays the difference
        edited = self.us_order(
            "1030",
            updated=at(9),
            total_tax=D("5.38"),
            total=D("99.32"),
            transactions=[
                Transaction("t-1030", "sale", "success", D("80.19"), "USD", gateway="card", processed_at=at(5)),
                Transaction("t-1030-b", "sale", "success", D("19.13"), "USD", gateway="card", processed_at=at(9)),
            ],
        )
        edited.lines[0] = OrderLine(
            "l1", "Alpha mug", D(3), D("20.00"), sku="SKU-A", discount=D("6.00"), tax_lines=self.us_tax("3.38")
        )
        self.assertEqual(self.handle(edited), "updated")

        self.assertEqual(len(sale_order.order_line), 3, "the line is updated, not duplicated")
        self.assertRecordValues(
            sale_order.order_line.filtered(lambda line: line.ecommerce_line_external_id == "l1"),
            [{"product_uom_qty": 3.0, "price_unit": 20.0, "discount": 10.0, "price_subtotal": 54.0}],
        )
        invoices = sale_order.invoice_ids.sorted("id")
        self.assertEqual(len(invoices), 3)
        credit_note, new_invoice = invoices[1], invoices[2]
        self.assertRecordValues(
            invoices,
            [
                {"move_type": "out_invoice", "payment_state": "reversed", "amount_tax": 4.25, "amount_total": 80.19},
                {"move_type": "out_refund", "payment_state": "paid", "amount_tax": 4.25, "amount_total": 80.19},
                {"move_type": "out_invoice", "payment_state": "paid", "amount_tax": 5.38, "amount_total": 99.32},
            ],
        )
        self.assertEqual(new_invoice.amount_untaxed, 93.94)
        self.assertEqual(invoices[0], first_invoice)
        self.assertEqual(credit_note.reversed_entry_id, first_invoice)
        payments = self.binding("transaction", "t-1030") | self.binding("transaction", "t-1030-b")
        self.assertEqual(payments.mapped("reconciled_invoice_ids"), new_invoice)
        self.assertEqual(self.balance(self.receivable, invoices | payments.move_id), 0.0)
        self.assertEqual(self.balance(self.clearing), 99.32)

        # a later revision that changes nothing invoiced leaves the invoice alone
        tagged = self.us_order(
            "1030",
            updated=at(10),
            tags=["vip"],
            total_tax=D("5.38"),
            total=D("99.32"),
            transactions=edited.transactions,
        )
        tagged.lines[0] = edited.lines[0]
        self.assertEqual(self.handle(tagged), "updated")
        self.assertEqual(len(sale_order.invoice_ids), 3)
        self.assertEqual(sale_order.tag_ids.mapped("name"), ["vip"])
        # an older revision arriving late changes nothing
        self.assertEqual(self.handle(self.us_order("1030")), "skipped")
        self.assertEqual(len(sale_order.invoice_ids), 3)
        self.assertFalse(self.discrepancies())

    def test_unmatched_product_uses_the_fallback_and_is_flagged(self):
        order = self.us_order("1040")
        order.lines[1] = OrderLine(
            "l2", "Mystery box", D(1), D("35.50"), sku="SKU-X", discount=D("3.55"), tax_lines=self.us_tax("2.00")
        )
        self.handle(order)
        sale_order = self.binding("order", "1040")
        line = sale_order.order_line.filtered(lambda line: line.ecommerce_line_external_id == "l2")
        self.assertRecordValues(
            line,
            [{"product_id": self.store.fallback_product_id.id, "name": "[SKU-X] Mystery box", "price_subtotal": 31.95}],
        )
        self.assertEqual(sale_order.invoice_ids.amount_total, 80.19)
        discrepancy = self.discrepancies("unmatched_product")
        self.assertRecordValues(
            discrepancy, [{"external_id": "1040", "res_model": "sale.order", "res_id": sale_order.id}]
        )
        self.assertIn("SKU-X", discrepancy.message)
        self.assertFalse(self.discrepancies("amount_mismatch"))
        # an SKU override later maps it (on the next order)
        self.env["ecommerce.sku.mapping"].create(
            {"store_id": self.store.id, "sku": "SKU-X", "product_id": self.product_b.id}
        )
        again = self.us_order("1041")
        again.lines[1] = order.lines[1]
        self.handle(again)
        self.assertIn(self.product_b, self.binding("order", "1041").order_line.product_id)

    def test_taxes_by_rate_and_unmapped_taxes(self):
        # 15 % is the company's sales tax: found by rate, no discrepancy
        default_tax = self.company_data["default_tax_sale"]
        self.assertEqual(default_tax.amount, 15.0)
        order = Order(
            external_id="1050",
            name="#1050",
            currency="USD",
            created_at=at(5),
            updated_at=at(5),
            lines=[
                OrderLine(
                    "g1",
                    "Alpha mug",
                    D(1),
                    D("10.00"),
                    sku="SKU-A",
                    tax_lines=[TaxLine("GST", D("0.15"), D("1.50"), code="GST15")],
                ),
                OrderLine(
                    "g2",
                    "Beta poster",
                    D(2),
                    D("5.00"),
                    sku="SKU-B",
                    tax_lines=[TaxLine("City tax", D("0.0175"), D("0.18"), code="CITY")],
                ),
            ],
            total_tax=D("1.68"),
            total=D("21.68"),
            email="bob@example.com",
        )
        self.handle(order)
        sale_order = self.binding("order", "1050")
        lines = sale_order.order_line.sorted("id")
        self.assertEqual(lines[0].tax_id, default_tax)
        city_tax = lines[1].tax_id
        self.assertRecordValues(city_tax, [{"amount": 1.75, "type_tax_use": "sale", "price_include": False}])
        self.assertEqual(
            city_tax.invoice_repartition_line_ids.account_id, default_tax.invoice_repartition_line_ids.account_id
        )
        self.assertRecordValues(sale_order.invoice_ids, [{"amount_tax": 1.68, "amount_total": 21.68}])
        unmapped = self.discrepancies("unmapped_tax")
        self.assertRecordValues(unmapped, [{"external_id": "CITY", "res_model": "account.tax", "res_id": city_tax.id}])
        mapping = self.env["ecommerce.tax.mapping"].search(
            [("store_id", "=", self.store.id), ("external_key", "=", "CITY")]
        )
        self.assertEqual(mapping.tax_id, city_tax)

        # the next order with that tax uses it silently
        taxes_before = self.env["account.tax"].search_count([])
        self.handle(Order(**{**order.__dict__, "external_id": "1051", "name": "#1051"}))
        self.assertEqual(self.env["account.tax"].search_count([]), taxes_before)
        self.assertEqual(len(self.discrepancies("unmapped_tax")), 1)

    def test_one_cent_of_tax_rounding_is_absorbed_more_is_flagged(self):
        # three lines of 1.08 at 6.25 %: Odoo rounds per line (3 x 0.07 = 0.21), the store globally (0.20)
        lines = [
            OrderLine(f"r{index}", "Alpha mug", D(1), D("1.08"), sku="SKU-A", tax_lines=self.us_tax("0.07"))
            for index in range(3)
        ]
        order = Order(
            external_id="1060",
            name="#1060",
            currency="USD",
            created_at=at(5),
            updated_at=at(5),
            lines=lines,
            total_tax=D("0.20"),
            total=D("3.44"),
            email="eve@example.com",
        )
        self.handle(order)
        invoice = self.binding("order", "1060").invoice_ids
        self.assertRecordValues(invoice, [{"amount_untaxed": 3.24, "amount_tax": 0.20, "amount_total": 3.44}])
        self.assertEqual(self.balance(self.tax_account, invoice), -0.20)
        self.assertFalse(self.discrepancies())

        # a store tax 0.29 away from Odoo's is not absorbed: the invoice keeps Odoo's tax, flagged
        wrong = Order(
            **{**order.__dict__, "external_id": "1061", "name": "#1061", "total_tax": D("0.50"), "total": D("3.74")}
        )
        self.handle(wrong)
        invoice = self.binding("order", "1061").invoice_ids
        self.assertRecordValues(invoice, [{"amount_tax": 0.21, "amount_total": 3.45}])
        self.assertRecordValues(
            self.discrepancies("tax_mismatch"),
            [
                {
                    "external_id": "1061",
                    "expected": 0.5,
                    "found": 0.21,
                    "res_model": "account.move",
                    "res_id": invoice.id,
                }
            ],
        )

    def test_each_tax_of_split_lines_is_the_stores(self):
        # GST 5 % and PST 7 % on four discounted lines: three of them have no exact unit price or
        # discount percentage, so each becomes two Odoo lines whose taxes Odoo rounds separately
        # (GST 58.23, PST 81.54); the store rounded once per line (GST 58.22, PST 81.52)
        Tax = self.env["account.tax"]
        for code, title, percent in (("CA-GST", "GST", 5.0), ("CA-PST", "PST", 7.0)):
            group = self.env["account.tax.group"].create({"name": title, "company_id": self.company.id})
            tax = self.sales_tax.copy({"name": f"{title} {percent}%", "amount": percent, "tax_group_id": group.id})
            self.env["ecommerce.tax.mapping"].create(
                {"store_id": self.store.id, "external_key": code, "tax_id": tax.id}
            )
            Tax |= tax

        def taxes(gst, pst):
            return [TaxLine("GST", D("0.05"), D(gst), code="CA-GST"), TaxLine("PST", D("0.07"), D(pst), code="CA-PST")]

        rows = (
            ("c1", 3, "43.60", "0.71", "6.50", "9.11"),
            ("c2", 3, "121.26", "1.98", "18.09", "25.33"),
            ("c3", 2, "203.01", "82.97", "16.15", "22.61"),
            ("c4", 2, "175.76", "1.91", "17.48", "24.47"),
        )
        order = Order(
            external_id="1080",
            name="#1080",
            currency="USD",
            created_at=at(5),
            updated_at=at(5),
            lines=[
                OrderLine(key, "Alpha mug", D(qty), D(price), sku="SKU-A", discount=D(disc), tax_lines=taxes(gst, pst))
                for key, qty, price, disc, gst, pst in rows
            ],
            total_tax=D("139.74"),
            total=D("1304.29"),
            email="olivia@example.ca",
        )
        self.handle(order)
        sale_order = self.binding("order", "1080")
        self.assertGreater(len(sale_order.order_line), len(rows), "some store lines are two Odoo lines")
        invoice = sale_order.invoice_ids
        self.assertRecordValues(invoice, [{"amount_untaxed": 1164.55, "amount_tax": 139.74, "amount_total": 1304.29}])
        by_tax = {line.tax_line_id: line.amount_currency for line in invoice.line_ids if line.tax_line_id}
        self.assertEqual(by_tax, {Tax[0]: -58.22, Tax[1]: -81.52})
        self.assertFalse(self.discrepancies())

        # a store tax off by more than the rounding of the invoice's lines is not absorbed: flagged
        wrong = [*rows[:3], ("c4", 2, "175.76", "1.91", "17.48", "20.47")]
        other = Order(
            **{
                **order.__dict__,
                "external_id": "1081",
                "name": "#1081",
                "lines": [
                    OrderLine(
                        key, "Alpha mug", D(qty), D(price), sku="SKU-A", discount=D(disc), tax_lines=taxes(gst, pst)
                    )
                    for key, qty, price, disc, gst, pst in wrong
                ],
                "total_tax": D("135.74"),
                "total": D("1300.29"),
            }
        )
        self.handle(other)
        self.assertEqual(self.binding("order", "1081").invoice_ids.amount_tax, 139.77)
        self.assertEqual(self.discrepancies("tax_mismatch").external_id, "1081")

    def test_awkward_discounts_keep_the_store_amounts_to_the_cent(self):
        # 3 x 333.33 - 33.32 = 966.67: neither a 2-decimal percentage nor a unit price gives it, so the
        # line is split: 2 x 322.22 + 1 x 322.23; 1 x 1000.00 - 33.33 = 966.67 is the net price
        order = Order(
            external_id="1070",
            name="#1070",
            currency="USD",
            created_at=at(5),
            updated_at=at(5),
            lines=[
                OrderLine("w1", "Alpha mug", D(3), D("333.33"), sku="SKU-A", discount=D("33.32")),
                OrderLine("w2", "Beta poster", D(1), D("1000.00"), sku="SKU-B", discount=D("33.33")),
            ],
            total=D("1933.34"),
            email="frank@example.com",
        )
        self.handle(order)
        sale_order = self.binding("order", "1070")
        self.assertRecordValues(
            sale_order.order_line.sorted("id"),
            [
                {"ecommerce_line_external_id": "w1", "product_uom_qty": 2.0, "price_unit": 322.22, "discount": 0.0},
                {"ecommerce_line_external_id": "w1", "product_uom_qty": 1.0, "price_unit": 322.23, "discount": 0.0},
                {"ecommerce_line_external_id": "w2", "product_uom_qty": 1.0, "price_unit": 966.67, "discount": 0.0},
            ],
        )
        self.assertRecordValues(sale_order.invoice_ids, [{"amount_total": 1933.34}])
        self.assertFalse(self.discrepancies())

    def test_failed_payments_above_the_threshold_raise_an_alert(self):
        self.store.failed_payment_threshold = 2
        recent = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=1)
        for number in ("1080", "1081", "1082"):
            failed = Transaction(
                f"f-{number}",
                "sale",
                "failure",
                D("80.19"),
                "USD",
                gateway="card",
                processed_at=recent.replace(tzinfo=timezone.utc),
                message="card declined",
            )
            self.handle(self.us_order(number, transactions=[failed], financial_status="pending"))
            if number != "1082":
                self.assertFalse(self.discrepancies("failed_payment"))
        alert = self.discrepancies("failed_payment")
        self.assertRecordValues(alert, [{"expected": 2.0, "found": 3.0}])
        self.assertEqual(self.binding("order", "1082").invoice_ids.payment_state, "not_paid")
        # replaying a failed order counts nothing more
        self.env["ecommerce.binding"]._find(self.store, "order", "1082").revision = False
        self.handle(self.us_order("1082", transactions=[failed], financial_status="pending"))
        self.assertEqual(alert.found, 3.0)

    def test_handlers_are_registered_and_settings_created_once(self):
        handlers = self.env["ecommerce.sync.engine"]._get_handlers()
        self.assertTrue({"Order", "Refund", "Fee", "Payout", "ProductVariant"} <= set(handlers))
        journal = self.store.clearing_journal_id
        self.assertRecordValues(
            journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids,
            [{"payment_account_id": self.clearing.id}, {"payment_account_id": self.clearing.id}],
        )
        self.assertRecordValues(self.clearing, [{"account_type": "asset_current", "reconcile": True}])
        self.assertEqual(self.store.payout_journal_id, self.bank_journal)
        self.store.action_setup_accounting()
        self.assertEqual(self.store.clearing_journal_id, journal, "set-up keeps what exists")
        # a new store is set up by its first import
        other = self.env["ecommerce.store"].create({"name": "Second Shop", "platform": "memory"})
        self.handle(self.us_order("9001"), store=other)
        self.assertTrue(other.clearing_journal_id)
        self.assertNotEqual(other.clearing_journal_id, journal)
        self.assertNotEqual(other.payout_journal_id, journal)
        self.assertEqual(other.team_id.name, "Second Shop")
        self.assertEqual(self.binding("transaction", "t-9001", store=other).journal_id, other.clearing_journal_id)

    def test_store_income_account_analytics_fiscal_position_and_gift_cards_sold(self):
        income = self.env["account.account"].create(
            {"name": "Online sales", "code": "400900", "account_type": "income"}
        )
        gift_liability = self.env["account.account"].create(
            {"name": "Gift cards to redeem", "code": "GIFT02", "account_type": "liability_current"}
        )
        plan = self.env["account.analytic.plan"].create({"name": "Channels"})
        channel = self.env["account.analytic.account"].create({"name": "Ledger Shop", "plan_id": plan.id})
        fiscal_position = self.env["account.fiscal.position"].create({"name": "Online customers"})
        self.store.write(
            {
                "income_account_id": income.id,
                "gift_card_account_id": gift_liability.id,
                "analytic_account_id": channel.id,
                "fiscal_position_id": fiscal_position.id,
            }
        )
        order = self.us_order("1090", total=D("105.19"))
        order.lines.append(OrderLine("gc", "Gift card 25", D(1), D("25.00"), gift_card=True, taxable=False))
        order.transactions[0].amount = D("105.19")
        self.handle(order)
        sale_order = self.binding("order", "1090")
        invoice = sale_order.invoice_ids
        self.assertEqual(sale_order.fiscal_position_id, fiscal_position)
        self.assertEqual(invoice.fiscal_position_id, fiscal_position)
        self.assertRecordValues(invoice, [{"amount_total": 105.19, "payment_state": "paid"}])
        gift_line = invoice.invoice_line_ids.filtered(
            lambda line: line.sale_line_ids.ecommerce_line_kind == "gift_card"
        )
        self.assertRecordValues(gift_line, [{"account_id": gift_liability.id, "price_subtotal": 25.0}])
        self.assertEqual(self.balance(income, invoice), -75.94, "items and shipping on the store's income account")
        self.assertEqual(self.balance(gift_liability, invoice), -25.0)
        self.assertEqual(
            set(invoice.invoice_line_ids.mapped(lambda line: tuple(line.analytic_distribution))),
            {(str(channel.id),)},
        )
