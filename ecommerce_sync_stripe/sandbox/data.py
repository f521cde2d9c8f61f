"""Seeded, deterministic history of a Stripe account, and the charges of other stores' orders.

:func:`generate` fills a :class:`~.state.StripeAccount` with ``days`` days
of trading ending at ``now``: Checkout Sessions with line items, Stripe Tax
amounts, discounts and shipping (USD with US sales tax; EUR with VAT
included, settled in USD at an exchange rate), a Payment Link sale, an API
charge without session, a declined card, full and partial refunds, a
dispute lost and one won, a Stripe fee, daily automatic payouts (one of
them returned by the bank). The same seed and ``now`` give the same
history, ids included.

:func:`seed_store_charges` makes the charges another store's checkout made
through its Stripe gateway (WooCommerce Stripe Gateway: ``order_id``,
``site_url`` and ``customer_email`` in the metadata, the payment intent or
charge id the store keeps as the order's ``transaction_id``), from rows of
:class:`StoreOrder`; :func:`card_paid_orders` reads those rows off
WooCommerce order payloads.
"""

import random
import time
from collections import namedtuple
from decimal import Decimal

from . import serializers as shapes
from .state import DAY, StripeAccount, day_start, minor, round_half_up

#: one order of another store paid through Stripe
StoreOrder = namedtuple("StoreOrder", "order_id number total currency paid_at email transaction_id")
#: one refund of such an order made through the gateway
StoreRefund = namedtuple("StoreRefund", "transaction_id amount currency refunded_at reason")

#: (sku, name, USD price, EUR price with VAT)
CATALOGUE = (
    ("STR-TEE-01", "Organic Cotton Tee", 2500, 2900),
    ("STR-MUG-02", "Enamel Camp Mug", 1800, 1990),
    ("STR-CAP-03", "Canvas Cap", 2200, 2490),
    ("STR-BAG-04", "Waxed Tote Bag", 4850, 5400),
)
CUSTOMERS = (
    ("Ada Lovelace", "ada@example.com", "+14155550101", ("1 Market St", "San Francisco", "94105", "CA", "US")),
    ("Grace Hopper", "grace@example.com", "+14155550102", ("200 Broadway", "Oakland", "94607", "CA", "US")),
    ("Alan Turing", "alan@example.com", "+14155550103", ("55 Santa Clara St", "San Jose", "95113", "CA", "US")),
    ("Marie Curie", "marie@example.fr", "+33142000001", ("12 rue de Rivoli", "Paris", "75004", "", "FR")),
)
SALES_TAX = ("txr_1SbxSalesTaxCA0001", "Sales Tax", 7.25, False, "CA", "US", "CA")
VAT = ("txr_1SbxVatFR20000001", "VAT", 20.0, True, "FR", "FR", "")
SHIPPING = {
    "usd": ("shr_1SbxStandardUS0001", "Standard shipping", 750),
    "eur": ("shr_1SbxStandardEU0001", "Livraison", 690),
}
DISCOUNT_RATE = Decimal("0.10")


def _install_catalogue(account):
    prices = {}
    for index, (sku, name, usd, eur) in enumerate(CATALOGUE, start=1):
        product = account.add(None, shapes.product(f"prod_1SbxProduct{index:06d}", name, sku))
        prices[sku] = {
            "usd": account.add(None, shapes.price(f"price_1SbxUsd{index:09d}", product["id"], usd, "usd", False)),
            "eur": account.add(None, shapes.price(f"price_1SbxEur{index:09d}", product["id"], eur, "eur", True)),
        }
    rates = {"usd": account.add(None, shapes.tax_rate(*SALES_TAX)), "eur": account.add(None, shapes.tax_rate(*VAT))}
    for currency, (rate_id, name, amount) in SHIPPING.items():
        account.add(None, shapes.shipping_rate(rate_id, name, amount, currency))
    return prices, rates


def _tax(base, rate):
    """``(tax, taxable amount)`` of ``base`` minor units at ``rate``, inclusive or not."""
    percent = Decimal(str(rate["percentage"])) / 100
    if rate["inclusive"]:
        net = round_half_up(Decimal(base) / (1 + percent))
        return base - net, net
    return round_half_up(base * percent), base


def _tax_entry(base, rate):
    tax, taxable = _tax(base, rate)
    entry = {"amount": tax, "rate": rate, "taxability_reason": "standard_rated", "taxable_amount": taxable}
    return {**entry, "_inclusive": rate["inclusive"]}


