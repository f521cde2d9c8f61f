"""Generated orders: what they are made of (drafts), and how one is built (lines, discounts, shipping, taxes).

A draft is an order before it is written out as Shopify JSON (``serializers``).

Amounts are in the order's presentment currency, exact to the cent. Every
total is derived from the parts, so the written order adds up by
construction: line subtotal = price x quantity - allocated discounts; tax per
line from its rates (on the subtotal, or inside it for tax-included markets);
order total = line subtotals + shipping subtotals (+ taxes when excluded).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .data_catalog import is_gift_card
from .data_money import ZERO, allocate, cents


def compute_taxes(base, market, taxable=True):
    """``[(title, rate, amount)]`` for an amount ``base`` in ``market``."""
    if not taxable or not market.taxes or base <= 0:
        return []
    if market.taxes_included:
        total_rate = sum(rate for _title, rate in market.taxes)
        total = cents(base - base / (1 + total_rate))
        amounts = allocate(total, [rate for _title, rate in market.taxes])
        return [(title, rate, amount) for (title, rate), amount in zip(market.taxes, amounts, strict=True)]
    return [(title, rate, cents(base * rate)) for title, rate in market.taxes]


def is_payment(transaction):
    return transaction["kind"] in ("sale", "capture") and transaction["status"] == "success"


def is_refund(transaction):
    return transaction["kind"] == "refund" and transaction["status"] == "success"


@dataclass
class LineDraft:
    id: int
    product: dict
    variant: dict
    quantity: int
    price: Decimal
    gift_card: bool = False
    #: [(discount application index, amount)]
    allocations: list = field(default_factory=list)
    taxes: list = field(default_factory=list)
    fulfilled: int = 0
    #: units given back by refunds (all restock types)
    refunded: int = 0
    #: units given back before being shipped (restock type "cancel")
    removed: int = 0
    refunded_subtotal: Decimal = ZERO
    refunded_taxes: list = field(default_factory=list)

    @property
    def taxable(self):
        return not self.gift_card and self.variant["taxable"]

    @property
    def requires_shipping(self):
        return self.variant["requires_shipping"]

    @property
    def gross(self):
        return self.price * self.quantity

    @property
    def discount(self):
        return sum((amount for _index, amount in self.allocations), ZERO)

    @property
    def subtotal(self):
        return self.gross - self.discount

    @property
    def tax(self):
        return sum((amount for _title, _rate, amount in self.taxes), ZERO)

    @property
    def shippable(self):
        """Units that can still be fulfilled."""
        return self.quantity - self.fulfilled - self.removed if self.requires_shipping else 0

    def apply_taxes(self, market):
        self.taxes = compute_taxes(self.subtotal, market, self.taxable)

    def share(self, units):
        """``(subtotal, [tax amounts])`` of ``units`` units; the last units take what is left."""
        if units + self.refunded >= self.quantity:
            left = self.quantity - self.refunded
            units = left
            subtotal = self.subtotal - self.refunded_subtotal
            taxes = [
                amount - (self.refunded_taxes[index] if index < len(self.refunded_taxes) else ZERO)
                for index, (_title, _rate, amount) in enumerate(self.taxes)
            ]
            return units, subtotal, taxes
        ratio = Decimal(units) / Decimal(self.quantity)
        return units, cents(self.subtotal * ratio), [cents(amount * ratio) for _t, _r, amount in self.taxes]


@dataclass
class ShippingDraft:
    id: int
    title: str
    code: str
    price: Decimal
    allocations: list = field(default_factory=list)
    taxes: list = field(default_factory=list)
    refunded: bool = False

    @property
    def discount(self):
        return sum((amount for _index, amount in self.allocations), ZERO)

    @property
    def subtotal(self):
        return self.price - self.discount

    @property
    def tax(self):
        return sum((amount for _title, _rate, amount in self.taxes), ZERO)


@dataclass
class OrderDraft:
    id: int
    number: int
    market: object
    person: object
    registered: bool
    created: object
    lines: list = field(default_factory=list)
    shipping: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    codes: list = field(default_factory=list)
    transactions: list = field(default_factory=list)
    refunds: list = field(default_factory=list)
    fulfillments: list = field(default_factory=list)
    cancelled_at: object = None
    cancel_reason: str = ""
    closed_at: object = None
    updated: object = None
    note: str = ""
    tags: list = field(default_factory=list)
    source_name: str = "web"
    checkout_id: int = 0

    @property
    def currency(self):
        return self.market.currency

    @property
    def rate(self):
        return self.market.rate

    @property
    def taxes_included(self):
        return self.market.taxes_included

    @property
    def line_discounts(self):
        return sum((line.discount for line in self.lines), ZERO)

    @property
    def shipping_discounts(self):
        return sum((line.discount for line in self.shipping), ZERO)

    @property
    def subtotal(self):
        """Shopify's ``subtotal_price``: lines after their discounts."""
        return sum((line.subtotal for line in self.lines), ZERO)

    @property
    def total_tax(self):
        return sum((line.tax for line in self.lines), ZERO) + sum((line.tax for line in self.shipping), ZERO)

    @property
    def total(self):
        total = self.subtotal + sum((line.subtotal for line in self.shipping), ZERO)
        return total if self.taxes_included else total + self.total_tax

    @property
    def current_total(self):
        """Shopify's ``current_total_price``: the total after refunds and removals."""
        return self.total - sum((item.calculated(self.taxes_included) for item in self.refunds), ZERO)

    @property
    def captured(self):
        return sum((Decimal(tx["amount"]) for tx in self.transactions if is_payment(tx)), ZERO)

    @property
    def refunded(self):
        return sum((Decimal(tx["amount"]) for tx in self.transactions if is_refund(tx)), ZERO)

    def touch(self, moment):
        if self.updated is None or moment > self.updated:
            self.updated = moment


