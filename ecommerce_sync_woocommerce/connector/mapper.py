"""WooCommerce REST payloads (``wc/v3``) turned into canonical records.

Pure functions: no HTTP here. The connector fetches what an object needs
(an order's refunds, a variable product's variations) and attaches it to the
payload under :data:`REFUNDS_KEY` / :data:`VARIATIONS_KEY` before parsing.

How WooCommerce amounts become canonical ones
---------------------------------------------
WooCommerce stores every line amount without tax: ``subtotal`` (before
coupons) and ``total`` (after coupons), with the tax beside them
(``subtotal_tax``, ``total_tax``, and per rate in ``taxes``), whether the
site's prices include tax or not. Canonical lines are in the order's tax mode
(``Order.taxes_included`` is the order's ``prices_include_tax``):

* product line: ``unit_price`` = (``subtotal`` [+ ``subtotal_tax``]) /
  ``quantity``, ``discount`` = what coupons took off the line (``subtotal``
  - ``total`` [+ their taxes]); so ``line.subtotal`` is the line's ``total``
  [+ ``total_tax``] exactly. A unit price that does not divide to a finite
  decimal is kept to 10 places and the residual (below 1e-9) goes into the
  discount, so the line still equals the store's amount exactly;
* fee line (``fee_lines``): an :class:`OrderLine` of kind "fee", quantity 1,
  price ``total`` [+ ``total_tax``];
* shipping line: price ``total`` [+ ``total_tax``];
* coupon (``coupon_lines``): a :class:`Discount` of ``discount``
  [+ ``discount_tax``]; its amount already lives in the lines' discounts.

Taxes per line and rate come from ``taxes``, where WooCommerce keeps the
unrounded amount of each rate. With the default per-line rounding the order's
tax lines add up the amounts rounded to the cent per line; with "round tax at
subtotal level" they add up the unrounded amounts. Per rate, the mapper uses
the representation whose sum equals the order's tax line, so that the lines'
taxes add up to ``total_tax`` in both cases. The rate itself is the tax
line's ``rate_percent`` (WooCommerce 3.7+), else it is derived from the line
with the largest base.

Statuses: pending and on-hold are unpaid; processing and completed are paid
(a captured "sale" transaction is synthesised from the payment method,
``transaction_id`` and ``date_paid``, since WooCommerce has no transaction
list); refunded is paid then refunded; cancelled (and trashed) orders are
cancelled; failed orders carry one failed payment transaction. Orders with a
``date_completed`` were shipped whole: they carry one fulfilment.

Refund transactions: a refund made through the payment gateway
(``refunded_payment``) has the order's payment method as gateway; one the
merchant paid back by hand ("Refund manually") has ``manual``, which a gateway
mapping can send to a bank or cash journal instead of the clearing journal.

Restocking: WooCommerce records restocked quantities on the order's line
(``_restock_refunded_items``), not on the refund; the quantities are given to
the line's refunds oldest first.
"""

import html
from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from odoo.addons.ecommerce_sync.connector import (
    CENT,
    ZERO,
    Address,
    Customer,
    Discount,
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderLine,
    ProductVariant,
    RecordError,
    Refund,
    RefundAdjustment,
    RefundLine,
    ShippingLine,
    StockLevel,
    TaxLine,
    Transaction,
    money_sum,
    to_datetime,
    to_decimal,
)

#: key under which the connector attaches ``GET orders/<id>/refunds`` to an order
REFUNDS_KEY = "refund_details"
#: key under which the connector attaches ``GET products/<id>/variations``
VARIATIONS_KEY = "variation_details"

UNPAID_STATUSES = ("pending", "on-hold")
PAID_STATUSES = ("processing", "completed")
CANCELLED_STATUSES = ("cancelled", "trash")
DRAFT_STATUSES = ("checkout-draft", "draft", "auto-draft")
#: the gateway of refunds the merchant paid back by hand ("Refund manually"), mappable to a bank or cash journal
MANUAL_GATEWAY = "manual"
UNIT_PRICE_PLACES = Decimal("1e-10")
RATE_PLACES = Decimal("1e-6")


