"""Building an order: lines, discounts, shipping and taxes, consistent to the cent."""

from decimal import Decimal

from .catalog import is_gift_card
from .drafts import LineDraft, OrderDraft, ShippingDraft, compute_taxes
from .money import ZERO, allocate, cents

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
