"""Shopify orders -> canonical Order (with its transactions, refunds and fulfilments).

Money: the canonical order is in the **presentment** currency (what the
customer saw and paid); every amount is read from the ``presentment_money``
side of Shopify's ``*_set`` bags. ``shop_currency`` and ``shop_total`` come
from ``shop_money``, so the rate Shopify applied is kept; so does each
transaction's shop money (Shopify converts every transaction by itself, and
its payouts settle those amounts), the refunds' transactions taking theirs
from the order's list.

Totals: ``Order.total`` is Shopify's ``total_price`` and ``Order.total_tax``
its ``total_tax``. The lines add up to it: the sum of line subtotals (price x
quantity - allocated discounts) and shipping subtotals, plus the tax when
the order is tax-excluded, plus duties and additional fees when there are any.

Quantities and order edits: a line's quantity is Shopify's ``quantity``,
the quantity sold, and never ``current_quantity``. Shopify records every unit
taken off an order after it was placed — refunded, cancelled, or removed by an
order edit — as a refund line (restock type "cancel" for units removed before
they shipped), and ``current_quantity`` is ``quantity`` minus those units. The
refunds travel with the order (``Order.refunds``) and become credit notes and
returns; reading ``current_quantity`` as well would take the same units off
twice, and would no longer add up to ``total_price``, which is the total as
sold. Units added by an edit arrive as new line items with their own quantity,
so the lines always describe the order as edited: sold lines here, removals in
the refunds.

Refused (:class:`RecordError`): an id that is not a Shopify id; an order
without ``line_items`` (a listing trimmed with ``fields``: a retry reads the
whole order again); a list that is not a list of objects; a line with a
quantity of zero or less or a negative price; refunds that give back a line
the order does not have or more units than it sold.
"""

from odoo.addons.ecommerce_sync.connector import (
    ZERO,
    Discount,
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderLine,
    RecordError,
    ShippingLine,
    TaxLine,
    money_sum,
    numeric_id,
    object_list,
    optional_id,
    require_object,
    required_id,
    to_datetime,
    to_decimal,
)

from .customers import parse_address, parse_customer
from .money import PRESENTMENT, SHOP, MoneyReader
from .payloads import split_tags, text, unwrap
from .refunds import parse_refund
from .transactions import parse_transaction, share_shop_money

FINANCIAL_STATUSES = {
    "pending": "pending",
    "authorized": "authorized",
    "partially_paid": "partially_paid",
    "paid": "paid",
    "partially_refunded": "partially_refunded",
    "refunded": "refunded",
    "voided": "voided",
    "expired": "voided",
}


def parse_tax_lines(owner, reader, what):
    return [
        TaxLine(
            title=text(item.get("title")) or "Tax",
            rate=to_decimal(item.get("rate"), "tax rate"),
            amount=reader.amount(item, "price"),
        )
        for item in object_list(owner, "tax_lines", what)
    ]


def allocated(item, reader, what):
    """Discount allocated to a line or a shipping line."""
    return money_sum(reader.amount(alloc, "amount") for alloc in object_list(item, "discount_allocations", what))


def parse_line(item, reader):
    """One line item (see the module docstring for the quantity used)."""
    line_id = required_id(item.get("id"), "line item id")
    what = f"line {line_id}"
    if item.get("discount_allocations") is not None:
        discount = allocated(item, reader, what)
    else:
        discount = reader.amount(item, "total_discount")
    quantity = to_decimal(item.get("quantity"), f"line {line_id} quantity")
    if quantity <= 0:
        raise RecordError(f"line {line_id}: quantity {quantity} cannot be imported")
    price = reader.amount(item, "price", required=True)
    if price < 0:
        raise RecordError(f"line {line_id}: price {price} cannot be negative")
    return OrderLine(
        external_id=line_id,
        name=text(item.get("name")) or text(item.get("title")),
        quantity=quantity,
        unit_price=price,
        sku=text(item.get("sku")),
        product_external_id=optional_id(item.get("product_id"), f"line {line_id} product_id"),
        variant_external_id=optional_id(item.get("variant_id"), f"line {line_id} variant_id"),
        discount=discount,
        tax_lines=parse_tax_lines(item, reader, what),
        taxable=bool(item.get("taxable", True)),
        requires_shipping=bool(item.get("requires_shipping", True)),
        gift_card=bool(item.get("gift_card")),
    )


def parse_shipping_line(item, reader):
    if item.get("id") in (None, ""):
        raise RecordError(
            "a shipping line has no id (shipping lines have ids since Shopify's API of 2014; an older payload "
            "cannot be read)"
        )
    shipping_id = required_id(item.get("id"), "shipping line id")
    what = f"shipping line {shipping_id}"
    return ShippingLine(
        external_id=shipping_id,
        title=text(item.get("title")) or "Shipping",
        price=reader.amount(item, "price", required=True),
        code=text(item.get("code")),
        discount=allocated(item, reader, what),
        tax_lines=parse_tax_lines(item, reader, what),
    )


def parse_discounts(data, reader, items):
    """One Discount per discount application, with the amount it took off lines and shipping.

    :param list items: the order's line items and shipping lines
    """
    applications = object_list(data, "discount_applications", "order discount_applications")
    amounts = [ZERO] * len(applications)
    for item in items:
        for alloc in object_list(item, "discount_allocations", "order line"):
            index = alloc.get("discount_application_index")
            if isinstance(index, int) and 0 <= index < len(amounts):
                amounts[index] += reader.amount(alloc, "amount")
    discounts = []
    for application, amount in zip(applications, amounts, strict=True):
        discounts.append(
            Discount(
                code=text(application.get("code"))
                or text(application.get("title"))
                or text(application.get("description")),
                amount=amount,
                kind=text(application.get("type")) or "discount_code",
                target="shipping" if application.get("target_type") == "shipping_line" else "line",
            )
        )
    if not applications:
        for code in object_list(data, "discount_codes", "order discount_codes"):
            discounts.append(Discount(code=text(code.get("code")), amount=to_decimal(code.get("amount"), "discount")))
    return discounts


