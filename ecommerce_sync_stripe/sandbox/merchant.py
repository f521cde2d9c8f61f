"""A merchant's Odoo set up for the sandbox's Stripe account, the way a user would set it up for a real one.

Used by the addon's Odoo tests and by the demo; not loaded by the addon
itself. Odoo is imported nowhere here (the functions take Odoo records), so
that the sandbox package imports without it.

* the account's direct sales: a product per item of its catalogue (the SKU
  as internal reference), its tax rates as sales taxes mapped by their Stripe
  ids (US sales tax excluded from prices, French VAT included);
* a WooCommerce site paid through the account: the charges and refunds its
  Stripe gateway made for the site's card-paid orders, then the payouts
  (:func:`seed_site_payments`, :func:`pay_out`);
* the bank: one statement line per payout that arrived (:func:`deposit_payouts`).
"""

from datetime import datetime, timezone
from decimal import Decimal

from odoo.addons.ecommerce_sync.connector.balance import from_minor_units
from odoo.addons.ecommerce_sync.sandbox_support import merchant as shared
from odoo.addons.ecommerce_sync.sandbox_support.merchant import map_taxes, sale_tax

from ..connector.money import exponent
from .data import CATALOGUE, SALES_TAX, VAT, StoreRefund, card_paid_orders, seed_store_charges, seed_store_refunds
from .state import RATES, stamp


def minor_to_amount(value, currency):
    """Minor units of ``currency`` as a Decimal amount."""
    return from_minor_units(value, exponent(currency))


__all__ = [
    "activate_currencies",
    "create_products",
    "create_taxes",
    "deposit_payouts",
    "pay_out",
    "seed_site_payments",
    "set_up_store",
]


def set_up_store(store, with_taxes=True):
    """The store connected ("Test connection"), its accounting set up, the account's tax rates mapped.

    :return: the notification "Test connection" answered
    """
    return shared.set_up_platform(store, RATES, create_taxes if with_taxes else None)


def activate_currencies(env, company):
    """The currencies the account's customers pay in, active with the rates Stripe settles at (units per USD)."""
    shared.activate_currencies(company, RATES)


def create_taxes(store):
    """The account's Stripe Tax rates as sales taxes, mapped by their rate ids.

    :return: ``{rate id: account.tax}``
    """
    taxes = {}
    for rate_id, name, percent, included, *_where in (SALES_TAX, VAT):
        taxes[rate_id] = sale_tax(store.company_id, f"{name} {percent}%", Decimal(str(percent)), included)
    map_taxes(store, taxes)
    return taxes


def create_products(env):
    """A product per item the account sells, with its SKU as internal reference."""
    return shared.create_products(env, [(sku, name, Decimal(usd) / 100) for sku, name, usd, _eur in CATALOGUE])


def seed_site_payments(account, site, orders=None):
    """The charges and refunds a WooCommerce sandbox site's Stripe gateway made, in the account.

    :param site: the WooCommerce sandbox's site state (its ``orders``, ``refunds``, ``site_url``)
    :param orders: the site's order payloads whose payments to make (all of them when None)
    :return: ``(charges, refunds)`` as the account holds them
    """
    rows = card_paid_orders(site.orders.values() if orders is None else orders)
    charges = seed_store_charges(account, rows, site.site_url, site.profile.title)
    paid = {str(row.order_id): row for row in rows}
    refunds = [
        StoreRefund(
            paid[str(order_id)].transaction_id,
            Decimal(refund["amount"]),
            paid[str(order_id)].currency,
            refund["date_created_gmt"],
            refund["reason"] or None,
        )  # fmt: skip
        for order_id, order_refunds in site.refunds.items()
        if str(order_id) in paid
        for refund in reversed(order_refunds)
        if refund.get("refunded_payment")
    ]
    return charges, seed_store_refunds(account, refunds)


def pay_out(account, at):
    """What is available at ``at`` paid out, and the payouts due by then arrived.

    :return: the payout made, or None when nothing was available
    """
    account.advance(at)
    payout = account.pay_out(at)
    account.advance(stamp(at) + 3 * 86400)
    return payout


def deposit_payouts(store, account):
    """One bank statement line per payout of ``account`` that arrived, in the store's payout journal.

    :return: the statement lines (``account.bank.statement.line``)
    """
    values = []
    for payout_id in account.lists["payouts"]:
        payout = account.get(payout_id)
        if payout["status"] != "paid":
            continue
        values.append(
            {
                "journal_id": store.payout_journal_id.id,
                "date": _date(payout["arrival_date"]),
                "amount": float(minor_to_amount(payout["amount"], payout["currency"])),
                "payment_ref": f"{payout.get('statement_descriptor') or 'STRIPE'} {payout_id}",
            }
        )
    return store.env["account.bank.statement.line"].create(values)


def _date(timestamp):
    return datetime.fromtimestamp(timestamp, timezone.utc).date()
