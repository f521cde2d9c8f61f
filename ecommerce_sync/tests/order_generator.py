"""A deterministic generator of canonical store activity: orders, refunds, fees and a payout.

Pure Python over the canonical records (no Odoo), so the batch test knows
the store's own figures independently of what Odoo books. Amounts follow
the arithmetic of a store that prices without taxes and rounds tax per line
(half up), like Shopify: a line is ``quantity x price - discount``, its tax
``round(line x rate)``; a refunded unit is worth its share of the line.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from odoo.addons.ecommerce_sync.connector.records import (
    ZERO,
    Address,
    Customer,
    Discount,
    Order,
    OrderLine,
    Payout,
    PayoutLine,
    Refund,
    RefundAdjustment,
    RefundLine,
    ShippingLine,
    TaxLine,
    Transaction,
    money_sum,
)

CENT = Decimal("0.01")
CATALOG = (
    ("SKU-A", "Alpha mug", Decimal("20.00")),
    ("SKU-B", "Beta poster", Decimal("35.50")),
    ("SKU-C", "Gamma tee", Decimal("18.75")),
    ("SKU-D", "Delta cap", Decimal("12.99")),
    ("SKU-E", "Epsilon socks", Decimal("7.49")),
)
TAX_KEY = "US-STATE"
TAX_RATE = Decimal("0.0625")
SHIPPING_PRICES = (Decimal("4.99"), Decimal("7.99"))
FEE_RATE = Decimal("0.029")
FEE_FIXED = Decimal("0.30")
START = datetime(2025, 2, 1, 9, 0, tzinfo=timezone.utc)


def cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Batch:
    """What the store did: its orders, standalone refunds, the payout, and its own totals."""

    orders: list = field(default_factory=list)
    refunds: list = field(default_factory=list)
    payout: Payout | None = None

    @property
    def all_refunds(self):
        return [refund for order in self.orders for refund in order.refunds] + self.refunds

    @property
    def gross_sales(self):
        return money_sum(order.total for order in self.orders)

    @property
    def refunded(self):
        return money_sum(refund.total for refund in self.all_refunds)

    @property
    def net_sales(self):
        """Order totals minus refund totals, taxes included: what invoices minus credit notes must be."""
        return self.gross_sales - self.refunded

    @property
    def fees(self):
        return self.payout.fees_total if self.payout else ZERO

    @property
    def tax(self):
        return (
            money_sum(order.total_tax for order in self.orders)
            - money_sum(line.tax_amount for refund in self.all_refunds for line in refund.lines)
            - money_sum(adjustment.tax_amount for refund in self.all_refunds for adjustment in refund.adjustments)
        )

    @property
    def open_receivables(self):
        """What unpaid orders still owe (their invoices stay open)."""
        return money_sum(order.total for order in self.orders if not order.captured_amount)


def _tax_lines(amount):
    return [TaxLine("State Tax", TAX_RATE, cents(amount * TAX_RATE), code=TAX_KEY)]


def _order_lines(rng, number, code_percent):
    lines = []
    for position in range(rng.randint(1, 3)):
        sku, name, price = CATALOG[rng.randrange(len(CATALOG))]
        quantity = Decimal(rng.randint(1, 3))
        gross = quantity * price
        discount = cents(gross * code_percent / 100) if code_percent else ZERO
        if not discount and rng.random() < 0.1:
            discount = Decimal(rng.randint(1, 150)) / 100
        subtotal = gross - discount
        lines.append(
            OrderLine(
                external_id=f"{number}-{position}",
                name=name,
                quantity=quantity,
                unit_price=price,
                sku=sku,
                discount=discount,
                tax_lines=_tax_lines(subtotal),
            )
        )
    return lines


def _transactions(rng, number, total, created):
    """Card, gift card + card, pending; sometimes a declined card first."""
    draw = rng.random()
    transactions = []
    if rng.random() < 0.05:
        transactions.append(
            Transaction(
                f"tx-{number}-declined",
                "sale",
                "failure",
                total,
                "USD",
                gateway="card",
                processed_at=created,
                message="card declined",
            )
        )
    if draw < 0.12:
        return transactions, "pending"
    if draw < 0.20 and total > 10:
        gift = cents(total * Decimal("0.3"))
        transactions += [
            Transaction(f"tx-{number}-gift", "sale", "success", gift, "USD", gateway="gift_card", processed_at=created),
            Transaction(f"tx-{number}", "sale", "success", total - gift, "USD", gateway="card", processed_at=created),
        ]
    else:
        transactions.append(
            Transaction(f"tx-{number}", "sale", "success", total, "USD", gateway="card", processed_at=created)
        )
    return transactions, "paid"


def _refund(rng, order, number, full):
    refund = Refund(
        external_id=f"rf-{number}",
        order_external_id=order.external_id,
        currency=order.currency,
        created_at=order.created_at + timedelta(days=2),
    )
    if full:
        for line in order.lines:
            refund.lines.append(RefundLine(line.external_id, line.quantity, line.subtotal, line.tax_amount))
        for shipping in order.shipping_lines:
            if shipping.subtotal:
                refund.adjustments.append(RefundAdjustment("shipping", shipping.subtotal))
    else:
        line = order.lines[rng.randrange(len(order.lines))]
        unit = cents(line.subtotal / line.quantity)
        refund.lines.append(
            RefundLine(line.external_id, Decimal(1), unit, cents(unit * TAX_RATE), restock=rng.random() < 0.5)
        )
    # money goes back the way it came: to the card first, the rest to the gift card
    remaining = refund.total
    for tx in order.transactions:
        if not tx.is_captured_payment or not remaining:
            continue
        amount = min(remaining, tx.amount)
        suffix = "" if tx.gateway == "card" else f"-{tx.gateway}"
        refund.transactions.append(
            Transaction(
                f"rtx-{number}{suffix}",
                "refund",
                "success",
                amount,
                order.currency,
                gateway=tx.gateway,
                processed_at=refund.created_at,
            )
        )
        remaining -= amount
    return refund


def generate(count=100, seed=20250201):
    """Generate ``count`` orders (with refunds) and the payout of everything the card gateway took.

    :rtype: Batch
    """
    rng = random.Random(seed)
    batch = Batch()
    for index in range(count):
        number = str(5000 + index)
        created = START + timedelta(minutes=37 * index)
        code_percent = Decimal(10) if rng.random() < 0.3 else ZERO
        lines = _order_lines(rng, number, code_percent)
        shipping_lines = []
        if rng.random() < 0.6:
            price = SHIPPING_PRICES[rng.randrange(len(SHIPPING_PRICES))]
            free = rng.random() < 0.15
            shipping_lines.append(
                ShippingLine(f"{number}-ship", "Standard", price, code="standard", discount=price if free else ZERO)
            )
        tax = money_sum(line.tax_amount for line in lines)
        total = money_sum(line.subtotal for line in lines) + money_sum(s.subtotal for s in shipping_lines) + tax
        customer_number = rng.randint(1, 40)
        address = Address(
            name=f"Customer {customer_number}",
            street=f"{customer_number} Main St",
            city="Springfield",
            zip="62701",
            state_code="IL",
            country_code="US",
            phone=f"217-555-{customer_number:04d}",
        )
        transactions, status = _transactions(rng, number, total, created)
        order = Order(
            external_id=number,
            name=f"#{number}",
            currency="USD",
            created_at=created,
            updated_at=created + timedelta(minutes=1),
            lines=lines,
            shipping_lines=shipping_lines,
            discounts=[Discount("SAVE10", money_sum(line.discount for line in lines))] if code_percent else [],
            total_tax=tax,
            total=total,
            customer=Customer(
                external_id=f"cust-{customer_number}",
                email=f"customer{customer_number}@example.com",
                first_name="Customer",
                last_name=str(customer_number),
                address=address,
            ),
            email=f"customer{customer_number}@example.com",
            billing_address=address,
            shipping_address=address,
            financial_status=status,
            transactions=transactions,
        )
        if status == "paid" and rng.random() < 0.22:
            refund = _refund(rng, order, number, full=rng.random() < 0.25)
            if rng.random() < 0.5:
                order.refunds.append(refund)
            else:
                batch.refunds.append(refund)
        batch.orders.append(order)
    batch.payout = _payout(batch)
    return batch


def _payout(batch):
    lines = []
    for order in batch.orders:
        for tx in order.transactions:
            if tx.is_captured_payment and tx.gateway == "card":
                fee = cents(tx.amount * FEE_RATE + FEE_FIXED)
                lines.append(
                    PayoutLine(
                        f"bt-{tx.external_id}",
                        "charge",
                        tx.amount,
                        fee,
                        tx.amount - fee,
                        "USD",
                        order.external_id,
                        tx.external_id,
                        processed_at=tx.processed_at,
                    )
                )
    for refund in batch.all_refunds:
        for tx in refund.transactions:
            if tx.is_refund and tx.gateway == "card":
                lines.append(
                    PayoutLine(
                        f"bt-{tx.external_id}",
                        "refund",
                        -tx.amount,
                        ZERO,
                        -tx.amount,
                        "USD",
                        refund.order_external_id,
                        tx.external_id,
                        processed_at=tx.processed_at,
                    )
                )
    net = money_sum(line.net for line in lines)
    return Payout(
        "PO-batch", "USD", net, date=START + timedelta(days=10), lines=lines, updated_at=START + timedelta(days=10)
    )