def cents(value):
    """Round half up to the cent, as WooCommerce does (PHP ``round``)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def gmt(payload, key):
    """The ``<key>_gmt`` timestamp of a payload (the site-local ``<key>`` when absent)."""
    value = payload.get(f"{key}_gmt")
    if value in (None, ""):
        value = payload.get(key)
    return to_datetime(value, key)


def revision_of(payload):
    """A payload's modification stamp, as the API gives it (GMT)."""
    return str(payload.get("date_modified_gmt") or payload.get("date_modified") or "")


def text(value):
    """WooCommerce names come HTML-escaped (``&ndash;``, ``&amp;``)."""
    return html.unescape(str(value or "")).strip()


def meta_value(item, key, default=None):
    for meta in item.get("meta_data") or []:
        if isinstance(meta, dict) and meta.get("key") == key:
            return meta.get("value")
    return default


def _money(item, key, what):
    return to_decimal(item.get(key), what)


# ----------------------------------------------------------------------
# taxes
class _Rate:
    def __init__(self, rate_id, title, rate, compound, expected):
        self.rate_id = rate_id
        self.title = title
        self.rate = rate
        self.compound = compound
        #: what the order's tax line says this rate came to (items + shipping)
        self.expected = expected


class _TaxBook:
    """Per item and rate tax amounts, in the representation that ties out per rate."""

    def __init__(self, payload, incl):
        self.incl = incl
        self.rates = {}
        for line in payload.get("tax_lines") or []:
            rate_id = str(line.get("rate_id") or line.get("id"))
            percent = line.get("rate_percent")
            self.rates[rate_id] = _Rate(
                rate_id,
                text(line.get("label") or line.get("rate_code") or f"Tax {rate_id}"),
                to_decimal(percent, "rate_percent") / 100 if percent not in (None, "") else None,
                bool(line.get("compound")),
                _money(line, "tax_total", "tax_total") + _money(line, "shipping_tax_total", "shipping_tax_total"),
            )
        # (item key) -> [(rate id, unrounded amount)]
        self.items = {}
        self.bases = {}
        self.mode = {}

    def add(self, key, item):
        """Record the taxes of one line, fee or shipping line."""
        amounts = []
        for tax in item.get("taxes") or []:
            if not isinstance(tax, dict) or tax.get("total") in (None, ""):
                continue
            amounts.append((str(tax.get("id")), to_decimal(tax["total"], "tax total")))
        total = _money(item, "total", "total")
        total_tax = _money(item, "total_tax", "total_tax")
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


# ----------------------------------------------------------------------
# addresses and customer
def parse_address(data):
    """A WooCommerce billing/shipping object as an :class:`Address` (None when empty)."""
    if not isinstance(data, dict):
        return None
    name = " ".join(part for part in (text(data.get("first_name")), text(data.get("last_name"))) if part)
    address = Address(
        name=name,
        company=text(data.get("company")),
        street=text(data.get("address_1")),
        street2=text(data.get("address_2")),
        city=text(data.get("city")),
        zip=str(data.get("postcode") or "").strip(),
        state_code=str(data.get("state") or "").strip(),
        country_code=str(data.get("country") or "").strip().upper(),
        phone=str(data.get("phone") or "").strip(),
        email=str(data.get("email") or "").strip(),
    )
    return None if address.is_empty() and not address.email else address


def parse_customer(payload, billing):
    customer_id = payload.get("customer_id") or 0
    data = payload.get("billing") or {}
    if not customer_id and not data.get("email"):
        return None
    return Customer(
        external_id=str(customer_id) if customer_id else "",
        email=str(data.get("email") or "").strip(),
        first_name=text(data.get("first_name")),
        last_name=text(data.get("last_name")),
        phone=str(data.get("phone") or "").strip(),
        company=text(data.get("company")),
        address=billing,
    )


