"""Canonical records of payment platforms: money moving in a balance the platform holds.

A payment platform is a store whose records are
movements of a balance it keeps for the merchant: customers' payments come
in, refunds, disputes and fees go out, and payouts move what is left to the
merchant's bank. These records add to :mod:`.records` what such a store
needs:

* :class:`BalanceMovement`: one movement of the balance (a balance
  transaction, a payout entry, whatever the platform calls it), its category
  in a small validated vocabulary, gross / fee / net signed as they move
  the balance, the settlement currency and the customer-side amount;
* :class:`PaymentMatch`: what finds, in *another* store, the order a
  payment belongs to (an online shop whose checkout the platform paid), in the
  order the keys are tried (:func:`matching_order`);
* :class:`Dispute`, :class:`BalancePayout` (a :class:`~.records.Payout`
  whose lines are its balance movements) and :class:`FailedPayment`.

Amounts are :class:`~decimal.Decimal`; platforms that count in minor units
convert them with :func:`from_minor_units` and their currency's exponent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from .errors import RecordError
from .records import ZERO, Fee, Payout, PayoutLine, Transaction, money_sum

#: what a balance movement is, whatever the platform calls it
BALANCE_CATEGORIES = (
    "charge",
    "refund",
    "dispute",
    "dispute_reversal",
    "fee",
    "payout",
    "payout_reversal",
    "adjustment",
    "conversion",
    "hold",
    "release",
    "other",
)
#: the payout line kind (``PayoutLine.kind``) of each category
PAYOUT_LINE_KIND_OF = {
    "charge": "charge",
    "refund": "refund",
    "dispute": "dispute",
    "dispute_reversal": "dispute",
    "fee": "fee",
    "hold": "reserve",
    "release": "reserve",
    "adjustment": "adjustment",
    "conversion": "adjustment",
    "payout_reversal": "adjustment",
    "payout": "other",
    "other": "other",
}
#: what a part of a fee is: the platform's processing fee, a fee of another
#: party (an application fee), currency conversion, tax charged on the fees
FEE_DETAIL_KINDS = ("gateway", "platform", "currency_conversion", "tax", "other")
DISPUTE_STATUSES = ("needs_response", "under_review", "won", "lost", "closed")
#: how long after a payment an order of another store may be matched by amount and email
MATCH_WINDOW = timedelta(days=3)


def from_minor_units(value, exponent, what="amount"):
    """An integer amount in minor units (cents) as an exact Decimal.

    :param int value: e.g. 1099 for 10.99 USD
    :param int exponent: decimal places of the currency (0 for JPY, 3 for KWD)
    :rtype: Decimal
    :raise RecordError: when the value is not an integer
    """
    if value is None:
        return ZERO
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        else:
            raise RecordError(f"{what}: expected an integer amount in minor units, got {value!r}")
    quantum = Decimal(1).scaleb(-exponent)
    return (Decimal(value) * quantum).quantize(quantum)


def site_key(url):
    """A site address reduced to what identifies it: host and path, lower case, no scheme or slash."""
    text = str(url or "").strip().lower()
    if not text:
        return ""
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


@dataclass
class FeeDetail:
    """One part of what the platform kept on a movement."""

    kind: str
    amount: Decimal
    currency: str
    description: str = ""
    #: the platform's own word for it (e.g. processing_fee, application_fee, tax)
    platform_type: str = ""

    def __post_init__(self):
        if self.kind not in FEE_DETAIL_KINDS:
            raise RecordError(f"fee detail: unknown kind {self.kind!r}")


@dataclass
class PaymentMatch:
    """What a payment says about the order it pays, when that order lives in another store.

    The keys are tried in this order (see :func:`matching_order`): the
    order's own transaction id (a shop keeps the platform's payment id as the
    order's transaction id), then the order reference the shop's payment
    module wrote on the payment with the shop's address, then amount,
    currency, date and customer email.
    """

    transaction_ids: list[str] = field(default_factory=list)
    order_reference: str = ""
    order_number: str = ""
    site_url: str = ""
    amount: Decimal | None = None
    currency: str = ""
    paid_at: datetime | None = None
    email: str = ""

    @property
    def names_an_order(self):
        """The payment was made for an order of another system (it carries an order reference)."""
        return bool(self.order_reference)

    def is_from(self, site_url):
        """The payment names ``site_url`` as the site of its order."""
        return bool(self.site_url) and site_key(self.site_url) == site_key(site_url)


def _transaction_refs(order):
    refs = set()
    for transaction in order.transactions:
        refs.update(ref for ref in (transaction.external_id, transaction.reference) if ref)
    return refs


def matching_order(match, orders, site_url=""):
    """The order of ``orders`` (canonical orders of one other store) that ``match`` pays, or None.

    :param PaymentMatch match: the payment's keys
    :param orders: canonical :class:`~.records.Order` records of the linked store
    :param str site_url: that store's address (the order reference only counts for it)
    """
    orders = list(orders)
    for reference in match.transaction_ids:
        for order in orders:
            if reference in _transaction_refs(order):
                return order
    if match.order_reference and (not site_url or match.is_from(site_url)):
        for order in orders:
            if order.external_id == match.order_reference:
                return order
    if match.amount is None or not match.email or match.paid_at is None:
        return None
    candidates = [
        order
        for order in orders
        if order.total == match.amount
        and order.currency.upper() == match.currency.upper()
        and (order.email or "").lower() == match.email.lower()
        and abs(order.created_at - match.paid_at) <= MATCH_WINDOW
    ]
    return candidates[0] if len(candidates) == 1 else None


@dataclass
class BalanceMovement:
    """One movement of the balance the platform holds for the merchant.

    ``amount`` is the gross, signed as it moves the balance (a charge is
    positive, a refund, a dispute withdrawal or a payout negative); ``fee``
    is what the platform kept (positive is a cost); ``net = amount - fee``.
    All three are in ``currency``, the settlement currency. A category the
    platform added after this code was written is kept as "other" with the
    platform's word in ``platform_category``: it is never dropped.
    """

    external_id: str
    category: str
    amount: Decimal
    fee: Decimal
    net: Decimal
    currency: str
    created_at: datetime | None = None
    platform_category: str = ""
    available_at: datetime | None = None
    status: str = ""
    #: the platform object that moved the money (a payment, refund, dispute, payout...) and its type
    source_id: str = ""
    source_type: str = ""
    payout_external_id: str = ""
    fee_details: list[FeeDetail] = field(default_factory=list)
    #: settlement currency units per presentment currency unit, when they differ
    exchange_rate: Decimal | None = None
    presentment_amount: Decimal | None = None
    presentment_currency: str = ""
    description: str = ""
    #: this store's own order and transaction the movement settles (direct sales)
    order_external_id: str = ""
    transaction_external_id: str = ""
    match: PaymentMatch | None = None
    #: the platform's own figure of the balance (in ``currency``) right after this movement, when it gives one
    balance_after: Decimal | None = None

    def __post_init__(self):
        if self.category not in BALANCE_CATEGORIES:
            raise RecordError(f"balance movement {self.external_id}: unknown category {self.category!r}")
        if self.net != self.amount - self.fee:
            raise RecordError(
                f"balance movement {self.external_id}: net {self.net} is not amount {self.amount} less fee {self.fee}"
            )

    @property
    def fee_kind(self):
        """The kind of the largest part of the fee ("gateway" when the platform gives no details)."""
        if not self.fee_details:
            return "gateway"
        return max(self.fee_details, key=lambda detail: abs(detail.amount)).kind

    def payout_line(self):
        """This movement as a line of the payout that settles it."""
        return PayoutLine(
            external_id=self.external_id,
            kind=PAYOUT_LINE_KIND_OF[self.category],
            amount=self.amount,
            fee=self.fee,
            net=self.net,
            currency=self.currency,
            order_external_id=self.order_external_id,
            transaction_external_id=self.transaction_external_id or self.source_id,
            processed_at=self.created_at,
            description=self.description or self.platform_category or self.category,
        )

    def fee_record(self):
        """The fee the platform kept on this movement as a :class:`~.records.Fee`, or None."""
        if not self.fee:
            return None
        return Fee(
            external_id=self.external_id,
            amount=self.fee,
            currency=self.currency,
            kind=self.fee_kind if self.fee_kind in ("gateway", "platform", "currency_conversion") else "other",
            date=self.created_at,
            order_external_id=self.order_external_id,
            transaction_external_id=self.transaction_external_id or self.source_id,
            payout_external_id=self.payout_external_id,
            description=self.description or self.category,
        )


@dataclass
class Dispute:
    """A customer's dispute of a payment (chargeback), with the movements it caused.

    The withdrawal takes the disputed amount (and the dispute fee) out of
    the balance; a won dispute puts it back (a ``dispute_reversal``
    movement); a lost one leaves it withdrawn. An inquiry is a dispute that
    has not (yet) moved money.
    """

    external_id: str
    charge_external_id: str
    amount: Decimal
    currency: str
    status: str
    platform_status: str = ""
    reason: str = ""
    created_at: datetime | None = None
    evidence_due_by: datetime | None = None
    is_inquiry: bool = False
    movements: list[BalanceMovement] = field(default_factory=list)
    order_external_id: str = ""
    match: PaymentMatch | None = None

    def __post_init__(self):
        if self.status not in DISPUTE_STATUSES:
            raise RecordError(f"dispute {self.external_id}: unknown status {self.status!r}")

    @property
    def revision(self):
        return f"{self.platform_status or self.status}:{len(self.movements)}"

    @property
    def withdrawn(self):
        """What the dispute took out of the balance, without fees (positive)."""
        return -money_sum(m.amount for m in self.movements if m.category == "dispute")

    @property
    def reinstated(self):
        """What a won dispute put back, without fees (positive)."""
        return money_sum(m.amount for m in self.movements if m.category == "dispute_reversal")

    @property
    def fees(self):
        """Dispute fees kept, less fees given back."""
        return money_sum(m.fee for m in self.movements)

    @property
    def balance_effect(self):
        """What the dispute did to the balance in the end (negative: money lost)."""
        return money_sum(m.net for m in self.movements)


@dataclass
class BalancePayout(Payout):
    """A payout of the platform balance, with the movements it settles.

    ``lines`` are the movements as payout lines (what the ledger's payout
    builder reads); ``movements`` keep everything the platform said about
    them. A manual payout has no listed movements (``automatic=False``): the
    platform does not say what it settles. ``movements`` never hold the
    payout's own movement (the money leaving for the bank), but they hold the
    return of an earlier failed payout that this one sends again.
    """

    arrival_date: datetime | None = None
    statement_descriptor: str = ""
    failure_code: str = ""
    failure_message: str = ""
    automatic: bool = True
    method: str = ""
    platform_status: str = ""
    balance_transaction_id: str = ""
    movements: list[BalanceMovement] = field(default_factory=list)
    #: the platform's balance (in ``currency``) once the payout left, when it says: what the clearing
    #: account must hold after the payout is booked
    balance_after: Decimal | None = None
    #: when the balance was ``balance_after``: the payout's own movement (the money leaving)
    balance_at: datetime | None = None

    @property
    def revision(self):
        return self.platform_status or self.status

    @property
    def settled_net(self):
        """The nets of the settled movements (without the payout's own): its amount when complete."""
        return money_sum(m.net for m in self.movements)


@dataclass
class FailedPayment:
    """A payment attempt the customer's bank or the platform refused.

    It counts toward the store's failed-payment alert (see
    :meth:`transaction`), and it is never an order.
    """

    external_id: str
    amount: Decimal
    currency: str
    failed_at: datetime | None = None
    code: str = ""
    message: str = ""
    payment_intent_id: str = ""
    gateway: str = ""
    order_external_id: str = ""
    match: PaymentMatch | None = None

    @property
    def revision(self):
        return "failed"

    def transaction(self):
        """The attempt as a failed sale :class:`~.records.Transaction` (``is_failed_payment`` is True)."""
        return Transaction(
            external_id=self.external_id,
            kind="sale",
            status="failure",
            amount=self.amount,
            currency=self.currency,
            gateway=self.gateway,
            processed_at=self.failed_at,
            reference=self.payment_intent_id,
            message=" ".join(part for part in (self.code, self.message) if part) or "payment failed",
        )