@dataclass
class RefundDraft:
    id: int
    created: object
    note: str = ""
    #: [(LineDraft, units, restock type, subtotal, [tax amounts], location id)]
    lines: list = field(default_factory=list)
    #: [(ShippingDraft, subtotal, [tax amounts])]
    shipping: list = field(default_factory=list)
    #: [(kind, amount, tax amount, reason)] as Shopify writes them (negative = money back)
    adjustments: list = field(default_factory=list)
    transactions: list = field(default_factory=list)

    def calculated(self, taxes_included):
        """What the refunded items and shipping are worth to the customer, taxes included."""
        total = ZERO
        for _line, _units, _restock, subtotal, taxes, _location in self.lines:
            total += subtotal if taxes_included else subtotal + sum(taxes, ZERO)
        for _shipping, subtotal, taxes in self.shipping:
            total += subtotal if taxes_included else subtotal + sum(taxes, ZERO)
        return total


@dataclass
class FulfillmentDraft:
    id: int
    created: object
    location_id: int
    #: [(LineDraft, units)]
    items: list = field(default_factory=list)
    tracking_company: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    name: str = ""


# ----------------------------------------------------------------------
# building an order
#: (title, code, USD price)
SHIPPING_RATES = (("Standard", "STANDARD", "6.95"), ("Express", "EXPRESS", "14.95"))
FREE_SHIPPING_FROM = Decimal("150")


def presentment_price(usd_price, market):
    """The variant's price in the market's currency (Shopify's converted, rounded price)."""
    return cents(Decimal(usd_price) * market.rate)


