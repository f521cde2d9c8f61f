"""The channel report and the digest: a store's books by period, to the cent."""

from datetime import datetime

from odoo.tests import tagged

from . import test_ledger_payouts
from .common_ledger import LedgerCommon


@tagged("post_install", "-at_install")
class TestChannelReport(LedgerCommon):
    """Two US orders (untaxed 75.94, tax 4.25, shipping 7.99 each), a refund of 18.00 + 1.13 tax, a payout."""

    # the payout tests' documents: the same orders, refund and payout
    two_orders_and_a_refund = test_ledger_payouts.TestLedgerPayouts.two_orders_and_a_refund
    payout = staticmethod(test_ledger_payouts.TestLedgerPayouts.payout)

    def figures(self, domain=()):
        totals, taxes = self.env["ecommerce.channel.report"]._totals([("store_id", "=", self.store.id), *domain])
        return {key: round(value, 2) for key, value in totals[self.store].items()}, taxes.get(self.store, [])

    def test_sales_refunds_taxes_shipping_and_money_in_transit(self):
        self.two_orders_and_a_refund()
        figures, taxes = self.figures()
        self.assertEqual(figures["net_sales"], round(2 * 75.94 - 18.00, 2))
        self.assertEqual(figures["refunds"], 18.00)
        self.assertEqual(figures["tax_collected"], round(2 * 4.25 - 1.13, 2))
        self.assertEqual(figures["shipping"], 2 * 7.99)
        self.assertEqual(
            round(figures["gross_sales"] - figures["discounts"] + figures["shipping"] - figures["refunds"], 2),
            figures["net_sales"],
            "gross sales less discounts, plus shipping, less refunds are the net sales",
        )
        self.assertGreater(figures["gross_sales"], 0)
        self.assertEqual(figures["in_transit"], self.balance(self.clearing), "what the platform holds")
        self.assertEqual(figures["in_transit"], 141.25)
        self.assertEqual(figures["fees"], 0.0)
        self.assertEqual(figures["net_payouts"], 0.0)
        self.assertEqual(figures["open_receivables"], 0.0, "every order was paid")
        self.assertEqual([(tax.name, round(amount, 2)) for tax, amount in taxes], [(self.sales_tax.name, 7.37)])

        self.handle(self.payout())
        figures, _taxes = self.figures()
        self.assertEqual(figures["fees"], 5.26)
        self.assertEqual(figures["net_payouts"], 135.99)
        self.assertEqual(figures["in_transit"], 0.0, "all paid out")

        # by period: the payout is dated the 12th, the orders before
        before, _taxes = self.figures([("date", "<", "2025-01-12")])
        self.assertEqual(before["net_payouts"], 0.0)
        self.assertEqual(before["in_transit"], 141.25)

    def test_the_digest_mails_the_period_to_its_recipients(self):
        self.two_orders_and_a_refund()
        self.handle(self.payout())
        mismatch = self.env["ecommerce.discrepancy"]._flag(
            self.store, "payout_mismatch", "P9 differs", external_id="P9"
        )
        self.env.cr.execute("UPDATE ecommerce_discrepancy SET create_date = '2025-01-10' WHERE id = %s", [mismatch.id])
        mismatch.invalidate_recordset(["create_date"])
        self.env.user.email = "accountant@example.com"
        digest = self.env["ecommerce.digest"].create(
            {
                "name": "Weekly channels",
                "period": "weekly",
                "store_ids": [(6, 0, self.store.ids)],
                "user_ids": [(6, 0, self.env.user.ids)],
                "next_send_at": datetime(2025, 1, 13, 6, 0),
            }
        )
        digest._send(now=datetime(2025, 1, 13, 6, 0))

        mail = self.env["mail.mail"].search([("subject", "like", "Weekly channels")])
        self.assertEqual(mail.subject, "Weekly channels: 2025-01-06 to 2025-01-12")
        self.assertEqual(mail.recipient_ids, self.env.user.partner_id)
        body = mail.body_html
        currency = self.store.company_id.currency_id
        # the orders were placed before the week: in it, the refund (the 8th) and the payout (the 12th)
        for label, amount in (("Refunds", 18.00), ("Fees", 5.26), ("Net Payouts", 135.99)):
            self.assertIn(label, body)
            self.assertIn(currency.format(amount), body)
        self.assertIn(self.sales_tax.name, body)
        self.assertIn("P9 differs", body, "the discrepancies opened in the week")
        self.assertEqual(digest.next_send_at, datetime(2025, 1, 20, 6, 0))