def checkout_session(account, at, customer, picks, currency, discount=False, payment_link=None, reference=None):
    """A completed Checkout Session of ``picks`` (``[(sku, quantity)]``) paid by card; returns ``(session, charge)``."""
    prices, rates = account.catalogue
    rate = rates[currency]
    name, email, phone, (line1, city, postal, state, country) = customer
    items = []
    for sku, quantity in picks:
        price = prices[sku][currency]
        subtotal = price["unit_amount"] * quantity
        off = round_half_up(subtotal * DISCOUNT_RATE) if discount else 0
        discounts = []
        if off:
            coupon = {"id": "WELCOME10", "object": "coupon", "name": "WELCOME10", "percent_off": 10.0}
            discounts = [
                {
                    "amount": off,
                    "discount": {"id": account.new_id("di"), "object": "discount", "coupon": coupon,
                                 "promotion_code": None, "source": {"coupon": coupon, "type": "coupon"}},
                }
            ]  # fmt: skip
        tax = _tax_entry(subtotal - off, rate)
        product_name = account.get(price["product"])["name"]
        items.append(
            shapes.line_item(
                account.new_id("li"), price, product_name, quantity, subtotal, off, tax["amount"], [tax], discounts
            )
        )
    shipping_id, _shipping_name, shipping_amount = SHIPPING[currency]
    shipping_tax = _tax_entry(shipping_amount, rate)
    shipping_cost = {
        "amount_subtotal": shipping_amount,
        "amount_tax": shipping_tax["amount"],
        "amount_total": shipping_amount + (0 if rate["inclusive"] else shipping_tax["amount"]),
        "shipping_rate": shipping_id,
        "taxes": [{key: value for key, value in shipping_tax.items() if key != "_inclusive"}],
    }
    subtotal = sum(item["amount_subtotal"] for item in items)
    off = sum(item["amount_discount"] for item in items)
    tax = sum(item["amount_tax"] for item in items) + shipping_cost["amount_tax"]
    total = sum(item["amount_total"] for item in items) + shipping_cost["amount_total"]
    home = shapes.address(line1, city, postal, state, country)
    details = {"address": home, "email": email, "name": name, "phone": phone, "tax_exempt": "none", "tax_ids": []}
    session = shapes.checkout_session(
        account.new_id("cs_test" if not account.livemode else "cs_live"),
        None,
        currency,
        at - 90,
        details,
        {"address": home, "name": name},
        (subtotal, off, tax, shipping_cost, total),
        {"payment_link": payment_link, "client_reference_id": reference},
        account.livemode,
    )
    billing = {"name": name, "email": email, "phone": phone, "address": home}
    card = ("visa", "4242", country) if country == "US" else ("mastercard", "4444", country)
    return account.checkout(session, items, {"amount": total, "currency": currency, "at": at, "billing": billing,
                                             "card": card})  # fmt: skip


def _billing(customer):
    name, email, phone, (line1, city, postal, state, country) = customer
    return {
        "name": name,
        "email": email,
        "phone": phone,
        "address": shapes.address(line1, city, postal, state, country),
    }


