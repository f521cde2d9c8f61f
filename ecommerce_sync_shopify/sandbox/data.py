"""The deterministic generator: a seed and a number of orders give the same shop every time.

The shop sells in US dollars to several markets: tax-excluded US (one or two
sales taxes) and Canada (HST, GST + PST), tax-included Germany, France and
the United Kingdom in euros and pounds (so presentment != shop currency).
Orders mix discount codes and automatic discounts, free-shipping codes, gift
cards sold and used as payment, PayPal, manual (cash on delivery) payments,
authorisations, declined cards; single, split and partial fulfilments;
returns with restock, refunds without restock, shipping refunds, refunds
short of the items' value (discrepancies), order-edit removals, and
cancellations of paid and unpaid orders. Shopify Payments payouts settle the
card movements with their fees.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from . import serializers
from .data_catalog import make_catalog, make_levels, make_locations
from .data_fulfillments import ship
from .data_money import ZERO, cents
from .data_orders import build_order
from .data_payments import cancel, mark_manual_paid, pay, pick_method, refund, void_authorization
from .data_payouts import make_payouts
from .data_people import make_person

START = datetime(2025, 3, 3, 14, 0, tzinfo=timezone.utc)
FIRST_ORDER_NUMBER = 1001


class IdFactory:
    """Increasing ids per object type, with irregular gaps like real ones.

    :param random.Random rng: the generator's random source
    """

    BASES = {
        "product": 8_101_000_000_000,
        "variant": 44_201_000_000_000,
        "inventory_item": 46_301_000_000_000,
        "location": 71_401_000_000,
        "customer": 7_501_000_000_000,
        "address": 9_601_000_000_000,
        "order": 5_701_000_000_000,
        "line_item": 14_801_000_000_000,
        "shipping_line": 4_901_000_000_000,
        "transaction": 6_911_000_000_000,
        "refund": 921_000_000_000,
        "refund_line_item": 531_000_000_000,
        "order_adjustment": 241_000_000_000,
        "refund_shipping_line": 351_000_000_000,
        "fulfillment": 5_461_000_000_000,
        "payout": 87_571_000_000,
        "balance_transaction": 1_681_000_000_000,
        "image": 32_791_000_000_000,
        "option": 10_891_000_000_000,
        "gift_card": 541_000_000_000,
        "checkout": 33_001_000_000_000,
    }

    def __init__(self, rng):
        self.rng = rng
        self.last = dict(self.BASES)

    def next(self, kind):
        self.last[kind] += self.rng.randint(1, 997)
        return self.last[kind]


@dataclass
class ShopData:
    """Everything the sandbox serves, as Shopify JSON objects."""

    seed: int
    shop: dict
    products: list
    inventory_items: dict
    locations: list
    levels: dict
    orders: list
    transactions: dict
    payouts: list
    balance_transactions: list
    now: datetime
    drafts: dict = field(default_factory=dict)
    ids: IdFactory = None
    rng: random.Random = None


def shop_object(name, domain, now):
    created = "2024-11-04T09:00:00-05:00"
    return {
        "id": 64_100_000_001,
        "name": name,
        "email": f"owner@{domain}",
        "domain": domain,
        "province": "Kentucky",
        "country": "US",
        "address1": "1 Logistics Way",
        "zip": "40202",
        "city": "Louisville",
        "source": None,
        "phone": "+1 502-555-0100",
        "latitude": 38.25,
        "longitude": -85.76,
        "primary_locale": "en",
        "address2": "",
        "created_at": created,
        "updated_at": created,
        "country_code": "US",
        "country_name": "United States",
        "currency": "USD",
        "customer_email": f"hello@{domain}",
        "timezone": "(GMT-05:00) Eastern Time (US & Canada)",
        "iana_timezone": "America/New_York",
        "shop_owner": "Sandbox Owner",
        "money_format": "${{amount}}",
        "money_with_currency_format": "${{amount}} USD",
        "weight_unit": "kg",
        "province_code": "KY",
        "taxes_included": False,
        "auto_configure_tax_inclusivity": None,
        "tax_shipping": None,
        "county_taxes": True,
        "plan_display_name": "Shopify",
        "plan_name": "basic",
        "has_discounts": True,
        "has_gift_cards": True,
        "myshopify_domain": domain,
        "google_apps_domain": None,
        "google_apps_login_enabled": None,
        "money_in_emails_format": "${{amount}}",
        "money_with_currency_in_emails_format": "${{amount}} USD",
        "eligible_for_payments": True,
        "requires_extra_payments_agreement": False,
        "password_enabled": False,
        "has_storefront": True,
        "finances": True,
        "primary_location_id": None,
        "checkout_api_supported": True,
        "multi_location_enabled": True,
        "setup_required": False,
        "pre_launch_enabled": False,
        "enabled_presentment_currencies": ["CAD", "EUR", "GBP", "USD"],
        "marketing_sms_consent_enabled_at_checkout": False,
        "transactional_sms_disabled": False,
    }


def generate(seed=1, orders=50, name="Sandbox Outfitters", domain="sandbox-outfitters.myshopify.com"):
    """A whole shop: catalogue, locations, levels, ``orders`` orders and their payouts.

    :rtype: ShopData
    """
    rng = random.Random(seed)
    ids = IdFactory(rng)
    locations = make_locations(ids)
    products, items = make_catalog(rng, ids)
    span = max(timedelta(days=7), timedelta(hours=2) * orders)
    now = START + span + timedelta(hours=12)
    customers = []
    drafts = []
    for index in range(orders):
        created = START + span * index / max(orders, 1) + timedelta(minutes=rng.randint(0, 90))
        person, registered = _buyer(rng, ids, customers, index)
        draft = build_order(rng, ids, products, person, registered, created, FIRST_ORDER_NUMBER + index)
        _life(rng, ids, draft, locations, now)
        drafts.append(draft)
    payouts, balance = make_payouts(rng, ids, drafts, now)
    shop = shop_object(name, domain, now)
    shop["primary_location_id"] = locations[0]["id"]
    data = ShopData(
        seed=seed,
        shop=shop,
        products=products,
        inventory_items=items,
        locations=locations,
        levels=make_levels(rng, items, locations, START),
        orders=[serializers.order(draft, domain) for draft in drafts],
        transactions={draft.id: [serializers.public(tx) for tx in draft.transactions] for draft in drafts},
        payouts=payouts,
        balance_transactions=balance,
        now=now,
        drafts={draft.id: draft for draft in drafts},
        ids=ids,
        rng=rng,
    )
    return data


def _buyer(rng, ids, customers, index):
    if customers and rng.random() < 0.35:
        return rng.choice(customers), True
    registered = rng.random() > 0.12
    person = make_person(rng, ids, index, registered=registered)
    if registered:
        customers.append(person)
    return person, registered


def _life(rng, ids, draft, locations, now):
    """What happens to an order after checkout, up to ``now``."""
    status = pay(rng, ids, draft, pick_method(rng))
    created = draft.created
    if created + timedelta(days=2) >= now:
        return  # too recent for anything else to have happened yet
    roll = rng.random()
    if status == "pending":
        if roll < 0.3:
            cancel(ids, draft, created + timedelta(days=1), reason="customer", money=False)
            return
        if roll < 0.45:
            _remove_by_edit(rng, ids, draft, created + timedelta(hours=3), money=False)
        if rng.random() < 0.6:
            mark_manual_paid(ids, draft, created + timedelta(days=1))
            status = "paid"
    elif status == "authorized":
        if roll < 0.5:
            moment = created + timedelta(days=2)
            void_authorization(ids, draft, moment)
            cancel(ids, draft, moment, reason="declined", money=False)
        return
    elif roll < 0.05:
        cancel(ids, draft, created + timedelta(hours=rng.randint(2, 20)), reason=rng.choice(("customer", "inventory")))
        return
    elif roll < 0.09:
        _remove_by_edit(rng, ids, draft, created + timedelta(hours=2), money=True)
    if status != "paid":
        return
    ship(rng, ids, draft, locations, now)
    _after_sale(rng, ids, draft, locations, now)


def _remove_by_edit(rng, ids, draft, moment, money):
    """An order edit takes one unit off a line before it ships (Shopify records a "cancel" refund)."""
    candidates = [line for line in draft.lines if line.quantity - line.refunded > 1 or len(draft.lines) > 1]
    if not candidates:
        return
    line = rng.choice(candidates)
    refund(ids, draft, moment, [(line, 1, "cancel")], note="Order edited: item removed", money=money,
           location_id=None)  # fmt: skip


def _after_sale(rng, ids, draft, locations, now):
    """Returns and refunds after shipping (at most one per order), if they happen before ``now``."""
    moment = max(draft.updated, draft.created) + timedelta(days=rng.randint(2, 6))
    if moment >= now:
        return
    main = locations[0]["id"]
    shipped = [line for line in draft.lines if line.fulfilled - (line.refunded - line.removed) > 0]
    open_lines = [line for line in draft.lines if line.quantity > line.refunded]
    roll = rng.random()
    if roll < 0.07 and shipped:
        refund(ids, draft, moment, [(rng.choice(shipped), 1, "return")], note="Returned: wrong size", location_id=main)
    elif roll < 0.11 and open_lines:
        refund(ids, draft, moment, [(rng.choice(open_lines), 1, "no_restock")], note="Damaged in transit")
    elif roll < 0.15 and open_lines:
        lines = []
        for line in open_lines:
            returnable = max(0, line.fulfilled - (line.refunded - line.removed))
            left = line.quantity - line.refunded
            if min(returnable, left):
                lines.append((line, min(returnable, left), "return"))
            if left - min(returnable, left) > 0:
                lines.append((line, left - min(returnable, left), "cancel"))
        refund(ids, draft, moment, lines, shipping=True, note="Full refund", location_id=main)
    elif roll < 0.18 and any(item.subtotal > 0 and not item.refunded for item in draft.shipping):
        refund(ids, draft, moment, shipping=True, note="Late delivery: shipping refunded")
    elif roll < 0.21 and open_lines:
        line = rng.choice(open_lines)
        units, subtotal, _taxes = line.share(1)
        shortfall = cents(subtotal / 2) if units else ZERO
        refund(ids, draft, moment, [(line, 1, "no_restock")], shortfall=shortfall, note="Goodwill: half refunded")
