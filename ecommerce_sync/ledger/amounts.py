"""Store line amounts expressed as Odoo line values, to the cent.

A store line says: ``q`` units at unit price ``p`` with a total discount
``d`` allocated to it, so the line is worth ``s = q * p - d`` (tax included or
excluded, as the order's tax mode says). Odoo keeps a line as a quantity, a
``price_unit`` rounded to the "Product Price" precision and a ``discount``
percentage rounded to the "Discount" precision, and its tax engine computes
``price_unit * (1 - discount / 100) * quantity`` rounded to the currency.

:func:`line_candidates` lists ways to write the store line that give exactly
``s`` in Odoo, in the order an accountant prefers to read them:

1. the store's unit price and no discount (nothing was discounted);
2. the store's unit price and the discount as a percentage;
3. the net unit price (``s / q``) when it has no more decimals than prices have;
4. the line split in two lines of the same product, ``q - n`` units at the
   net unit price rounded down and ``n`` units one price step above it, which
   always adds up to ``s`` for whole quantities.

The builders take the first candidate, check what Odoo really computed, and
move to the next one when it differs (see ``ecommerce.builder.mixin._fit_plan_lines``).
"""

import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")


def step(digits):
    """The smallest amount at ``digits`` decimals (``step(2) == Decimal("0.01")``)."""
    return Decimal(1).scaleb(-digits)


def quantize(value, digits, rounding=ROUND_HALF_UP):
    """Round a Decimal to ``digits`` decimals, half away from zero like Odoo."""
    return Decimal(value).quantize(step(digits), rounding=rounding)


def round_float(value, digits):
    """Round a float the way Odoo's ``float_round`` does (HALF-UP), as a Decimal.

    The float is read through its shortest ``repr`` and nudged by one unit of
    its last binary digit, as Odoo does, so that ``2.675`` rounds to ``2.68``.
    """
    if value == 0:
        return quantize(ZERO, digits)
    normalized = value * (10**digits)
    epsilon = 2 ** (math.log2(abs(normalized)) - 52)
    normalized += epsilon if normalized > 0 else -epsilon
    return quantize(Decimal(repr(normalized)), 0).scaleb(-digits)


@dataclass(frozen=True)
class LinePart:
    """Values of one Odoo line: quantity, unit price and discount percentage."""

    quantity: Decimal
    price_unit: Decimal
    discount: Decimal = ZERO

    def odoo_amount(self, currency_digits=2):
        """The line amount Odoo's tax engine computes from these values (before taxes)."""
        raw = float(self.price_unit) * (1 - float(self.discount) / 100.0) * float(self.quantity)
        return round_float(raw, currency_digits)


def parts_amount(parts, currency_digits=2):
    total = ZERO
    for part in parts:
        total += part.odoo_amount(currency_digits)
    return total


def line_candidates(quantity, unit_price, amount, currency_digits=2, price_digits=2, discount_digits=2):
    """Ways to write a store line in Odoo so that it is worth ``amount``, best first.

    :param Decimal quantity: units sold (or refunded)
    :param Decimal unit_price: the store's unit price before discount
    :param Decimal amount: what the line is worth after discount, in the order's tax mode
    :return: a non-empty list of candidates, each a list of :class:`LinePart`;
        every candidate but possibly the last adds up to ``amount`` by Odoo's
        arithmetic (the last one is the closest approximation when none does)
    :rtype: list[list[LinePart]]
    """
    quantity = Decimal(quantity)
    amount = quantize(amount, currency_digits)
    price = quantize(unit_price, price_digits)
    candidates = []

    def consider(parts):
        if parts not in candidates and parts_amount(parts, currency_digits) == amount:
            candidates.append(parts)

    if not quantity:
        return [[LinePart(quantity, price)]]
    gross = quantity * price
    consider([LinePart(quantity, price)])
    if gross and amount != gross:
        percent = quantize((1 - amount / gross) * HUNDRED, discount_digits)
        if ZERO < percent <= HUNDRED:
            consider([LinePart(quantity, price, percent)])
    net_unit = amount / quantity
    if net_unit == quantize(net_unit, price_digits):
        consider([LinePart(quantity, quantize(net_unit, price_digits))])
    if quantity == quantity.to_integral_value() and quantity > 1 and amount == quantize(amount, price_digits):
        unit = quantize(net_unit, price_digits, rounding=ROUND_DOWN)
        extra = (amount - unit * quantity) / step(price_digits)
        if extra == extra.to_integral_value() and ZERO < extra < quantity:
            consider(
                [
                    LinePart(quantity - extra, unit),
                    LinePart(extra, unit + step(price_digits)),
                ]
            )
    if not candidates:
        candidates.append([LinePart(quantity, quantize(net_unit, price_digits))])
    return candidates
