"""What the ledger builders hand one another: lines to write, totals to meet, payments to post.

Plain dataclasses, no Odoo import. Where a plan names Odoo records (a journal, a partner, the
document a payment settles), they are held as they are and typed loosely: the builders read them,
this module never does.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from .amounts import line_candidates


@dataclass
class LinePlan:
    """What one store line, sold or refunded, must become: Odoo lines worth ``amount`` to the cent.

    ``key`` is the store line's reference (kept on the Odoo lines, so that they are found again);
    ``values`` the Odoo line values shared by its lines (product, name, taxes, account,
    analytics, ...); ``quantity``, ``unit_price`` and ``amount`` the store's figures, ``amount``
    being what the line is worth after discount, tax included when ``tax_included``; ``kind`` the
    store line's kind on sale orders (product, shipping, fee, gift_card).
    """

    key: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    values: dict = field(default_factory=dict)
    tax_included: bool = False
    kind: str = ""
    currency_digits: int = 2

    def candidates(self, price_digits=2, discount_digits=2):
        """The ways to write the line in Odoo, best first (see :func:`.amounts.line_candidates`).

        :rtype: list[list[LinePart]]
        """
        return line_candidates(
            self.quantity,
            self.unit_price,
            self.amount,
            currency_digits=self.currency_digits,
            price_digits=price_digits,
            discount_digits=discount_digits,
        )


@dataclass(frozen=True)
class StoreTotals:
    """What the store says an invoice or a credit note is worth.

    ``group_taxes`` is the store's tax per Odoo tax group (``{account.tax.group id: Decimal}``),
    when the store gives its taxes per line; None otherwise.
    """

    untaxed: Decimal
    tax: Decimal
    tax_included: bool = False
    group_taxes: dict | None = None

    @property
    def total(self):
        return self.untaxed + self.tax


@dataclass
class PaymentPlan:
    """A payment to post: a store receipt or refund, or one side of a payout transfer.

    ``journal`` is the journal it goes through (an ``account.journal``); when None, the store's
    journal of ``gateway``. ``partner`` (``res.partner``) is who pays or is paid, ``document`` the
    invoice or credit note it settles (its receivable is the payment's counterpart, and its rate
    the payment's under the store's rate policy), ``destination_account`` the counterpart of a
    payment that settles no document. ``transaction`` is the canonical Transaction the payment
    records, bound to it once under ``external_name`` (the store's order number) and
    ``recorded_at`` (naive UTC). ``shop_amount`` is what the platform converted the payment to in
    its own currency ``shop_currency`` (the transaction's), when it says: its payouts settle that.
    """

    amount: Decimal
    currency: str
    date: datetime.date
    partner: Any
    memo: str
    reference: str
    payment_type: str = "inbound"
    journal: Any = None
    gateway: str = ""
    document: Any = None
    destination_account: Any = None
    transaction: Any = None
    external_name: str = ""
    recorded_at: datetime.datetime | None = None
    shop_amount: Decimal | None = None
    shop_currency: str = ""


@dataclass(frozen=True)
class Settlement:
    """A charge or refund line of a payout and the Odoo payment (``account.payment``) it settles."""

    line: Any
    payment: Any
    payment_currency: str

    @property
    def converted(self):
        """Whether the payment was received in another currency than the payout's line."""
        return self.payment_currency != self.line.currency


class OrderPartners(NamedTuple):
    """The customer of an order and its invoice and delivery contacts (``res.partner``)."""

    customer: Any
    invoice: Any
    delivery: Any
