"""A merchant's Odoo set up for the sandbox's PayPal account, the way a user would set it up for a real one.

Used by the addon's Odoo tests and by the demo; not loaded by the addon
itself. Odoo is imported nowhere here (the functions take Odoo records), so
that the sandbox package imports without it.

* the account's direct sales: a product per item it sells (the item code as
  internal reference), the US sales tax its carts carry as a sales tax
  mapped by the key the connector gives it, the euro at PayPal's rate;
* a WooCommerce site paid through the account: the payments and refunds
  WooCommerce PayPal Payments made for the site's PayPal-paid orders
  (:func:`seed_site_payments`);
* the bank: one statement line per withdrawal (:func:`deposit_withdrawals`).
"""

from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import to_datetime
from odoo.addons.ecommerce_sync.sandbox_support import merchant as shared
from odoo.addons.ecommerce_sync.sandbox_support.merchant import map_taxes, sale_tax

from .data import CATALOGUE, SALES_TAX, paypal_paid_orders, seed_store_payments
from .state import RATES

#: the item of the sale the account made with an invoice (its lines are only on its Orders v2 order)
INVOICED_SERVICE = ("PPL-INVOICE", "Consulting", Decimal("120.00"))
#: the key of the sales tax of the carts (``Tax <rate>``, the rate PayPal's amounts give)
TAX_KEY = f"Tax {SALES_TAX.normalize():f}"

__all__ = [
    "create_products",
    "create_taxes",
    "deposit_withdrawals",
    "seed_site_payments",
    "set_up_store",
]


def set_up_store(store, with_taxes=True):
    """The store connected ("Test connection"), its accounting set up, the carts' sales tax mapped.

    :return: the notification "Test connection" answered
    """
    return shared.set_up_platform(store, RATES, create_taxes if with_taxes else None)


def create_taxes(store):
    """The sales tax of the account's carts (US sales tax, excluded from prices), mapped by its key.

    :return: ``{tax key: account.tax}``
    """
    percent = SALES_TAX * 100
    taxes = {TAX_KEY: sale_tax(store.company_id, f"Sales tax {percent.normalize():f}%", percent, False)}
    map_taxes(store, taxes)
    return taxes


def create_products(env):
    """A product per item the account sells, with its item code as internal reference."""
    return shared.create_products(env, [(code, name, Decimal(usd)) for code, name, usd, _eur in CATALOGUE] + [
        INVOICED_SERVICE
    ])  # fmt: skip


def seed_site_payments(account, site, invoice_prefix="WC-", then=()):
    """The payments and refunds WooCommerce PayPal Payments made for a WooCommerce sandbox site's orders.

    Everything happens in the account in time order, as it did at PayPal (each transaction's balance
    after it is the balance at its time).

    :param site: the WooCommerce sandbox's site state (its ``orders``, ``refunds``)
    :param then: ``[(time, operation)]``: more of the account's life among them (a withdrawal, a
        chargeback, a hold), each ``operation(account, time, captures)`` called at its time with the
        capture ids made so far (``{order id: capture id}``)
    :return: ``(payments, refunds)``: their Transaction Search rows
    """
    rows = paypal_paid_orders(site.orders.values())
    timeline = [(to_datetime(row.paid_at, "paid_at"), "payment", row) for row in rows]
    paid = {str(row.order_id) for row in rows}
    timeline += [
        (to_datetime(refund["date_created_gmt"], "date_created_gmt"), "refund", (str(order_id), refund))
        for order_id, order_refunds in site.refunds.items()
        if str(order_id) in paid
        for refund in order_refunds
        if refund.get("refunded_payment")
    ]
    timeline += [(at, "operation", operation) for at, operation in then]
    captures, payments, refunds = {}, [], []
    for at, kind, item in sorted(timeline, key=lambda entry: entry[0]):
        if kind == "payment":
            [made] = seed_store_payments(account, [item], invoice_prefix)
            captures[str(item.order_id)] = made["transaction_info"]["transaction_id"]
            payments.append(made)
        elif kind == "refund":
            order_id, refund = item
            refunds.append(account.refund(captures[order_id], refund["amount"], at, refund["reason"] or ""))
        else:
            item(account, at, captures)
    return payments, refunds


def deposit_withdrawals(store, account):
    """One bank statement line per withdrawal of ``account``, in the store's payout journal, the day after it.

    :return: the statement lines (``account.bank.statement.line``)
    """
    values = []
    for row in account.rows:
        data = row["transaction_info"]
        if not data["transaction_event_code"].startswith("T04") or data["transaction_status"] != "S":
            continue
        made = to_datetime(data["transaction_initiation_date"], "date")
        values.append(
            {
                "journal_id": store.payout_journal_id.id,
                "date": made.date(),
                "amount": float(-Decimal(data["transaction_amount"]["value"])),
                "payment_ref": f"PAYPAL TRANSFER {data['transaction_id']}",
            }
        )
    return store.env["account.bank.statement.line"].create(values)