def build_order(rng, ids, products, person, registered, created, number):
    """An order with 1 to 4 lines, maybe a gift card, discounts, shipping and taxes."""
    market = person.market
    draft = OrderDraft(
        id=ids.next("order"),
        number=number,
        market=market,
        person=person,
        registered=registered,
        created=created,
        checkout_id=ids.next("checkout"),
    )
    goods = [product for product in products if not is_gift_card(product)]
    for product in rng.sample(goods, rng.choice((1, 1, 2, 2, 3, 4))):
        variant = rng.choice(product["variants"])
        draft.lines.append(
            LineDraft(
                id=ids.next("line_item"),
                product=product,
                variant=variant,
                quantity=rng.choice((1, 1, 1, 2, 2, 3)),
                price=presentment_price(variant["price"], market),
            )
        )
    if rng.random() < 0.07:
        gift = next(product for product in products if is_gift_card(product))
        variant = rng.choice(gift["variants"])
        draft.lines.append(
            LineDraft(
                id=ids.next("line_item"),
                product=gift,
                variant=variant,
                quantity=1,
                price=presentment_price(variant["price"], market),
                gift_card=True,
            )
        )
    apply_line_discounts(rng, draft)
    for line in draft.lines:
        line.apply_taxes(market)
    add_shipping(rng, ids, draft)
    draft.touch(created)
    return draft


def apply_line_discounts(rng, draft):
    """Maybe a discount code (percentage or fixed, across lines) and an automatic discount on one line."""
    eligible = [line for line in draft.lines if not line.gift_card]
    roll = rng.random()
    if roll < 0.18:
        percent = rng.choice((10, 15))
        code = f"WELCOME{percent}"
        index = len(draft.applications)
        draft.applications.append(
            {
                "target_type": "line_item",
                "type": "discount_code",
                "value": f"{percent}.0",
                "value_type": "percentage",
                "allocation_method": "across",
                "target_selection": "all",
                "code": code,
            }
        )
        amount = ZERO
        for line in eligible:
            share = cents(line.gross * Decimal(percent) / 100)
            line.allocations.append((index, share))
            amount += share
        draft.codes.append({"code": code, "amount": amount, "type": "percentage"})
    elif roll < 0.30:
        value = cents(Decimal("5") * draft.market.rate)
        value = min(value, sum((line.gross for line in eligible), ZERO))
        index = len(draft.applications)
        draft.applications.append(
            {
                "target_type": "line_item",
                "type": "discount_code",
                "value": f"{value}",
                "value_type": "fixed_amount",
                "allocation_method": "across",
                "target_selection": "all",
                "code": "SPRING5",
            }
        )
        for line, share in zip(eligible, allocate(value, [line.gross for line in eligible]), strict=True):
            line.allocations.append((index, share))
        draft.codes.append({"code": "SPRING5", "amount": value, "type": "fixed_amount"})
    if eligible and rng.random() < 0.1:
        line = rng.choice(eligible)
        index = len(draft.applications)
        draft.applications.append(
            {
                "target_type": "line_item",
                "type": "automatic",
                "value": "20.0",
                "value_type": "percentage",
                "allocation_method": "across",
                "target_selection": "entitled",
                "title": "Bundle and save",
                "description": "Bundle and save",
            }
        )
        line.allocations.append((index, cents((line.gross - line.discount) * Decimal("0.2"))))


def add_shipping(rng, ids, draft):
    """One shipping line when something ships: free above a threshold, sometimes free by code."""
    if not any(line.requires_shipping for line in draft.lines):
        return
    title, code, usd_price = rng.choice(SHIPPING_RATES)
    goods_in_usd = sum((line.subtotal for line in draft.lines), ZERO) / draft.market.rate
    price = (
        ZERO
        if title == "Standard" and goods_in_usd >= FREE_SHIPPING_FROM
        else cents(Decimal(usd_price) * draft.market.rate)
    )
    shipping = ShippingDraft(id=ids.next("shipping_line"), title=title, code=code, price=price)
    if price and rng.random() < 0.08:
        index = len(draft.applications)
        draft.applications.append(
            {
                "target_type": "shipping_line",
                "type": "discount_code",
                "value": "100.0",
                "value_type": "percentage",
                "allocation_method": "each",
                "target_selection": "all",
                "code": "FREESHIP",
            }
        )
        shipping.allocations.append((index, price))
        draft.codes.append({"code": "FREESHIP", "amount": price, "type": "shipping"})
    if draft.market.tax_shipping:
        shipping.taxes = compute_taxes(shipping.subtotal, draft.market)
    draft.shipping.append(shipping)
