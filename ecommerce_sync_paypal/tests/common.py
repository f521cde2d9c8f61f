"""A PayPal store connected to a sandbox account on 127.0.0.1, and the checks every PayPal store must pass.

Every figure is compared with what the sandbox account holds (its Transaction
Search rows and balances), never with what Odoo computed.
"""

from datetime import datetime, timedelta

from odoo.addons.ecommerce_sync.connector import to_datetime
from odoo.addons.ecommerce_sync.tests.common_platform import D, PaymentPlatformChecks, cents

from ..sandbox import DEFAULT_CLIENT_ID, DEFAULT_SECRET, PayPalAccount, PayPalSandbox, merchant, paypal_paid_orders

WEBHOOK_ID = "1JE4291016473214C"


def info(row):
    return row["transaction_info"]


def amount(row, key="transaction_amount"):
    return D((info(row).get(key) or {}).get("value") or "0")


def initiated(row):
    return datetime.strptime(info(row)["transaction_initiation_date"], "%Y-%m-%dT%H:%M:%S%z")


def refund_through_paypal(site):
    """The merchant refunds, through PayPal, one PayPal-paid order of a WooCommerce sandbox site in full
    and one item of another."""
    paid = [
        order
        for order in site.orders.values()
        if order["payment_method"] == "ppcp-gateway"
        and order["status"] in ("processing", "completed")
        and not site.refunds.get(order["id"])
    ]
    site.full_refund(paid[0]["id"], restock=False, reason="Returned")
    site.refund(paid[1]["id"], {paid[1]["line_items"][0]["id"]: 1}, restock=False, reason="Damaged item")


def seed_site_account(account, site, then=()):
    """A WooCommerce sandbox site's PayPal payments and refunds in ``account``, with a withdrawal in the
    middle of them and one five days after the last, and ``then`` (more of the account's life, see
    ``merchant.seed_site_payments``).

    :return: ``(payments, refunds, time of the first payment)``
    """
    times = sorted(to_datetime(row.paid_at, "paid_at") for row in paypal_paid_orders(site.orders.values()))

    def withdraw(account, at, captures):
        account.withdraw(at)

    then = [*then, (times[len(times) // 2] + timedelta(hours=1), withdraw), (times[-1] + timedelta(days=5), withdraw)]
    payments, refunds = merchant.seed_site_payments(account, site, then=then)
    return payments, refunds, times[0]


class PayPalAccountMixin(PaymentPlatformChecks):
    """Starts a PayPal sandbox for the test class; creates stores connected to it."""

    @classmethod
    def start_paypal(cls, account=None, **options):
        cls.paypal_sandbox = cls.start_platform_sandbox(PayPalSandbox, account, **options)
        return cls.paypal_sandbox

    @classmethod
    def paypal_paying(cls, linked, name="PayPal for Woo", seed=5):
        """A PayPal sandbox account (``cls.paypal_sandbox.account``) and its store paying ``linked``'s orders."""
        account = PayPalAccount(seed=seed)
        return cls.linked_platform_store(cls.start_paypal, cls.create_paypal_store, merchant, account, linked, name)

    @classmethod
    def sync_paypal_from(cls, store, first):
        """Every flow of the PayPal ``store`` read from a day before ``first`` (the history it has).

        :return: ``(the cursor it started from, the sync logs)``
        """
        since = (first - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        store.write({"cursor_orders": since, "cursor_refunds": since, "cursor_payouts": since})
        return since, cls.sync_all(store)

    @classmethod
    def paypal_direct_sales(cls, name, **values):
        """The sandbox's generated account (``cls.account``) and a PayPal store of its own sales, set up."""
        return cls.direct_sales_store(cls.start_paypal, cls.create_paypal_store, merchant, name, **values)

    @classmethod
    def create_paypal_store(cls, name="PayPal Sandbox", **values):
        return cls.create_platform_store(
            name,
            "paypal",
            **{
                "paypal_client_id": DEFAULT_CLIENT_ID,
                "paypal_client_secret": DEFAULT_SECRET,
                "paypal_environment": "sandbox",
                "paypal_local_test_account": True,
                "paypal_api_base": cls.paypal_sandbox.url,
                "paypal_webhook_id": WEBHOOK_ID,
                **values,
            },
        )


class PayPalLedgerChecks(PaymentPlatformChecks):
    """What ties out for a PayPal store (``self.paypal``) and its sandbox account (``self.account``)."""

    @property
    def platform_store(self):
        return self.paypal

    def rows(self, *prefixes, status=("S", "P")):
        """The account's transactions whose event code starts with one of ``prefixes`` (all when none)."""
        return [
            row
            for row in self.account.rows
            if info(row)["transaction_status"] in status
            and (not prefixes or info(row)["transaction_event_code"].startswith(prefixes))
        ]

    def by_currency(self, account, until=None):
        """``{currency: amount}`` the Odoo account holds, in each currency (zeros left out)."""
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if until:
            domain.append(("date", "<=", until))
        totals = {}
        for line in self.env["account.move.line"].search(domain):
            totals[line.currency_id.name] = totals.get(line.currency_id.name, D(0)) + cents(line.amount_currency)
        return {currency: total for currency, total in totals.items() if total}

    @staticmethod
    def add(totals, currency, value):
        totals[currency] = totals.get(currency, D(0)) + value

    def paypal_balance(self):
        """PayPal's balance, ``{currency: amount}``: the balance after its last transaction in each currency."""
        return {currency: cents(value) for currency, value in self.account.balance.items() if value}

    def assert_fees_are_paypals(self):
        """The fee account holds, in each currency, the fees PayPal kept (less those it gave back) and the
        fees it charged apart."""
        fees = {}
        for row in self.rows():
            currency = info(row)["transaction_amount"]["currency_code"]
            self.add(fees, currency, -amount(row, "fee_amount"))
            if info(row)["transaction_event_code"].startswith("T01"):
                self.add(fees, currency, -amount(row))
        self.assertEqual(self.by_currency(self.paypal.fee_account_id), fees)
        return fees

    def assert_clearing_is_paypals_balance(self):
        self.assertEqual(self.by_currency(self.paypal.clearing_account_id), self.paypal_balance())

    def assert_withdrawals_match_the_bank(self):
        """Each withdrawal is a transfer to the bank matched with its statement line, after which the
        clearing account held what PayPal said its balance was."""
        withdrawals = self.rows("T04")
        self.assertTrue(withdrawals)
        for row in withdrawals:
            txn_id = info(row)["transaction_id"]
            transfer = self.bound("payout", txn_id)
            self.assertTrue(transfer, txn_id)
            self.assertEqual(cents(transfer.amount), -amount(row))
            self.assertTrue(transfer.paired_internal_transfer_payment_id.is_matched, txn_id)
            currency = info(row)["transaction_amount"]["currency_code"]
            held = self.by_currency(self.paypal.clearing_account_id, initiated(row).date())
            self.assertEqual(held.get(currency, D(0)), amount(row, "ending_balance"), txn_id)
        return withdrawals


__all__ = [
    "WEBHOOK_ID",
    "D",
    "PayPalAccountMixin",
    "PayPalLedgerChecks",
    "amount",
    "cents",
    "info",
    "initiated",
    "merchant",
    "refund_through_paypal",
    "seed_site_account",
]
