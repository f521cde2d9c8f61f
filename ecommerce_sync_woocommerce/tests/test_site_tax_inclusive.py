from odoo.tests import tagged

from .site_common import SiteOutcomes, WooCommerceSiteCase


@tagged("post_install", "-at_install")
class TestTaxInclusiveSite(SiteOutcomes, WooCommerceSiteCase):
    """A French site (prices with VAT, standard and reduced rates, shipping taxed) in a company keeping its
    books in euros.

    The merchant let the store create the products it sells ("Create unknown products"), counted their stock,
    and set up price-included VAT taxes.
    """

    sandbox_profile = "eu"
    create_unknown_products = True

    @classmethod
    def setup_company(cls):
        euro = cls.env.ref("base.EUR")
        euro.active = True
        company = cls.env["res.company"].create(
            {"name": "Woo Supply France", "currency_id": euro.id, "country_id": cls.env.ref("base.fr").id}
        )
        cls.env.user.company_ids |= company
        cls.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        company.currency_id = euro  # the generic chart comes in dollars
        return company

    def test_the_books_are_in_euros_with_price_included_taxes(self):
        self.assertEqual(self.company.currency_id.name, "EUR")
        invoices = self.env["account.move"].search(
            [("ecommerce_store_id", "=", self.store.id), ("move_type", "=", "out_invoice")]
        )
        self.assertEqual(invoices.currency_id.name, "EUR")
        self.assertEqual(invoices.company_id, self.company)
        taxes = invoices.invoice_line_ids.tax_ids
        self.assertEqual(taxes, self.taxes[1] | self.taxes[2], "VAT 20% and the reduced 5.5% of the book")
        self.assertTrue(all(tax.price_include for tax in taxes))
        # the reduced rate is on the book only; shipping carries the standard rate
        book = invoices.invoice_line_ids.filtered(lambda line: line.product_id.default_code == "WS-BOOK")
        self.assertEqual(book.tax_ids, self.taxes[2])
        shipping = invoices.invoice_line_ids.filtered(
            lambda line: line.sale_line_ids.ecommerce_line_kind == "shipping" and line.price_total
        )
        self.assertEqual(shipping.tax_ids, self.taxes[1])

    def test_products_were_made_from_the_site(self):
        links = self.store.product_link_ids
        self.assertEqual(set(links.mapped("match_method")), {"created"})
        products = links.product_id
        self.assertEqual(products.company_id, self.company)
        self.assertEqual(products.filtered("is_storable"), links.filtered("tracked").product_id)
        tee = links.filtered(lambda link: link.sku == "WS-TEE-BLA-M")
        self.assertEqual(tee.product_id.name, "Organic T-shirt - Black, M")
