"""Seeded, deterministic history of a PayPal business account, and the payments of other stores' orders.

:func:`generate` fills a :class:`~.state.PayPalAccount` with ``days`` days of
trading ending at ``now``: PayPal Checkout sales with their cart (items,
sales tax, shipping) in dollars, sales in euros converted to dollars (T0200
pairs), a sale whose items are only on its Orders v2 order, a pending eCheck
cleared days later, a denied payment, a full and a partial refund (the
percentage part of the fee given back), a chargeback lost and one won, a
hold and its release, a code the connector does not know, and a withdrawal
to the bank every third day. The same seed and ``now`` give the same
history, ids included.

:func:`seed_store_payments` makes the payments another store's checkout made
through WooCommerce PayPal Payments (``invoice_id`` = prefix + order number,
``custom_id`` = order id, the capture id the store keeps as
``transaction_id``), from rows of :class:`StoreOrder`; :func:`paypal_paid_orders`
reads those rows off WooCommerce order payloads.
"""

import hashlib
import random
from collections import namedtuple
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import to_datetime

from .state import PayPalAccount, cents

#: one order of another store paid through PayPal
StoreOrder = namedtuple("StoreOrder", "order_id number total currency paid_at email transaction_id")
#: (code, name, USD price, EUR price)
CATALOGUE = (
    ("PPL-SCARF-01", "Merino Scarf", "39.00", "36.00"),
    ("PPL-GLOVE-02", "Leather Gloves", "54.50", "49.90"),
    ("PPL-BEANIE-03", "Wool Beanie", "22.00", "19.90"),
    ("PPL-SOCKS-04", "Hiking Socks", "12.75", "11.50"),
)
PAYERS = (
    {"account_id": "BUYER0LOVELACE", "email": "ada@example.com", "given_name": "Ada", "surname": "Lovelace",
     "country": "US", "address": ("1 Market St", "San Francisco", "94105", "CA", "US")},
    {"account_id": "BUYER0HOPPER01", "email": "grace@example.com", "given_name": "Grace", "surname": "Hopper",
     "country": "US", "address": ("200 Broadway", "Oakland", "94607", "CA", "US")},
    {"account_id": "BUYER0CURIE001", "email": "marie@example.fr", "given_name": "Marie", "surname": "Curie",
     "country": "FR", "address": ("12 rue de Rivoli", "Paris", "75004", "", "FR")},
)  # fmt: skip
SALES_TAX = Decimal("0.0725")
SHIPPING = {"USD": Decimal("6.50"), "EUR": Decimal("5.90")}


def day_start(moment):
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _items(rng, currency):
    picks = rng.sample(CATALOGUE, 1 + rng.randrange(2))
    rows = []
    for code, name, usd, eur in picks:
        quantity = 1 + rng.randrange(3)
        unit = Decimal(usd if currency == "USD" else eur)
        tax = cents(unit * quantity * SALES_TAX) if currency == "USD" else Decimal(0)
        rows.append((code, name, quantity, unit, tax))
    return rows


