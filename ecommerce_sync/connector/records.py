"""Canonical records: what every connector turns platform payloads into.

These are plain dataclasses with no dependency on Odoo. Money is always a
:class:`~decimal.Decimal` and every amount lives next to an explicit currency
code (on the record itself or on the order it belongs to). The base addon's
builders only ever see these records, never a platform payload.

Sign conventions: amounts are positive as the customer sees them (a refund of
10.00 is ``Decimal("10.00")``); the record type says which way money moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from .errors import RecordError

ZERO = Decimal("0")
CENT = Decimal("0.01")

# Canonical values shared by every connector.
FLOWS = ("orders", "refunds", "payouts", "products", "stock")
TRANSACTION_KINDS = ("authorization", "sale", "capture", "refund", "void")
TRANSACTION_STATUSES = ("pending", "success", "failure", "error")
FINANCIAL_STATUSES = (
    "pending",
    "authorized",
    "partially_paid",
    "paid",
    "partially_refunded",
    "refunded",
    "voided",
    "failed",
)
PAYOUT_LINE_KINDS = ("charge", "refund", "adjustment", "dispute", "fee", "reserve", "other")
PAYOUT_STATUSES = ("scheduled", "in_transit", "paid", "failed", "cancelled")
FEE_KINDS = ("gateway", "platform", "currency_conversion", "other")


def to_decimal(value, what="amount"):
    """Return ``value`` as a Decimal, reading strings and integers exactly.

    Floats are read through ``str()`` so that ``0.1`` stays ``Decimal("0.1")``.

    :param value: str, int, float, Decimal or None (None and "" give zero)
    :param str what: name used in the error message
    :rtype: Decimal
    :raise RecordError: when the value is not a number
    """
    if value is None or value == "":
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise RecordError(f"{what}: expected a number, got {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise RecordError(f"{what}: expected a number, got {value!r}") from exc
    if not result.is_finite():
        raise RecordError(f"{what}: expected a finite number, got {value!r}")
    return result


def to_datetime(value, what="date"):
    """Parse an ISO 8601 timestamp into an aware UTC datetime.

    Timestamps without an offset are taken as UTC (platforms that send local
    times also send a ``_gmt`` twin, which connectors must prefer).

    :rtype: datetime or None
    :raise RecordError: when the value is not a timestamp
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise RecordError(f"{what}: expected an ISO 8601 timestamp, got {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def money_sum(values):
    """Sum Decimals exactly (``sum()`` would start from the int 0)."""
    total = ZERO
    for value in values:
        total += value
    return total


@dataclass
class Address:
    name: str = ""
    company: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    zip: str = ""
    state_code: str = ""
    state_name: str = ""
    country_code: str = ""
    phone: str = ""
    email: str = ""

    def is_empty(self):
        return not any((self.name, self.street, self.city, self.zip, self.country_code))


@dataclass
class Customer:
    external_id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    company: str = ""
    tags: list[str] = field(default_factory=list)
    address: Address | None = None

    @property
    def name(self):
        full = " ".join(part for part in (self.first_name, self.last_name) if part).strip()
        return full or self.company or self.email


@dataclass
class TaxLine:
    """One tax applied to a line, a shipping line, or (summed) to the order.

    ``rate`` is a fraction: 0.06 means 6 %. ``code`` is the platform's own key
    for the rate (a tax rate id, or the tax's title when the platform has no
    id) and is what users map to an Odoo tax.
    """

    title: str
    rate: Decimal
    amount: Decimal
    code: str = ""
    compound: bool = False

    @property
    def key(self):
        return self.code or f"{self.title} {self.rate.normalize():f}"

    @property
    def percent(self):
        return (self.rate * 100).normalize()


@dataclass
class OrderLine:
    """A sold item (or a fee charged to the customer, ``kind="fee"``).

    ``unit_price`` is before discounts and is tax-included exactly when the
    order says ``taxes_included``. ``discount`` is the total discount
    allocated to the line (for all its units), in the order currency.
    """

    external_id: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    sku: str = ""
    barcode: str = ""
    product_external_id: str = ""
    variant_external_id: str = ""
    discount: Decimal = ZERO
    tax_lines: list[TaxLine] = field(default_factory=list)
    taxable: bool = True
    requires_shipping: bool = True
    gift_card: bool = False
    kind: str = "product"

    @property
    def gross(self):
        return self.quantity * self.unit_price

    @property
    def subtotal(self):
        """Amount after discount, in the order's tax mode."""
        return self.gross - self.discount

    @property
    def tax_amount(self):
        return money_sum(tax.amount for tax in self.tax_lines)


@dataclass
class ShippingLine:
    external_id: str
    title: str
    price: Decimal
    code: str = ""
    discount: Decimal = ZERO
    tax_lines: list[TaxLine] = field(default_factory=list)

    @property
    def method_key(self):
        return self.code or self.title

    @property
    def subtotal(self):
        return self.price - self.discount

    @property
    def tax_amount(self):
        return money_sum(tax.amount for tax in self.tax_lines)


@dataclass
class Discount:
    """A discount as the store reports it (the amounts live on the lines)."""

    code: str
    amount: Decimal
    kind: str = "code"
    target: str = "line"


@dataclass
class Transaction:
    """A movement of money between customer and store for one order."""

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
class FulfillmentLine:
    line_external_id: str
    quantity: Decimal


@dataclass
class Fulfillment:
    external_id: str
    order_external_id: str
    status: str = "success"
    created_at: datetime | None = None
    tracking_number: str = ""
    tracking_company: str = ""
    tracking_url: str = ""
    location_external_id: str = ""
    lines: list[FulfillmentLine] = field(default_factory=list)

    @property
    def is_done(self):
        return self.status == "success"


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


@dataclass
class Order:
    """A store order with everything the ledger and stock need.

    Amounts are in ``currency`` (what the customer paid in). ``shop_currency``
    and ``shop_total`` are the store's own currency and the order total in it;
    their ratio is the rate the store used.
    """

    external_id: str
    name: str
    currency: str
    created_at: datetime
    updated_at: datetime
    taxes_included: bool = False
    lines: list[OrderLine] = field(default_factory=list)
    shipping_lines: list[ShippingLine] = field(default_factory=list)
    discounts: list[Discount] = field(default_factory=list)
    tax_lines: list[TaxLine] = field(default_factory=list)
    total_tax: Decimal = ZERO
    total: Decimal = ZERO
    customer: Customer | None = None
    email: str = ""
    phone: str = ""
    billing_address: Address | None = None
    shipping_address: Address | None = None
    financial_status: str = "pending"
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
    transactions: list[Transaction] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    fulfillments: list[Fulfillment] = field(default_factory=list)
    note: str = ""
    tags: list[str] = field(default_factory=list)
    source_name: str = ""
    shop_currency: str = ""
    shop_total: Decimal | None = None
    #: the store's location (register, shop) that took the order, when the platform has several
    location_external_id: str = ""

    @property
    def revision(self):
        return self.updated_at.isoformat()

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    @property
    def total_discount(self):
        return money_sum(line.discount for line in self.lines) + money_sum(
            line.discount for line in self.shipping_lines
        )

    @property
    def total_shipping(self):
        return money_sum(line.subtotal for line in self.shipping_lines)

    @property
    def lines_tax(self):
        """Tax summed over lines and shipping (what the store charged)."""
        return money_sum(line.tax_amount for line in self.lines) + money_sum(
            line.tax_amount for line in self.shipping_lines
        )

    @property
    def total_untaxed(self):
        return self.total - self.total_tax

    @property
    def captured_amount(self):
        return money_sum(tx.amount for tx in self.transactions if tx.is_captured_payment)

    @property
    def store_rate(self):
        """Units of ``shop_currency`` per unit of ``currency``, as the store applied it.

        None when the store reported no converted total or the currencies are the same.
        """
        if not self.shop_currency or self.shop_currency == self.currency:
            return None
        if self.shop_total is None or not self.total:
            return None
        return self.shop_total / self.total

    def line_by_external_id(self, external_id):
        for line in self.lines:
            if line.external_id == external_id:
                return line
        return None


@dataclass
class Fee:
    """A cost the platform or the gateway charged the store."""

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
    """One balance transaction settled by a payout: gross, fee and net."""

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
    def gross_total(self):
        return money_sum(line.amount for line in self.lines)

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


@dataclass
class ProductVariant:
    external_id: str
    name: str
    sku: str = ""
    barcode: str = ""
    product_external_id: str = ""
    price: Decimal = ZERO
    cost: Decimal | None = None
    currency: str = ""
    inventory_item_id: str = ""
    tracked: bool = True
    updated_at: datetime | None = None

    @property
    def revision(self):
        return self.updated_at.isoformat() if self.updated_at else ""


@dataclass
class StockLevel:
    """What the store shows as available for one variant at one location."""

    variant_external_id: str
    available: Decimal
    location_external_id: str = ""
    inventory_item_id: str = ""
    sku: str = ""


@dataclass
class StockUpdate:
    """A level to set in the store (input of ``Connector.push_stock``)."""

    variant_external_id: str
    quantity: int
    location_external_id: str = ""
    inventory_item_id: str = ""
    product_external_id: str = ""
    sku: str = ""


@dataclass
class PushResult:
    """Outcome of a stock push: which updates the store took, which it refused."""

    accepted: list[StockUpdate] = field(default_factory=list)
    failed: list[tuple[StockUpdate, str]] = field(default_factory=list)