# ----------------------------------------------------------------------
# lines
def _unit_price(gross, quantity):
    with localcontext() as context:
        context.prec = 34
        price = gross / quantity
        if price * quantity != gross:
            price = price.quantize(UNIT_PRICE_PLACES, rounding=ROUND_HALF_UP)
    return price


def parse_line_item(item, incl, taxes):
    quantity = to_decimal(item.get("quantity"), "line quantity")
    if quantity <= 0:
        raise RecordError(f"line {item.get('id')}: quantity {quantity} cannot be imported")
    subtotal = _money(item, "subtotal", "line subtotal")
    total = _money(item, "total", "line total")
    gross = subtotal + (_money(item, "subtotal_tax", "line subtotal_tax") if incl else ZERO)
    net = total + (_money(item, "total_tax", "line total_tax") if incl else ZERO)
    unit_price = _unit_price(gross, quantity)
    product_id = item.get("product_id") or 0
    variation_id = item.get("variation_id") or 0
    tax_lines = taxes.lines(("line", item["id"]))
    return OrderLine(
        external_id=str(item["id"]),
        name=text(item.get("name")),
        quantity=quantity,
        unit_price=unit_price,
        sku=str(item.get("sku") or "").strip(),
        product_external_id=str(product_id) if product_id else "",
        variant_external_id=str(variation_id or product_id) if (variation_id or product_id) else "",
        discount=quantity * unit_price - net,
        tax_lines=tax_lines,
        taxable=bool(tax_lines),
    )


def parse_fee_line(fee, incl, taxes):
    total = _money(fee, "total", "fee total")
    price = total + (_money(fee, "total_tax", "fee total_tax") if incl else ZERO)
    tax_lines = taxes.lines(("fee", fee["id"]))
    return OrderLine(
        external_id=str(fee["id"]),
        name=text(fee.get("name")) or "Fee",
        quantity=Decimal(1),
        unit_price=price,
        tax_lines=tax_lines,
        taxable=fee.get("tax_status", "taxable") == "taxable" and bool(tax_lines),
        requires_shipping=False,
        kind="fee",
    )


def parse_shipping_line(line, incl, taxes):
    total = _money(line, "total", "shipping total")
    price = total + (_money(line, "total_tax", "shipping total_tax") if incl else ZERO)
    return ShippingLine(
        external_id=str(line["id"]),
        title=text(line.get("method_title")) or str(line.get("method_id") or ""),
        price=price,
        code=str(line.get("method_id") or ""),
        tax_lines=taxes.lines(("shipping", line["id"])),
    )


def parse_coupon_line(coupon, incl):
    amount = _money(coupon, "discount", "coupon discount")
    if incl:
        amount += _money(coupon, "discount_tax", "coupon discount_tax")
    return Discount(code=str(coupon.get("code") or ""), amount=amount, kind="code", target="line")


# ----------------------------------------------------------------------
# refunds
def _restocked_quantities(payload):
    """``{order line id: quantity restocked}`` from ``_restock_refunded_items``."""
    restocked = {}
    for item in payload.get("line_items") or []:
        value = meta_value(item, "_restock_refunded_items")
        if value not in (None, ""):
            restocked[str(item["id"])] = to_decimal(value, "_restock_refunded_items")
    return restocked


def _split(amount, part, whole):
    return cents(amount * part / whole) if whole else ZERO