def generate(seed=1, days=14, now=None):
    """An account with ``days`` days of history ending at ``now`` (Unix time; the current time by default).

    Fourteen days or more give every case above (disputes from day 6, their outcome on days 10 and 12).
    """
    if days < 14:
        raise ValueError("the generated history needs at least 14 days")
    now = int(time.time()) if now is None else int(now)
    rng = random.Random(seed)
    account = StripeAccount(seed=seed)
    account.catalogue = _install_catalogue(account)
    start = day_start(now) - days * DAY
    charges, disputes = [], {}
    for day in range(days):
        base = start + day * DAY
        for sale in range(2 + rng.randrange(2)):
            at = base + 3600 * (9 + 3 * sale) + rng.randrange(1800)
            customer = CUSTOMERS[rng.randrange(3)] if (day + sale) % 4 else CUSTOMERS[3]
            currency = "eur" if customer is CUSTOMERS[3] else "usd"
            skus = rng.sample([row[0] for row in CATALOGUE], 1 + rng.randrange(2))
            picks = [(sku, 1 + rng.randrange(3)) for sku in skus]
            link = f"plink_1Sbx{day:010d}" if day % 5 == 2 and sale == 0 else None
            _session, charge = checkout_session(
                account, at, customer, picks, currency, discount=rng.random() < 0.3, payment_link=link
            )
            charges.append(charge)
        if day % 6 == 3:
            account.charge(
                12000,
                "usd",
                base + 16 * 3600,
                _billing(CUSTOMERS[1]),
                description="Consulting, invoice 2026-%03d" % day,
            )
        if day % 7 == 4:
            declined = ("insufficient_funds", "Your card has insufficient funds.")
            account.charge(4300, "usd", base + 17 * 3600, _billing(CUSTOMERS[2]), fail=declined)
        if day == 5:
            account.refund(charges[1]["id"], at=base + 18 * 3600)
        if day == 7:
            account.refund(charges[3]["id"], amount=500, at=base + 18 * 3600, reason="duplicate")
        if day == 6:
            disputes["lost"] = account.dispute(charges[2]["id"], base + 19 * 3600)
        if day == 8:
            disputes["won"] = account.dispute(charges[4]["id"], base + 19 * 3600, reason="product_not_received")
        if day == 10:
            account.stripe_fee(150, base + 20 * 3600, "Tax: calculation fees")
            account.close_dispute(disputes["lost"]["id"], won=False, at=base + 20 * 3600 + 60)
        if day == 12:
            account.close_dispute(disputes["won"]["id"], won=True, at=base + 20 * 3600)
        if day == 10:
            # the bank returns the latest payout: its money goes out again with the next one
            account.fail_payout(account.lists["payouts"][-1], base + 9 * 3600)
        account.advance(base + 22 * 3600)
        account.pay_out(base + 23 * 3600)
    account.advance(now)
    return account


def seed_store_charges(account, orders, site_url, site_name="WooCommerce", card=("visa", "4242", "US")):
    """The charges another store's Stripe gateway made for ``orders`` (:class:`StoreOrder` rows).

    The charge keeps the id the store knows: a ``transaction_id`` starting
    with ``pi_`` is the payment intent's, one starting with ``ch_`` the
    charge's. Amounts are the orders' totals, to the minor unit.

    :return: the charges, in the order of ``orders``
    """
    made = []
    for row in orders:
        order = StoreOrder(*row)
        currency = str(order.currency).lower()
        reference = str(order.transaction_id)
        metadata = {
            "customer_email": order.email,
            "site_url": site_url,
            "order_id": str(order.order_id),
            "payment_type": "single",
        }
        made.append(
            account.charge(
                minor(order.total, currency),
                currency,
                order.paid_at,
                {"email": order.email, "name": None},
                description=f"{site_name} - Order {order.number}",
                metadata=metadata,
                card=card,
                intent_id=reference if reference.startswith("pi_") else None,
                charge_id=reference if reference.startswith(("ch_", "py_")) else None,
            )
        )
    return made


def charge_of(account, transaction_id):
    """The charge of a payment intent or charge id another store keeps."""
    obj = account.get(transaction_id)
    return account.get(obj["latest_charge"]) if obj["object"] == "payment_intent" else obj


def seed_store_refunds(account, refunds):
    """Refunds another store made through its Stripe gateway (:class:`StoreRefund` rows)."""
    made = []
    for row in refunds:
        refund = StoreRefund(*row)
        charge = charge_of(account, refund.transaction_id)
        made.append(
            account.refund(
                charge["id"],
                amount=minor(refund.amount, str(refund.currency).lower()),
                at=refund.refunded_at,
                reason=refund.reason or "requested_by_customer",
                metadata=dict(charge["metadata"]),
            )
        )
    return made


def card_paid_orders(orders, gateway="stripe"):
    """The :class:`StoreOrder` rows of WooCommerce order payloads paid through ``gateway``.

    An order counts once it is paid (``date_paid_gmt``) and carries the
    gateway's ``transaction_id``.
    """
    rows = []
    for order in orders:
        if order.get("payment_method") != gateway or not order.get("transaction_id") or not order.get("date_paid_gmt"):
            continue
        rows.append(
            StoreOrder(
                order_id=order["id"],
                number=str(order.get("number") or order["id"]),
                total=Decimal(str(order["total"])),
                currency=str(order["currency"]),
                paid_at=order["date_paid_gmt"],
                email=str((order.get("billing") or {}).get("email") or ""),
                transaction_id=str(order["transaction_id"]),
            )
        )
    return rows
