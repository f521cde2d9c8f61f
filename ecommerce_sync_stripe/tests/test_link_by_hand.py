"""Charges that matching cannot place go to review, and a manager links them by hand.

A customer of the WooCommerce site ordered the same basket twice at the same moment (a double
submit): two orders alike, each paid through Stripe. The site kept none of the charges' ids, and
the gateway wrote the order ids the site had before it re-created them, so each charge matches both
orders by amount, currency, email and date: ambiguous. A phone order taken in the Stripe Dashboard
names an order of the merchant's old shop, which is no linked store. All three wait in the suspense
account with an ``unmatched_payment`` discrepancy; the manager links the first charge (already paid
out) to the first order's invoice, the second (paid out afterwards) to the second order, and
confirms the phone order as a direct sale. Then everything ties out as if matching had found them.
"""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.ecommerce_sync_woocommerce.tests.site_common import WooCommerceSiteCase

from ..sandbox import StripeAccount
from ..sandbox.state import minor as minor_units
from .common import D, StripeAccountMixin, StripeLedgerChecks, cents, merchant, minor

DAY = 86400
OLD_SHOP = "https://old-shop.example.com"


@tagged("post_install", "-at_install")
class TestChargesLinkedByHand(StripeAccountMixin, StripeLedgerChecks, WooCommerceSiteCase):
    sandbox_orders = 12

    @classmethod
    def create_store(cls, name="Woo Sandbox", **values):
        woo = super().create_store(name, **values)
        site = cls.sandbox.site
        basket = next(order for order in site.orders.values() if order["payment_method"] == "stripe")
        items = [(item["variation_id"] or item["product_id"], item["quantity"]) for item in basket["line_items"]]
        customer = (0, "Eve", "Twice", "eve.twice@example.com", "(415) 555-0199", 0)
        placed = site.tick(3600)
        cls.twins = [site.create_order(items, placed, customer=customer) for _twice in range(2)]
        cls.account = account = StripeAccount(seed=5)
        cls.start_stripe(account=account)
        twin_ids = {twin["id"] for twin in cls.twins}
        cls.charges, cls.refunds = merchant.seed_site_payments(
            account, site, [order for order in site.orders.values() if order["id"] not in twin_ids]
        )
        cls.twin_charges = [
            account.charge(
                minor_units(twin["total"], twin["currency"]),
                twin["currency"].lower(),
                placed + timedelta(days=index),  # the second one a day later: paid out after the first
                {"email": "eve.twice@example.com", "name": "Eve Twice"},
                description=f"{site.profile.title} - Order {twin['number']}",
                metadata={"site_url": site.site_url, "order_id": str(int(twin["id"]) + 5000)},
            )
            for index, twin in enumerate(cls.twins)
        ]
        cls.phone_charge = account.charge(
            4200,
            "usd",
            placed + timedelta(days=1, hours=2),
            {"email": "walk.in@example.com", "name": "Walk In"},
            description="Phone order",
            metadata={"site_url": OLD_SHOP, "order_id": "311"},
        )
        # listed after the site's store, which is paid out to the same bank journal: a deposit finds its
        # payout whichever store sharing the journal comes first
        cls.stripe = cls.create_linked_stripe_store(woo, sequence=woo.sequence + 1)
        return woo

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # both read orders and invoices; only the manager may book in the store
        cls.manager, cls.clerk = (
            new_test_user(
                cls.env,
                login=f"stripe_{group}",
                groups=f"base.group_user,ecommerce_sync.group_ecommerce_{group},"
                "sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
                company_id=cls.stripe.company_id.id,
            )
            for group in ("manager", "user")
        )
        cls.logs |= cls.sync_all(cls.store)  # the site imported by its store, twins included
        # the first payout takes the first twin's charge; the second twin's is not available yet
        merchant.pay_out(cls.account, cls.twin_charges[0]["created"] + 2 * DAY + 60)
        cls.review_logs = cls.sync_all(cls.stripe)
        cls.review = cls.env["ecommerce.discrepancy"].search(
            [("store_id", "=", cls.stripe.id), ("kind", "=", "unmatched_payment")]
        )
        cls.review_messages = {discrepancy.external_id: discrepancy.message for discrepancy in cls.review}
        cls.suspense_in_review = cls.account_balance_of(cls.stripe.suspense_account_id)
        cls.twin_orders = [cls.sale_order_of(twin["id"]) for twin in cls.twins]
        first, second = (cls.discrepancy_of(charge) for charge in cls.twin_charges)
        invoice = cls.twin_orders[0].invoice_ids.filtered(lambda move: move.state == "posted")
        cls.link(first, invoice_id=invoice)
        cls.link(second, sale_order_id=cls.twin_orders[1])
        cls.link(cls.discrepancy_of(cls.phone_charge), link_to="direct")
        merchant.pay_out(cls.account, cls.phone_charge["created"] + 2 * DAY + 60)
        cls.stripe_logs = cls.sync_all(cls.stripe)
        cls.deposits = merchant.deposit_payouts(cls.stripe, cls.account)

    # ------------------------------------------------------------------
    @classmethod
    def sale_order_of(cls, order_id):
        return cls.env["sale.order"].search(
            [("ecommerce_store_id", "=", cls.store.id), ("ecommerce_external_id", "=", str(order_id))]
        )

    @classmethod
    def account_balance_of(cls, account):
        lines = cls.env["account.move.line"].search([("account_id", "=", account.id), ("parent_state", "=", "posted")])
        return cents(sum(lines.mapped("balance")))

    @classmethod
    def discrepancy_of(cls, charge):
        txn = charge["balance_transaction"]
        return cls.review.filtered(lambda discrepancy: discrepancy.external_id == txn)

    @classmethod
    def link(cls, discrepancy, **choice):
        """What the manager does: "Link the payment" on the discrepancy, the choice, "Link"."""
        action = discrepancy.with_user(cls.manager).action_link_payment()
        wizard = Form(cls.env[action["res_model"]].with_user(cls.manager).with_context(action["context"]))
        for name, value in choice.items():
            setattr(wizard, name, value)
        return wizard.save().action_link()

    # ------------------------------------------------------------------
    def test_charges_matching_cannot_place_wait_in_review(self):
        self.assertFalse(self.review_logs.filtered("failed_count"), self.review_logs.line_ids.mapped("error"))
        self.assertEqual(len(self.review), 3)
        names = [order.ecommerce_order_name for order in self.twin_orders]
        for charge in self.twin_charges:
            message = self.review_messages[charge["balance_transaction"]]
            self.assertIn("several orders of the linked stores alike", message)
            self.assertTrue(all(name in message for name in names), message)
        self.assertIn(OLD_SHOP, self.review_messages[self.phone_charge["balance_transaction"]])
        waiting = sum((minor(charge["amount"]) for charge in [*self.twin_charges, self.phone_charge]), D(0))
        self.assertEqual(self.suspense_in_review, -waiting)

    def test_each_charge_settles_the_payment_chosen(self):
        for charge, order in zip(self.twin_charges, self.twin_orders, strict=True):
            payment = self.bound("transaction", charge["id"])
            self.assertEqual(payment.journal_id, self.stripe.clearing_journal_id)
            self.assertEqual(cents(payment.amount), minor(charge["amount"]))
            self.assertEqual(payment.reconciled_invoice_ids, order.invoice_ids.filtered(lambda m: m.state == "posted"))
            self.assertEqual(payment.reconciled_invoice_ids.payment_state, "paid")
            self.assertEqual(self.bound("movement", charge["balance_transaction"]), payment)
        # one payment per charge: the site's own, none added
        self.assertEqual(len(self.platform_payments("inbound")), len(self.charges) + 3)
        self.assertEqual(set(self.review.mapped("state")), {"resolved"})

    def test_a_direct_sale_confirmed_by_hand(self):
        payment = self.bound("transaction", self.phone_charge["id"])
        invoice = payment.reconciled_invoice_ids
        self.assertEqual(invoice.ecommerce_store_id, self.stripe)
        self.assertEqual(cents(invoice.amount_total), D("42.00"))
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.partner_id.email, "walk.in@example.com")

    def test_suspense_clears_and_everything_ties_out(self):
        self.assertFalse(self.stripe_logs.filtered("failed_count"), self.stripe_logs.line_ids.mapped("error"))
        self.assertEqual(self.account_balance(self.stripe.suspense_account_id), D("0.00"))
        self.assertGreater(self.assert_fees_are_stripes(), 0)
        payouts = self.assert_payouts_match_the_bank()
        self.assertEqual(len(payouts), 2)
        self.assertEqual(self.store.payout_journal_id, self.stripe.payout_journal_id)
        self.assertTrue(all(self.deposits.mapped("is_reconciled")))
        self.assert_clearing_is_stripes_balance()
        clearing = self.env["account.move.line"].search(
            [("account_id", "=", self.stripe.clearing_account_id.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(cents(sum(clearing.filtered(lambda line: not line.reconciled).mapped("balance"))), D("0.00"))
        self.assert_no_mismatch()
        self.assert_trial_balance_balanced()

    def test_resync_creates_nothing(self):
        self.assert_resync_creates_nothing()

    def test_only_managers_link_payments(self):
        discrepancy = self.discrepancy_of(self.twin_charges[0])
        with self.assertRaises(AccessError):
            discrepancy.with_user(self.clerk).action_link_payment()
        wizard = self.env["ecommerce.payment.link"].create(
            {"discrepancy_id": discrepancy.id, "sale_order_id": self.twin_orders[0].id}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.clerk).action_link()
        with self.assertRaises(UserError):  # linked already
            wizard.with_user(self.manager).action_link()
