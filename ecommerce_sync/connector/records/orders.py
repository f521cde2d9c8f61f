"""Orders and what they are made of: addresses, customers, lines, taxes, shipping, discounts,
transactions and fulfilments (``parse_orders`` returns an :class:`Order`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from ..errors import RecordError
from .money import Transaction
from .refunds import Refund
from .values import ZERO, money_sum


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
class Order:
    """A store order with everything the ledger and stock need.

    Amounts are in ``currency`` (what the customer paid in). ``shop_currency``
    and ``shop_total`` are the store's own currency and the order total in it;
    their ratio is the rate the store used. ``financial_status`` is "pending",
    "authorized", "partially_paid", "paid", "partially_refunded", "refunded",
    "voided" or "failed".
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

    def check_refunds(self):
        """Refuse refunds that give back what the order did not sell.

        Every refund line must name a line of the order, and the units refunded
        per line, over all the order's refunds, must not exceed the units sold.

        :raise RecordError: naming the refund and the line
        """
        refunded = {}
        for refund in self.refunds:
            for item in refund.lines:
                line = self.line_by_external_id(item.line_external_id)
                if line is None:
                    raise RecordError(
                        f"order {self.external_id}: refund {refund.external_id} gives back line "
                        f"{item.line_external_id or '(none)'}, which the order does not have"
                    )
                refunded[line.external_id] = refunded.get(line.external_id, ZERO) + item.quantity
                if refunded[line.external_id] > line.quantity:
                    raise RecordError(
                        f"order {self.external_id}: its refunds give back {refunded[line.external_id]:f} units "
                        f"of line {line.external_id}, which sold {line.quantity:f}"
                    )
