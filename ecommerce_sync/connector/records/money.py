"""Money moving: an order's transactions, and the payouts, their balance transactions and fees
(``parse_payouts`` returns a :class:`Payout`; orders and refunds carry their transactions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .values import money_sum


@dataclass
class Transaction:
    """A movement of money between customer and store for one order.

    ``kind`` is "authorization", "sale", "capture", "refund" or "void"; ``status`` is "pending",
    "success", "failure" or "error". Successful sales and captures are payments, successful refunds
    money sent back; failed sales, captures and authorisations are failed payments.

    ``shop_amount`` is what the transaction is worth in the store's own currency (``shop_currency``)
    as the platform converted it, transaction by transaction, when the customer paid in another
    currency and the platform says so; None when it gives no converted amount.
    """

    external_id: str
    kind: str
    status: str
    amount: Decimal
    currency: str
    gateway: str = ""
    processed_at: datetime | None = None
    parent_id: str = ""
    reference: str = ""
    message: str = ""
    shop_amount: Decimal | None = None
    shop_currency: str = ""

    @property
    def is_captured_payment(self):
        return self.kind in ("sale", "capture") and self.status == "success"

    @property
    def is_refund(self):
        return self.kind == "refund" and self.status == "success"

    @property
    def is_failed_payment(self):
        return self.kind in ("sale", "capture", "authorization") and self.status in (
            "failure",
            "error",
        )


@dataclass
class Fee:
    """A cost the platform or the gateway charged the store.

    ``kind`` is "gateway" (charged on a payment or a refund) or "platform" (anything else).
    """

    external_id: str
    amount: Decimal
    currency: str
    kind: str = "gateway"
    date: datetime | None = None
    order_external_id: str = ""
    transaction_external_id: str = ""
    payout_external_id: str = ""
    description: str = ""


@dataclass
class PayoutLine:
    """One balance transaction settled by a payout: gross, fee and net.

    ``kind`` is "charge", "refund", "dispute", "reserve", "adjustment", "fee" or "other"; the payout
    builder books charges and refunds against the orders' payments and the others on their accounts.
    """

    external_id: str
    kind: str
    amount: Decimal
    fee: Decimal
    net: Decimal
    currency: str
    order_external_id: str = ""
    transaction_external_id: str = ""
    processed_at: datetime | None = None
    description: str = ""


@dataclass
class Payout:
    """Money the platform sent to the bank, and the balance transactions it settles.

    ``status`` is "scheduled", "in_transit", "paid", "failed" or "cancelled"; only paid payouts are booked.
    """

    external_id: str
    currency: str
    amount: Decimal
    date: datetime | None = None
    status: str = "paid"
    lines: list[PayoutLine] = field(default_factory=list)
    updated_at: datetime | None = None

    @property
    def fees_total(self):
        return money_sum(line.fee for line in self.lines)

    @property
    def net_total(self):
        return money_sum(line.net for line in self.lines)

    def fees(self):
        """The payout's fees as :class:`Fee` records, one per balance transaction."""
        return [
            Fee(
                external_id=line.external_id,
                amount=line.fee,
                currency=line.currency,
                kind="gateway" if line.kind in ("charge", "refund") else "platform",
                date=line.processed_at or self.date,
                order_external_id=line.order_external_id,
                transaction_external_id=line.transaction_external_id,
                payout_external_id=self.external_id,
                description=line.description or line.kind,
            )
            for line in self.lines
            if line.fee
        ]
