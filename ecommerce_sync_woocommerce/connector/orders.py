"""WooCommerce orders (``wc/v3``) -> canonical Order, with its refunds, transactions and fulfilment.

The connector fetches an order's refunds (``orders/<id>/refunds``) and
attaches them to its payload under :data:`REFUNDS_KEY` before parsing.

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
  [+ ``total_tax``] exactly. A unit price that does not divide exactly is
  rounded to WooCommerce's own rounding precision (the amounts' decimals + 2,
  at least 6: ``wc_get_rounding_precision``) and the residual goes into the
  discount, so the line still equals the store's amount exactly;
* fee line (``fee_lines``): an :class:`OrderLine` of kind "fee", quantity 1,
  price ``total`` [+ ``total_tax``];
* shipping line: price ``total`` [+ ``total_tax``];
* coupon (``coupon_lines``): a :class:`Discount` of ``discount``
  [+ ``discount_tax``]; its amount already lives in the lines' discounts.

Taxes per line and rate: see :mod:`.taxes`.

What cannot be read is refused (:class:`RecordError`): an id that is not a
WooCommerce id, ``line_items`` missing or null (an order always lists its
items, maybe none), a list that is not a list of objects, a product line
with a quantity of zero or less or a negative amount, refunds that give back
more units of a line than it sold or a line the order does not have.

Statuses: pending and on-hold are unpaid; processing and completed are paid
(see :mod:`.transactions`); refunded is paid then refunded; cancelled (and
trashed) orders are cancelled; failed orders carry one failed payment
transaction. Orders with a ``date_completed`` were shipped whole: they carry
one fulfilment.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, Inexact, localcontext

from odoo.addons.ecommerce_sync.connector import (
    ZERO,
    Discount,
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderLine,
    RecordError,
    ShippingLine,
    money_sum,
    numeric_id,
    object_list,
    optional_id,
    require_object,
    required_id,
    to_decimal,
)

from .customers import parse_address, parse_customer
from .money import money
from .payloads import gmt, require_v3, text
from .refunds import oldest_first, parse_refund, restocked_quantities
from .taxes import TaxBook
from .transactions import order_transactions

#: key under which the connector attaches ``GET orders/<id>/refunds`` to an order
REFUNDS_KEY = "refund_details"

PAID_STATUSES = ("processing", "completed")
CANCELLED_STATUSES = ("cancelled", "trash")
DRAFT_STATUSES = ("checkout-draft", "draft", "auto-draft")
#: WooCommerce's ``WC_ROUNDING_PRECISION``: the fewest decimals its internal calculations keep
ROUNDING_PRECISION = 6
#: digits enough for any exact quotient of two amounts (a division that needs more does not end)
EXACT_DIGITS = 60


def unit_price(gross, quantity):
    """``gross`` / ``quantity``, exact when it divides, else rounded as WooCommerce rounds inside.

    WooCommerce keeps unrounded amounts to ``wc_get_rounding_precision()``
    decimals: the price decimals + 2, at least :data:`ROUNDING_PRECISION`.
    The residual of the rounding goes into the line's discount, so the line's
    amount stays exact.
    """
    with localcontext() as exact:
        exact.prec = EXACT_DIGITS
        exact.traps[Inexact] = True
        try:
            return gross / quantity
        except Inexact:
            # the quotient does not end
            exact.traps[Inexact] = False
            places = max(ROUNDING_PRECISION, -gross.as_tuple().exponent + 2)
            return (gross / quantity).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def item_id(item, what):
    """The WooCommerce id of a line, fee, shipping or tax line of an order."""
    return required_id(item.get("id"), f"{what} id")


def parse_line_item(item, incl, taxes):
    line_id = item_id(item, "line item")
    quantity = to_decimal(item.get("quantity"), "line quantity")
    if quantity <= 0:
        raise RecordError(f"line {line_id}: quantity {quantity} cannot be imported")
    subtotal = money(item, "subtotal", "line subtotal")
    total = money(item, "total", "line total")
    if subtotal < 0 or total < 0:
        raise RecordError(f"line {line_id}: a product line cannot have a negative amount ({subtotal}, {total})")
    gross = subtotal + (money(item, "subtotal_tax", "line subtotal_tax") if incl else ZERO)
    net = total + (money(item, "total_tax", "line total_tax") if incl else ZERO)
    price = unit_price(gross, quantity)
    product_id = optional_id(item.get("product_id"), f"line {line_id} product_id")
    variation_id = optional_id(item.get("variation_id"), f"line {line_id} variation_id")
    tax_lines = taxes.lines(("line", line_id))
    return OrderLine(
        external_id=line_id,
        name=text(item.get("name")),
        quantity=quantity,
        unit_price=price,
        sku=str(item.get("sku") or "").strip(),
        product_external_id=product_id,
        variant_external_id=variation_id or product_id,
        discount=quantity * price - net,
        tax_lines=tax_lines,
        taxable=bool(tax_lines),
    )


def parse_fee_line(fee, incl, taxes):
    fee_id = item_id(fee, "fee line")
    total = money(fee, "total", "fee total")
    price = total + (money(fee, "total_tax", "fee total_tax") if incl else ZERO)
    tax_lines = taxes.lines(("fee", fee_id))
    return OrderLine(
        external_id=fee_id,
        name=text(fee.get("name")) or "Fee",
        quantity=Decimal(1),
        unit_price=price,
        tax_lines=tax_lines,
        taxable=fee.get("tax_status", "taxable") == "taxable" and bool(tax_lines),
        requires_shipping=False,
        kind="fee",
    )


def parse_shipping_line(line, incl, taxes):
    shipping_id = item_id(line, "shipping line")
    total = money(line, "total", "shipping total")
    price = total + (money(line, "total_tax", "shipping total_tax") if incl else ZERO)
    return ShippingLine(
        external_id=shipping_id,
        title=text(line.get("method_title")) or str(line.get("method_id") or ""),
        price=price,
        code=str(line.get("method_id") or ""),
        tax_lines=taxes.lines(("shipping", shipping_id)),
    )


def parse_coupon_line(coupon, incl):
    amount = money(coupon, "discount", "coupon discount")
    if incl:
        amount += money(coupon, "discount_tax", "coupon discount_tax")
    return Discount(code=str(coupon.get("code") or ""), amount=amount, kind="code", target="line")


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
    require_object(payload, "a WooCommerce order")
    status = str(payload.get("status") or "")
    if status in DRAFT_STATUSES:
        return None
    order_id = required_id(payload.get("id"), "order id")
    what = f"order {order_id}"
    require_v3(payload, what)
    items = object_list(payload, "line_items", what, required=True)
    fees = object_list(payload, "fee_lines", what)
    shipping_items = object_list(payload, "shipping_lines", what)
    currency = str(payload.get("currency") or "").upper()
    if not currency:
        raise RecordError(f"order {order_id} has no currency")
    incl = bool(payload.get("prices_include_tax"))
    created_at = gmt(payload, "date_created")
    updated_at = gmt(payload, "date_modified") or created_at
    if created_at is None:
        raise RecordError(f"order {order_id} has no creation date")

    taxes = TaxBook(payload, incl, what)
    for item in items:
        taxes.add(("line", item_id(item, "line item")), item)
    for fee in fees:
        taxes.add(("fee", item_id(fee, "fee line")), fee)
    for line in shipping_items:
        taxes.add(("shipping", item_id(line, "shipping line")), line)
    taxes.settle()

    lines = [parse_line_item(item, incl, taxes) for item in items]
    lines += [parse_fee_line(fee, incl, taxes) for fee in fees]
    shipping_lines = [parse_shipping_line(line, incl, taxes) for line in shipping_items]
    discounts = [parse_coupon_line(coupon, incl) for coupon in object_list(payload, "coupon_lines", what)]
    total = money(payload, "total", "order total")
    gateway = str(payload.get("payment_method") or "").strip()

    listed_refunds = object_list(payload, "refunds", what)
    details = payload.get(REFUNDS_KEY)
    if listed_refunds and details is None:
        raise RecordError(f"order {order_id} lists refunds but their details were not fetched")
    restock_left = restocked_quantities(items)
    refunds = [
        parse_refund(refund, order_id, currency, incl, gateway, restock_left)
        for refund in oldest_first(object_list(payload, REFUNDS_KEY, what))
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
        total_tax=money(payload, "total_tax", "order total_tax"),
        total=total,
        customer=parse_customer(payload, billing),
        email=billing.email if billing else "",
        phone=billing.phone if billing else "",
        billing_address=billing,
        shipping_address=shipping,
        financial_status=_financial_status(status, paid, total, refunded),
        transactions=order_transactions(payload, order_id, status, paid, total, currency, gateway, updated_at),
        refunds=refunds,
        note=text(payload.get("customer_note")),
        source_name=str(payload.get("created_via") or ""),
    )
    if status in CANCELLED_STATUSES:
        order.cancelled_at = updated_at
        order.cancel_reason = "deleted" if status == "trash" else "cancelled"
    else:
        order.fulfillments = _fulfillment(payload, order_id, lines, refunds, updated_at)
    order.check_refunds()
    return order


def with_refunds(client, payload):
    """An order payload with its refunds attached, when it lists any (and its id is a WooCommerce id)."""
    order_id = numeric_id(payload.get("id")) if isinstance(payload, dict) else ""
    if order_id and payload.get("refunds"):
        client.attach(payload, REFUNDS_KEY, f"orders/{order_id}/refunds")
    return payload
