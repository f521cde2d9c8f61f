"""Taxes of a WooCommerce order per line and rate, in the representation that ties out per rate.

WooCommerce keeps the unrounded amount of each rate per line (``taxes``).
With the default per-line rounding the order's tax lines add up the amounts
rounded to the cent per line; with "round tax at subtotal level" they add up
the unrounded amounts. Per rate, :class:`TaxBook` uses the representation
whose sum equals the order's tax line, so that the lines' taxes add up to
``total_tax`` in both cases. The rate itself is the tax line's
``rate_percent`` (WooCommerce 3.7+), else it is derived from the line with
the largest base.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, localcontext

from odoo.addons.ecommerce_sync.connector import ZERO, TaxLine, money_sum, object_list, required_id, to_decimal

from .money import cents, money
from .payloads import text

RATE_PLACES = Decimal("1e-6")


class Rate:
    """One tax rate of an order, from its tax line."""

    def __init__(self, rate_id, title, rate, compound, expected):
        self.rate_id = rate_id
        self.title = title
        self.rate = rate
        self.compound = compound
        #: what the order's tax line says this rate came to (items + shipping)
        self.expected = expected


class TaxBook:
    """Per item and rate tax amounts, in the representation that ties out per rate.

    Every line, fee and shipping line is :meth:`add` ed under a key, then
    :meth:`settle` chooses per rate; :meth:`lines` gives an item's tax lines.
    """

    def __init__(self, payload, incl, what="order"):
        self.incl = incl
        self.rates = {}
        for line in object_list(payload, "tax_lines", what):
            rate_id = required_id(line.get("rate_id") or line.get("id"), f"{what} tax line rate_id")
            percent = line.get("rate_percent")
            self.rates[rate_id] = Rate(
                rate_id,
                text(line.get("label") or line.get("rate_code") or f"Tax {rate_id}"),
                to_decimal(percent, "rate_percent") / 100 if percent not in (None, "") else None,
                bool(line.get("compound")),
                money(line, "tax_total", "tax_total") + money(line, "shipping_tax_total", "shipping_tax_total"),
            )
        # (item key) -> [(rate id, unrounded amount)]
        self.items = {}
        self.bases = {}
        self.mode = {}

    def add(self, key, item):
        """Record the taxes of one line, fee or shipping line."""
        amounts = []
        for tax in object_list(item, "taxes", f"line {key[1]}"):
            if tax.get("total") in (None, ""):
                continue
            rate_id = required_id(tax.get("id"), f"line {key[1]} tax rate id")
            amounts.append((rate_id, to_decimal(tax["total"], "tax total")))
        total = money(item, "total", "total")
        total_tax = money(item, "total_tax", "total_tax")
        if not amounts and total_tax:
            # a tax without its breakdown: the order's only rate, else an unnamed tax
            rate_id = next(iter(self.rates)) if len(self.rates) == 1 else ""
            amounts.append((rate_id, total_tax))
        self.items[key] = amounts
        unrounded_tax = money_sum(amount for _rate, amount in amounts)
        # the base the rates applied to, without tax
        self.bases[key] = (total + total_tax - unrounded_tax) if self.incl else total

    def settle(self):
        """Choose per rate between per-line rounded and unrounded amounts."""
        rounded = defaultdict(Decimal)
        unrounded = defaultdict(Decimal)
        for amounts in self.items.values():
            for rate_id, amount in amounts:
                rounded[rate_id] += cents(amount)
                unrounded[rate_id] += amount
        for rate_id in rounded:
            rate = self.rates.get(rate_id)
            exact = (
                rate is not None and rounded[rate_id] != rate.expected and cents(unrounded[rate_id]) == rate.expected
            )
            self.mode[rate_id] = "unrounded" if exact else "rounded"
            if rate is not None and rate.rate is None:
                rate.rate = self._derive_rate(rate_id)

    def _derive_rate(self, rate_id):
        best_base, best_amount = ZERO, ZERO
        for key, amounts in self.items.items():
            for item_rate, amount in amounts:
                if item_rate == rate_id and abs(self.bases[key]) > abs(best_base):
                    best_base, best_amount = self.bases[key], amount
        if not best_base:
            return ZERO
        with localcontext() as context:
            context.prec = 28
            return (best_amount / best_base).quantize(RATE_PLACES, rounding=ROUND_HALF_UP).normalize()

    def lines(self, key):
        result = []
        for rate_id, amount in self.items.get(key, []):
            rate = self.rates.get(rate_id)
            value = amount if self.mode.get(rate_id) == "unrounded" else cents(amount)
            result.append(
                TaxLine(
                    title=rate.title if rate else "Tax",
                    rate=(rate.rate if rate and rate.rate is not None else ZERO),
                    amount=value,
                    code=rate_id,
                    compound=rate.compound if rate else False,
                )
            )
        return result

    def order_lines(self):
        return [
            TaxLine(
                title=rate.title, rate=rate.rate or ZERO, amount=rate.expected, code=rate_id, compound=rate.compound
            )
            for rate_id, rate in self.rates.items()
        ]