def parse_refund(refund, order_id, currency, incl, gateway, restock_left):
    """One ``orders/<id>/refunds`` object as a canonical :class:`Refund`.

    :param dict restock_left: quantities still to attribute per order line;
        consumed by this refund's lines
    :param str gateway: the order's payment method, the gateway of refunds made
        through it (``refunded_payment``); refunds made by hand get :data:`MANUAL_GATEWAY`
    """
    refund_id = str(refund["id"])
    lines = []
    adjustments = []
    for item in refund.get("line_items") or []:
        line_id = str(meta_value(item, "_refunded_item_id", "") or "")
        quantity = abs(to_decimal(item.get("quantity"), "refund quantity"))
        amount = -_money(item, "total", "refund line total")
        tax = -_money(item, "total_tax", "refund line total_tax")
        restocked = min(restock_left.get(line_id, ZERO), quantity)
        if restocked:
            restock_left[line_id] -= restocked
        if restocked and restocked < quantity:
            part_amount, part_tax = _split(amount, restocked, quantity), _split(tax, restocked, quantity)
            lines.append(RefundLine(line_id, restocked, part_amount, part_tax, restock=True))
            lines.append(RefundLine(line_id, quantity - restocked, amount - part_amount, tax - part_tax))
        else:
            lines.append(RefundLine(line_id, quantity, amount, tax, restock=bool(restocked)))
    for item in refund.get("fee_lines") or []:
        line_id = str(meta_value(item, "_refunded_item_id", "") or "")
        lines.append(
            RefundLine(
                line_id,
                Decimal(1),
                -_money(item, "total", "refund fee total"),
                -_money(item, "total_tax", "refund fee total_tax"),
            )
        )
    for item in refund.get("shipping_lines") or []:
        adjustments.append(
            RefundAdjustment(
                "shipping",
                -_money(item, "total", "refund shipping total"),
                -_money(item, "total_tax", "refund shipping total_tax"),
                reason=text(item.get("method_title")),
            )
        )
    amount = abs(_money(refund, "amount", "refund amount"))
    accounted = money_sum(line.amount + line.tax_amount for line in lines) + money_sum(
        adj.amount + adj.tax_amount for adj in adjustments
    )
    reason = text(refund.get("reason"))
    if amount != accounted:
        adjustments.append(RefundAdjustment("adjustment", amount - accounted, reason=reason or "Refund of an amount"))
    created = gmt(refund, "date_created")
    transactions = []
    if amount:
        transactions.append(
            Transaction(
                external_id=f"refund-{refund_id}",
                kind="refund",
                status="success",
                amount=amount,
                currency=currency,
                # money given back by other means than the order's gateway (cash, bank transfer)
                gateway=gateway if refund.get("refunded_payment") else MANUAL_GATEWAY,
                processed_at=created,
                parent_id=str(order_id),
                reference=refund_id,
                message=(
                    "Refunded through the payment gateway"
                    if refund.get("refunded_payment")
                    else "Refunded manually (outside the payment gateway)"
                ),
            )
        )
    return Refund(
        external_id=refund_id,
        order_external_id=str(order_id),
        currency=currency,
        created_at=created,
        note=reason,
        lines=lines,
        adjustments=adjustments,
        transactions=transactions,
    )


def _refund_sort_key(refund):
    created = refund.get("date_created_gmt") or refund.get("date_created") or ""
    return (str(created), int(refund.get("id") or 0))


# ----------------------------------------------------------------------
# orders
def _financial_status(status, paid, total, refunded):
    if status == "failed":
        return "failed"
    if paid:
        if status == "refunded" or (total > 0 and refunded >= total):
            return "refunded"
        if refunded > 0:
            return "partially_refunded"
        return "paid"
    if status in CANCELLED_STATUSES:
        return "voided"
    return "pending"


def _transactions(payload, order_id, status, paid, total, currency, gateway, updated_at):
    transactions = []
    reference = str(payload.get("transaction_id") or "").strip()
    title = text(payload.get("payment_method_title"))
    if paid:
        transactions.append(
            Transaction(
                external_id=reference or f"{order_id}-payment",
                kind="sale",
                status="success",
                amount=total,
                currency=currency,
                gateway=gateway,
                processed_at=gmt(payload, "date_paid") or updated_at,
                reference=reference,
                message=title,
            )
        )
    elif status == "failed":
        transactions.append(
            Transaction(
                external_id=f"{order_id}-failed",
                kind="sale",
                status="failure",
                amount=total,
                currency=currency,
                gateway=gateway,
                processed_at=updated_at,
                reference=reference,
                message=f"{title or gateway or 'Payment'}: payment failed",
            )
        )
    return transactions


