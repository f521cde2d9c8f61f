"""Refunds: items given back, amounts that are not items, and the money sent back
(``parse_refunds`` returns a :class:`Refund`; orders carry theirs in ``Order.refunds``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .money import Transaction
from .values import ZERO, money_sum

#: the reason of the adjustment that makes a refund credit what was refunded (see :meth:`Refund.settle_gap`)
REFUND_GAP_REASON = "Refund discrepancy"


@dataclass
class RefundLine:
    """A refunded order line: ``amount`` in the order's tax mode, without tax.

    ``restock_type`` says where restocked units come from when the store tells:
    "return" (they were shipped and come back), "cancel" (they were never
    shipped); empty when unknown.
    """

    line_external_id: str
    quantity: Decimal
    amount: Decimal
    tax_amount: Decimal = ZERO
    restock: bool = False
    location_external_id: str = ""
    restock_type: str = ""


@dataclass
class RefundAdjustment:
    """An amount refunded that is not an item: shipping, goodwill, rounding.

    ``amount`` is positive when money goes back to the customer.
    ``kind`` is "shipping" or "adjustment".
    """

    kind: str
    amount: Decimal
    tax_amount: Decimal = ZERO
    reason: str = ""


@dataclass
class Refund:
    external_id: str
    order_external_id: str
    currency: str
    created_at: datetime | None = None
    note: str = ""
    lines: list[RefundLine] = field(default_factory=list)
    adjustments: list[RefundAdjustment] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)

    @property
    def restock(self):
        return any(line.restock for line in self.lines)

    @property
    def items_total(self):
        return money_sum(line.amount + line.tax_amount for line in self.lines)

    @property
    def adjustments_total(self):
        return money_sum(adj.amount + adj.tax_amount for adj in self.adjustments)

    @property
    def total(self):
        """What the store credits the customer: items plus adjustments, taxes included."""
        return self.items_total + self.adjustments_total

    @property
    def refunded_amount(self):
        """Money actually sent back (successful refund transactions)."""
        return money_sum(tx.amount for tx in self.transactions if tx.is_refund)

    def settle_gap(self, refunded, reason=REFUND_GAP_REASON):
        """Make the refund credit exactly ``refunded``: the difference from its items and adjustments
        becomes one more adjustment (kind "adjustment"), so it is written on the credit note instead
        of passing through silently.

        Connectors call it with the amount the platform says was refunded (a refund's own amount,
        or its successful refund transactions).

        :return: the difference added (zero when the refund already adds up)
        """
        gap = refunded - self.total
        if gap:
            self.adjustments.append(RefundAdjustment("adjustment", gap, reason=reason or REFUND_GAP_REASON))
        return gap
