from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common_ledger import LedgerCommon


@tagged("post_install", "-at_install")
class TestOdooUsersWorkOnImportedDocuments(LedgerCommon):
    """Standard Odoo work on a store's documents never needs an E-commerce group.

    The clerk has Sales (all documents), Invoicing and Inventory rights, and no
    E-commerce group: they invoice a store's order by hand, register its
    payment, make a credit note, deliver, take a return and cancel, as for any
    other order.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env,
            login="store_clerk",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,"
            "account.group_account_invoice,stock.group_stock_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.store_income = cls.env["account.account"].create(
            {
                "name": "Online store sales",
                "code": "700900",
                "account_type": "income",
                "company_ids": [Command.link(cls.company.id)],
            }
        )
        cls.store.income_account_id = cls.store_income
        cls.product_a.is_storable = True
        cls.env["stock.quant"]._update_available_quantity(cls.product_a, cls.store.warehouse_id.lot_stock_id, 10.0)

    def as_clerk(self, records):
        return records.with_user(self.clerk).with_company(self.company)

    def imported_order(self, external_id="1001", **values):
        self.assertEqual(self.handle(self.us_order(external_id, **values)), "created")
        return self.binding("order", external_id)

    def test_the_clerk_has_no_e_commerce_group(self):
        self.assertFalse(self.clerk.has_group("ecommerce_sync.group_ecommerce_user"))
        self.assertFalse(self.as_clerk(self.env["ecommerce.store"]).has_access("read"))

    def test_the_invoice_screens_offer_the_clerk_nothing_that_needs_the_store(self):
        sale_order = self.imported_order()
        invoice = self.as_clerk(sale_order.invoice_ids)
        views = invoice.get_views([(False, "form"), (False, "search")])["views"]
        self.assertNotIn("ecommerce_store_id", views["search"]["arch"], "searching by store reads the stores")
        form = Form(invoice)
        self.assertEqual((form.ecommerce_store_id, form.partner_id), (self.store, sale_order.partner_invoice_id))
        store = invoice.web_read({"ecommerce_store_id": {"fields": {"display_name": {}}}})[0]["ecommerce_store_id"]
        self.assertEqual(store["display_name"], "Ledger Shop", "the store is named on the invoice")

    def test_credit_note_then_invoice_by_hand_and_register_its_payment(self):
        sale_order = self.imported_order()
        invoice = sale_order.invoice_ids
        self.assertEqual(invoice.state, "posted")

        reversal = (
            self.as_clerk(self.env["account.move.reversal"])
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Returned by hand"})
        )
        reversal.refund_moves()
        credit_note = sale_order.invoice_ids.filtered(lambda move: move.move_type == "out_refund")
        self.assertEqual(credit_note.amount_total, 80.19)
        credit_note.with_user(self.clerk).action_post()
        self.assertEqual(credit_note.state, "posted")

        wizard = (
            self.as_clerk(self.env["sale.advance.payment.inv"])
            .with_context(active_model="sale.order", active_ids=sale_order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        wizard.create_invoices()
        new_invoice = sale_order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice") - invoice
        self.assertEqual(new_invoice.amount_total, 80.19)
        product_lines = new_invoice.invoice_line_ids.filtered(lambda line: line.product_id.type == "consu")
        self.assertEqual(product_lines.account_id, self.store_income, "the store's income account, as on imports")
        new_invoice.with_user(self.clerk).action_post()

        payment_wizard = (
            self.as_clerk(self.env["account.payment.register"])
            .with_context(active_model="account.move", active_ids=new_invoice.ids)
            .create({"journal_id": self.bank_journal.id})
        )
        payment_wizard.action_create_payments()
        self.assertIn(new_invoice.payment_state, ("paid", "in_payment"))

    def test_deliver_and_take_a_return(self):
        sale_order = self.imported_order()
        delivery = self.as_clerk(sale_order).picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        self.assertEqual(len(delivery), 1)
        delivery.action_assign()
        for move in delivery.move_ids:
            move.quantity = move.product_uom_qty
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")

        return_form = Form(
            self.as_clerk(self.env["stock.return.picking"]).with_context(
                active_id=delivery.id, active_ids=delivery.ids, active_model="stock.picking"
            )
        )
        wizard = return_form.save()
        for line in wizard.product_return_moves:
            line.quantity = 1.0
        action = wizard.action_create_returns()
        returned = self.as_clerk(self.env["stock.picking"]).browse(action["res_id"])
        returned.move_ids.quantity = 1.0
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(returned.state, "done")
        alpha = sale_order.order_line.filtered(lambda line: line.product_id == self.product_a)
        self.assertEqual((alpha.qty_delivered, self.product_a.qty_available), (1.0, 9.0))

    def test_cancel_a_store_order(self):
        sale_order = self.imported_order("1002", transactions=[], financial_status="pending")
        invoice = sale_order.invoice_ids
        as_clerk = self.as_clerk(sale_order)
        self.as_clerk(invoice).button_draft()
        self.as_clerk(invoice).button_cancel()
        as_clerk._action_cancel()
        self.assertEqual((sale_order.state, invoice.state), ("cancel", "cancel"))
        self.assertEqual(set(sale_order.picking_ids.mapped("state")), {"cancel"})