def _fulfillment(payload, order_id, lines, refunds, updated_at):
    """A completed order was shipped whole, less what was refunded before completion."""
    completed_at = gmt(payload, "date_completed")
    if completed_at is None:
        return []
    refunded_before = defaultdict(Decimal)
    for refund in refunds:
        if refund.created_at is not None and refund.created_at <= completed_at:
            for line in refund.lines:
                refunded_before[line.line_external_id] += line.quantity
    shipped = [
        FulfillmentLine(line.external_id, line.quantity - refunded_before[line.external_id])
        for line in lines
        if line.kind == "product" and line.quantity - refunded_before[line.external_id] > 0
    ]
    if not shipped:
        return []
    return [
        Fulfillment(
            external_id=f"{order_id}-completed",
            order_external_id=order_id,
            status="success",
            created_at=completed_at,
            lines=shipped,
        )
    ]


def parse_order(payload):
    """A ``wc/v3`` order (with :data:`REFUNDS_KEY` when it lists refunds) as an :class:`Order`.

    :return: the order, or None for a checkout draft (nothing to import)
    :raise RecordError: when the payload cannot be read
    """
    status = str(payload.get("status") or "")
    if status in DRAFT_STATUSES:
        return None
    order_id = str(payload["id"])
    currency = str(payload.get("currency") or "").upper()
    if not currency:
        raise RecordError(f"order {order_id} has no currency")
    incl = bool(payload.get("prices_include_tax"))
    created_at = gmt(payload, "date_created")
    updated_at = gmt(payload, "date_modified") or created_at
    if created_at is None:
        raise RecordError(f"order {order_id} has no creation date")

    taxes = _TaxBook(payload, incl)
    for item in payload.get("line_items") or []:
        taxes.add(("line", item["id"]), item)
    for fee in payload.get("fee_lines") or []:
        taxes.add(("fee", fee["id"]), fee)
    for line in payload.get("shipping_lines") or []:
        taxes.add(("shipping", line["id"]), line)
    taxes.settle()

    lines = [parse_line_item(item, incl, taxes) for item in payload.get("line_items") or []]
    lines += [parse_fee_line(fee, incl, taxes) for fee in payload.get("fee_lines") or []]
    shipping_lines = [parse_shipping_line(line, incl, taxes) for line in payload.get("shipping_lines") or []]
    discounts = [parse_coupon_line(coupon, incl) for coupon in payload.get("coupon_lines") or []]
    total = _money(payload, "total", "order total")
    gateway = str(payload.get("payment_method") or "").strip()

    listed_refunds = payload.get("refunds") or []
    details = payload.get(REFUNDS_KEY)
    if listed_refunds and details is None:
        raise RecordError(f"order {order_id} lists refunds but their details were not fetched")
    restock_left = _restocked_quantities(payload)
    refunds = [
        parse_refund(refund, order_id, currency, incl, gateway, restock_left)
        for refund in sorted(details or [], key=_refund_sort_key)
    ]
    refunded = money_sum(refund.total for refund in refunds)

    paid = (
        status in PAID_STATUSES
        or status == "refunded"
        or (status in CANCELLED_STATUSES and gmt(payload, "date_paid") is not None)
    )
    billing = parse_address(payload.get("billing"))
    shipping = parse_address(payload.get("shipping"))
    order = Order(
        external_id=order_id,
        name=f"#{payload.get('number') or order_id}",
        currency=currency,
        created_at=created_at,
        updated_at=updated_at,
        taxes_included=incl,
        lines=lines,
        shipping_lines=shipping_lines,
        discounts=discounts,
        tax_lines=taxes.order_lines(),
        total_tax=_money(payload, "total_tax", "order total_tax"),
        total=total,
        customer=parse_customer(payload, billing),
        email=billing.email if billing else "",
        phone=billing.phone if billing else "",
        billing_address=billing,
        shipping_address=shipping,
        financial_status=_financial_status(status, paid, total, refunded),
        transactions=_transactions(payload, order_id, status, paid, total, currency, gateway, updated_at),
        refunds=refunds,
        note=text(payload.get("customer_note")),
        source_name=str(payload.get("created_via") or ""),
    )
    if status in CANCELLED_STATUSES:
        order.cancelled_at = updated_at
        order.cancel_reason = "deleted" if status == "trash" else "cancelled"
    else:
        order.fulfillments = _fulfillment(payload, order_id, lines, refunds, updated_at)
    return order