def generate(seed=1, days=14, now=None):
    """An account with ``days`` days of history ending at ``now`` (the current time by default).

    Fourteen days or more give every case above.
    """
    if days < 14:
        raise ValueError("the generated history needs at least 14 days")
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    rng = random.Random(seed)
    account = PayPalAccount(seed=seed)
    start = day_start(now) - timedelta(days=days)
    payments, chargebacks, hold = [], {}, None
    for day in range(days):
        base = start + timedelta(days=day)
        for sale in range(2 + rng.randrange(2)):
            at = base + timedelta(hours=9 + 3 * sale, seconds=rng.randrange(1800))
            payer = PAYERS[rng.randrange(2)]
            items = _items(rng, "USD")
            payments.append(account.pay(at, items, "USD", payer, SHIPPING["USD"], invoice_id=f"PP-{day:03d}{sale}"))
        if day % 4 == 1:
            at = base + timedelta(hours=16)
            row = account.pay(at, _items(rng, "EUR"), "EUR", PAYERS[2], SHIPPING["EUR"])
            info = row["transaction_info"]
            net = Decimal(info["transaction_amount"]["value"]) + Decimal(info["fee_amount"]["value"])
            account.convert(info["transaction_id"], net, "EUR", at + timedelta(seconds=1))
        if day == 2:
            account.pay(base + timedelta(hours=17), [("PPL-INVOICE", "Consulting, invoice 2026-07", 1, "120.00", "0")],
                        "USD", PAYERS[1], cart=False, subject="Invoice 2026-07")  # fmt: skip
        if day == 3:
            echeck = account.pay(base + timedelta(hours=18), _items(rng, "USD"), "USD", PAYERS[0], status="P")
        if day == 7:
            account.clear(echeck["transaction_info"]["transaction_id"], base + timedelta(hours=8))
        if day == 4:
            account.pay(base + timedelta(hours=19), _items(rng, "USD"), "USD", PAYERS[1], status="D")
        if day == 5:
            account.refund(payments[1]["transaction_info"]["transaction_id"],
                           payments[1]["transaction_info"]["transaction_amount"]["value"],
                           base + timedelta(hours=18), "Returned unworn")  # fmt: skip
        if day == 7:
            account.refund(payments[3]["transaction_info"]["transaction_id"], "10.00", base + timedelta(hours=18),
                           "Goodwill")  # fmt: skip
        if day == 6:
            _row, chargebacks["lost"] = account.chargeback(payments[2]["transaction_info"]["transaction_id"],
                                                           base + timedelta(hours=19))  # fmt: skip
        if day == 8:
            _row, chargebacks["won"] = account.chargeback(payments[4]["transaction_info"]["transaction_id"],
                                                          base + timedelta(hours=19), "UNAUTHORISED")  # fmt: skip
        if day == 9:
            hold = account.hold("75.00", base + timedelta(hours=20))
        if day == 10:
            account.resolve(chargebacks["lost"], won=False, at=base + timedelta(hours=20))
            account.adjust("T9900", "-1.25", base + timedelta(hours=21), subject="Other")
        if day == 11:
            account.release(hold["transaction_info"]["transaction_id"], base + timedelta(hours=20))
        if day == 12:
            account.resolve(chargebacks["won"], won=True, at=base + timedelta(hours=20))
        if day % 3 == 2 and day < days - 1:
            account.withdraw(base + timedelta(hours=23))
    return account


def seed_store_payments(account, orders, invoice_prefix="WC-"):
    """The payments another store's PayPal checkout made for ``orders`` (:class:`StoreOrder` rows).

    The payment keeps the capture id the store knows when it has PayPal's
    shape (17 letters and digits); amounts are the orders' totals.

    :return: the Transaction Search rows, in the order of ``orders``
    """
    made = []
    for row in orders:
        order = StoreOrder(*row)
        currency = str(order.currency).upper()
        reference = str(order.transaction_id or "")
        capture_id = reference if len(reference) == 17 and reference.isalnum() and reference.isupper() else None
        paid_at = to_datetime(order.paid_at, "paid_at")
        local, domain = (order.email or "buyer@example.com").partition("@")[::2]
        digest = hashlib.sha1(str(order.email).encode()).hexdigest()[:9].upper()
        payer = {"account_id": f"BUYER{digest}", "email": order.email,
                 "given_name": local.title() or "Buyer", "surname": domain.split(".")[0].title() or "Customer",
                 "country": "US", "address": None}  # fmt: skip
        total = Decimal(str(order.total))
        made.append(_store_payment(account, paid_at, total, currency, payer, invoice_prefix, order, capture_id))
    return made


def _store_payment(account, paid_at, total, currency, payer, prefix, order, capture_id):
    item = ("", f"Order {order.number}", 1, total, Decimal(0))
    return account.pay(paid_at, [item], currency, payer, invoice_id=f"{prefix}{order.number}",
                       custom_id=str(order.order_id), cart=False, txn_id=capture_id)  # fmt: skip


def paypal_paid_orders(orders, gateway="ppcp-gateway"):
    """The :class:`StoreOrder` rows of WooCommerce order payloads paid through ``gateway``."""
    rows = []
    for order in orders:
        if order.get("payment_method") != gateway or not order.get("date_paid_gmt"):
            continue
        rows.append(
            StoreOrder(
                order_id=order["id"],
                number=str(order.get("number") or order["id"]),
                total=Decimal(str(order["total"])),
                currency=str(order["currency"]),
                paid_at=order["date_paid_gmt"],
                email=str((order.get("billing") or {}).get("email") or ""),
                transaction_id=str(order.get("transaction_id") or ""),
            )
        )
    return rows