def extra_charges(data, reader):
    """Duties and additional fees, as fee lines (they are part of ``total_price``)."""
    lines = []
    for key, title in (("original_total_duties", "Duties"), ("original_total_additional_fees", "Additional fees")):
        if isinstance(data.get(f"{key}_set"), dict):
            amount = reader.amount(data, key)
            if amount:
                lines.append(
                    OrderLine(
                        external_id=f"{numeric_id(data['id'])}-{key}",
                        name=title,
                        quantity=to_decimal(1),
                        unit_price=amount,
                        taxable=False,
                        requires_shipping=False,
                        kind="fee",
                    )
                )
    return lines


def parse_fulfillment(data, order_external_id=""):
    """One fulfilment with its tracking and its line quantities."""
    require_object(data, "a fulfillment")
    fulfillment_id = required_id(data.get("id"), "fulfillment id")
    what = f"fulfillment {fulfillment_id}"
    numbers = data.get("tracking_numbers") or []
    urls = data.get("tracking_urls") or []
    return Fulfillment(
        external_id=fulfillment_id,
        order_external_id=optional_id(data.get("order_id"), f"{what} order_id") or order_external_id,
        status=text(data.get("status")).lower() or "success",
        created_at=to_datetime(data.get("created_at"), "fulfillment created_at"),
        tracking_number=text(data.get("tracking_number")) or (text(numbers[0]) if numbers else ""),
        tracking_company=text(data.get("tracking_company")),
        tracking_url=text(data.get("tracking_url")) or (text(urls[0]) if urls else ""),
        location_external_id=optional_id(data.get("location_id"), f"{what} location_id"),
        lines=[
            FulfillmentLine(
                line_external_id=required_id(line.get("id"), f"{what} line id"),
                quantity=to_decimal(line.get("quantity"), "fulfillment line quantity"),
            )
            for line in object_list(data, "line_items", what)
        ],
    )


def order_currencies(data):
    """``(presentment currency, shop currency)`` of an order."""
    shop = text(data.get("currency"))
    presentment = text(data.get("presentment_currency")) or shop
    if not presentment:
        raise RecordError(f"order {data.get('id')} has no currency")
    return presentment, shop or presentment


def parse_order(payload, plain_fallback=None):
    """A Shopify order (with ``transactions`` added by the connector) as a canonical :class:`Order`.

    :raise RecordError: when the order cannot be read
    """
    data = require_object(unwrap(payload, "order"), "a Shopify order")
    order_id = required_id(data.get("id"), "order id")
    what = f"order {order_id}"
    if data.get("transactions_error"):
        raise RecordError(f"{what}: its transactions could not be fetched: {data['transactions_error']}")
    if data.get("line_items") is None:
        raise RecordError(
            f"{what} came without its line_items (a listing trimmed with fields?): it is read again whole on retry"
        )
    items = object_list(data, "line_items", what, required=True)
    currency, shop_currency = order_currencies(data)
    if plain_fallback is None:
        plain_fallback = currency == shop_currency
    reader = MoneyReader(PRESENTMENT, plain_fallback=plain_fallback)
    shop_reader = MoneyReader(SHOP, plain_fallback=True)
    taxes_included = bool(data.get("taxes_included"))
    created_at = to_datetime(data.get("created_at") or data.get("processed_at"), "created_at")
    if created_at is None:
        raise RecordError(f"order {order_id} has no created_at")
    email = text(data.get("email")) or text(data.get("contact_email"))
    shipping_items = object_list(data, "shipping_lines", what)
    shipping_lines = [item for item in shipping_items if not item.get("is_removed")]
    order = Order(
        external_id=order_id,
        name=text(data.get("name")) or f"#{data.get('order_number') or order_id}",
        currency=currency,
        created_at=created_at,
        updated_at=to_datetime(data.get("updated_at"), "updated_at") or created_at,
        taxes_included=taxes_included,
        lines=[parse_line(item, reader) for item in items] + extra_charges(data, reader),
        shipping_lines=[parse_shipping_line(item, reader) for item in shipping_lines],
        discounts=parse_discounts(data, reader, items + shipping_items),
        tax_lines=parse_tax_lines(data, reader, what),
        total_tax=reader.amount(data, "total_tax"),
        total=reader.amount(data, "total_price", required=True),
        customer=parse_customer(data.get("customer")),
        email=email,
        phone=text(data.get("phone")),
        billing_address=parse_address(data.get("billing_address"), email=email),
        shipping_address=parse_address(data.get("shipping_address"), email=email),
        financial_status=FINANCIAL_STATUSES.get(text(data.get("financial_status")).lower(), "pending"),
        cancelled_at=to_datetime(data.get("cancelled_at"), "cancelled_at"),
        cancel_reason=text(data.get("cancel_reason")),
        transactions=[parse_transaction(item, currency) for item in object_list(data, "transactions", what)],
        refunds=[
            parse_refund(item, taxes_included=taxes_included, order_currency=currency, plain_fallback=plain_fallback)
            for item in object_list(data, "refunds", what)
        ],
        fulfillments=[parse_fulfillment(item, order_id) for item in object_list(data, "fulfillments", what)],
        note=text(data.get("note")),
        tags=split_tags(data.get("tags")),
        source_name=text(data.get("source_name")),
        shop_currency=shop_currency,
        shop_total=shop_reader.amount(data, "total_price"),
    )
    share_shop_money(order)
    order.check_refunds()
    return order