# ----------------------------------------------------------------------
# products
def _variation_name(variation, parent):
    name = text(variation.get("name"))
    if name:
        return name
    options = ", ".join(
        text(attribute.get("option")) for attribute in variation.get("attributes") or [] if attribute.get("option")
    )
    base = text(parent.get("name")) if parent else ""
    return " - ".join(part for part in (base, options) if part) or f"Variation {variation.get('id')}"


def _tracked(item, parent=None):
    manage = item.get("manage_stock")
    if manage == "parent":
        return bool(parent.get("manage_stock") is True) if parent else True
    return manage is True


def _variant(item, product_id, name, parent=None):
    return ProductVariant(
        external_id=str(item["id"]),
        name=name,
        sku=str(item.get("sku") or "").strip(),
        barcode=str(item.get("global_unique_id") or "").strip(),
        product_external_id=str(product_id),
        price=to_decimal(item.get("price"), "price"),
        tracked=_tracked(item, parent),
        updated_at=gmt(item, "date_modified"),
    )


def parse_product(payload):
    """A product (or a variation read through ``products/<id>``) as sellable variants.

    Simple products are one variant; a variable product is its variations
    (attached under :data:`VARIATIONS_KEY`); grouped and external products
    sell nothing themselves; trashed products are ignored.

    :rtype: list[ProductVariant]
    """
    kind = payload.get("type") or "simple"
    if payload.get("status") == "trash" or kind in ("grouped", "external"):
        return []
    if kind == "variation":
        parent_id = payload.get("parent_id") or payload["id"]
        return [_variant(payload, parent_id, _variation_name(payload, None))]
    if kind == "variable":
        variations = payload.get(VARIATIONS_KEY)
        if variations is None:
            if payload.get("variations"):
                raise RecordError(f"variable product {payload['id']} came without its variations")
            variations = []
        return [
            _variant(variation, payload["id"], _variation_name(variation, payload), parent=payload)
            for variation in variations
            if variation.get("status") != "trash"
        ]
    return [_variant(payload, payload["id"], text(payload.get("name")) or f"Product {payload['id']}")]


def stock_levels(payload):
    """The stock levels a product payload shows (variations included), for stock-managed items.

    :rtype: list[StockLevel]
    """
    kind = payload.get("type") or "simple"
    if payload.get("status") == "trash" or kind in ("grouped", "external"):
        return []
    items = []
    if kind == "variable":
        for variation in payload.get(VARIATIONS_KEY) or []:
            if variation.get("manage_stock") == "parent":
                quantity = payload.get("stock_quantity") if payload.get("manage_stock") is True else None
            else:
                quantity = variation.get("stock_quantity") if variation.get("manage_stock") is True else None
            items.append((variation, quantity))
    else:
        items.append((payload, payload.get("stock_quantity") if payload.get("manage_stock") is True else None))
    return [
        StockLevel(
            variant_external_id=str(item["id"]),
            available=to_decimal(quantity, "stock_quantity"),
            sku=str(item.get("sku") or "").strip(),
        )
        for item, quantity in items
        if quantity is not None
    ]


def format_gmt(moment):
    """A datetime as WooCommerce's GMT ISO form (no offset, whole seconds)."""
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    return str(moment)
