"""A contact named like its company or parent (a customer's invoice address) is shown by its name once."""

from odoo.tests import tagged

from .common_ledger import LedgerCommon


@tagged("post_install", "-at_install")
class TestPartnerNames(LedgerCommon):
    def test_invoice_address_named_like_its_customer_shows_the_name_once(self):
        self.handle(self.us_order("1301"))
        sale_order = self.binding("order", "1301")
        invoice = sale_order.invoice_ids
        contact = invoice.partner_id
        self.assertRecordValues(
            contact,
            [
                {
                    "type": "invoice",
                    "parent_id": sale_order.partner_id.id,
                    "street": "1 Market St",
                    "city": "San Francisco",
                    "display_name": "Ada Lovelace",
                    "complete_name": "Ada Lovelace",
                }
            ],
        )
        self.assertEqual(sale_order.partner_id.name, "Ada Lovelace")
        self.assertEqual(invoice.invoice_partner_display_name, "Ada Lovelace")
        self.assertEqual(sale_order.partner_shipping_id.display_name, "Ada Lovelace")
        # the address is still printed under the one name
        self.assertIn("1 Market St", contact._display_address())

    def test_other_names_keep_odoos_company_comma_contact(self):
        Partner = self.env["res.partner"]
        company = Partner.create({"name": "Amelia Johnson", "is_company": True})
        person = Partner.create({"name": "amelia johnson ", "parent_id": company.id})
        colleague = Partner.create({"name": "Noah Smith", "parent_id": company.id})
        unnamed = Partner.create({"parent_id": company.id, "type": "delivery", "street": "2 Pier"})
        self.assertEqual(person.display_name, "amelia johnson")
        self.assertEqual(colleague.display_name, "Amelia Johnson, Noah Smith")
        self.assertEqual(unnamed.display_name, "Amelia Johnson, Delivery Address")
        self.assertEqual(company.display_name, "Amelia Johnson")
