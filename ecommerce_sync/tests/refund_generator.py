"""A deterministic generator of orders and their partial refunds, taxed by two taxes per line.

Pure Python over the canonical records (no Odoo). The arithmetic is a store's that rounds each
tax of each line on its own (half up), prices with or without taxes, and refunds a share of a
line as the share of the line's amounts: ``k`` of ``q`` units are worth ``round(amount x k / q)``
of the line's subtotal and of each of its rounded taxes, the last units what is left. A
"goodwill" refund pays back half of what the items are worth (a "refund discrepancy"
adjustment of the other half, without tax), as Shopify records it.
"""

import random
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from odoo.addons.ecommerce_sync.connector.records import (
    ZERO,
    Address,
    Order,
    OrderLine,
    Refund,
    RefundAdjustment,
    RefundLine,
    TaxLine,
    Transaction,
    money_sum,
)

CENT = Decimal("0.01")
#: (store tax key, title, rate): a state and a county tax on every line
TAXES = (("GEN-STATE", "State tax", Decimal("0.04")), ("GEN-COUNTY", "County tax", Decimal("0.045")))
PRICES = tuple(Decimal(cents) / 100 for cents in (999, 1250, 2400, 2995, 4560, 12900, 14900, 3800))
SKUS = ("SKU-A", "SKU-B", "SKU-C", "SKU-D", "SKU-E")
START = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class LineState:
    """A sold line and what its refunds took of it so far."""

    def __init__(self, line, subtotal, taxes):
        self.line = line
        self.subtotal = subtotal  # what the line is worth, in the order's price mode
        self.taxes = taxes  # its rounded taxes
        self.refunded = ZERO
        self.refunded_subtotal = ZERO
        self.refunded_taxes = [ZERO] * len(taxes)

    def share(self, units):
        """``(subtotal, taxes)`` of ``units`` more units given back; the last units take what is left."""
        if self.refunded + units >= self.line.quantity:
            subtotal = self.subtotal - self.refunded_subtotal
            taxes = [tax - done for tax, done in zip(self.taxes, self.refunded_taxes, strict=True)]
        else:
            ratio = units / self.line.quantity
            subtotal = cents(self.subtotal * ratio)
            taxes = [cents(tax * ratio) for tax in self.taxes]
        self.refunded += units
        self.refunded_subtotal += subtotal
        self.refunded_taxes = [done + tax for done, tax in zip(self.refunded_taxes, taxes, strict=True)]
        return subtotal, taxes


def _line(rng, number, position, taxes_included):
    quantity = Decimal(rng.randint(1, 4))
    price = PRICES[rng.randrange(len(PRICES))]
    discount = cents(quantity * price * Decimal(rng.choice((0, 0, 10, 20))) / 100)
    subtotal = quantity * price - discount
    rates = sum(rate for _key, _title, rate in TAXES)
    if taxes_included:
        taxes = [cents(subtotal * rate / (1 + rates)) for _key, _title, rate in TAXES]
    else:
        taxes = [cents(subtotal * rate) for _key, _title, rate in TAXES]
    line = OrderLine(
        external_id=f"{number}-{position}",
        name=f"Item {position}",
        quantity=quantity,
        unit_price=price,
        sku=SKUS[rng.randrange(len(SKUS))],
        discount=discount,
        tax_lines=[
            TaxLine(title, rate, amount, code=key) for (key, title, rate), amount in zip(TAXES, taxes, strict=True)
        ],
    )
    return LineState(line, subtotal, taxes)


def _refund(rng, order, states, number, taxes_included, goodwill):
    refund = Refund(
        external_id=f"gr-{number}",
        order_external_id=order.external_id,
        currency=order.currency,
        created_at=order.created_at + timedelta(days=3),
        note="Goodwill: half refunded" if goodwill else "Returned",
    )
    open_states = [state for state in states if state.refunded < state.line.quantity]
    for state in rng.sample(open_states, k=min(len(open_states), rng.randint(1, 4))):
        units = Decimal(rng.randint(1, int(state.line.quantity - state.refunded)))
        subtotal, taxes = state.share(units)
        tax = money_sum(taxes)
        untaxed = subtotal - tax if taxes_included else subtotal
        refund.lines.append(RefundLine(state.line.external_id, units, untaxed, tax))
    if goodwill:
        refund.adjustments.append(RefundAdjustment("adjustment", ZERO - cents(refund.total / 2), ZERO, "Goodwill"))
    refund.transactions = [
        Transaction(
            f"grt-{number}",
            "refund",
            "success",
            refund.total,
            order.currency,
            gateway="card",
            processed_at=refund.created_at,
        )  # fmt: skip
    ]
    return refund


def generate_refunds(count=60, taxes_included=False, seed=20250301):
    """``count`` orders of 4 to 9 lines, each with one to three partial refunds (a quarter of them goodwill).

    :return: the orders (their refunds in ``Order.refunds``)
    :rtype: list[Order]
    """
    rng = random.Random(seed + int(taxes_included))
    orders = []
    for index in range(count):
        number = str((7000 if taxes_included else 6000) + index)
        created = START + timedelta(minutes=41 * index)
        states = [_line(rng, number, position, taxes_included) for position in range(rng.randint(4, 9))]
        tax = money_sum(tax for state in states for tax in state.taxes)
        subtotal = money_sum(state.subtotal for state in states)
        total = subtotal if taxes_included else subtotal + tax
        order = Order(
            external_id=number,
            name=f"#{number}",
            currency="USD",
            created_at=created,
            updated_at=created + timedelta(minutes=1),
            taxes_included=taxes_included,
            lines=[state.line for state in states],
            total_tax=tax,
            total=total,
            email=f"buyer{index % 25}@example.com",
            billing_address=Address(
                name=f"Buyer {index % 25}", street="5 Elm St", city="Austin", zip="73301", country_code="US"
            ),
            financial_status="paid",
            transactions=[
                Transaction(f"gt-{number}", "sale", "success", total, "USD", gateway="card", processed_at=created)
            ],
        )
        for position in range(rng.randint(1, 3)):
            if all(state.refunded >= state.line.quantity for state in states):
                break
            goodwill = rng.random() < 0.25
            order.refunds.append(_refund(rng, order, states, f"{number}-{position}", taxes_included, goodwill))
        orders.append(order)
    return orders
