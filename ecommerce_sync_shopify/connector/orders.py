"""Shopify orders -> canonical Order (with its transactions, refunds and fulfilments).

Money: the canonical order is in the **presentment** currency (what the
customer saw and paid); every amount is read from the ``presentment_money``
side of Shopify's ``*_set`` bags. ``shop_currency`` and ``shop_total`` come
from ``shop_money``, so the rate Shopify applied is kept.

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
    to_datetime,
    to_decimal,
)

from .customers import parse_address, parse_customer
from .money import PRESENTMENT, SHOP, MoneyReader
from .payloads import split_tags, text, unwrap
from .refunds import parse_refund
from .transactions import parse_transaction

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


def parse_tax_lines(items, reader):
    return [
        TaxLine(
            title=text(item.get("title")) or "Tax",
            rate=to_decimal(item.get("rate"), "tax rate"),
            amount=reader.amount(item, "price"),
        )
        for item in items or []
    ]


def allocated(item, reader):
    """Discount allocated to a line or a shipping line."""
    return money_sum(reader.amount(alloc, "amount") for alloc in item.get("discount_allocations") or [])


def parse_line(item, reader):
    """One line item (see the module docstring for the quantity used)."""
    if not item.get("id"):
        raise RecordError(f"line item without id: {item!r:.200}")
    if item.get("discount_allocations") is not None:
        discount = allocated(item, reader)
    else:
        discount = reader.amount(item, "total_discount")
    return OrderLine(
        external_id=str(item["id"]),
        name=text(item.get("name")) or text(item.get("title")),
        quantity=to_decimal(item.get("quantity"), f"line {item['id']} quantity"),
        unit_price=reader.amount(item, "price", required=True),
        sku=text(item.get("sku")),
        product_external_id=str(item["product_id"]) if item.get("product_id") else "",
        variant_external_id=str(item["variant_id"]) if item.get("variant_id") else "",
        discount=discount,
        tax_lines=parse_tax_lines(item.get("tax_lines"), reader),
        taxable=bool(item.get("taxable", True)),
        requires_shipping=bool(item.get("requires_shipping", True)),
        gift_card=bool(item.get("gift_card")),
    )


def parse_shipping_line(item, reader):
    if not item.get("id"):
        raise RecordError(f"shipping line without id: {item!r:.200}")
    return ShippingLine(
        external_id=str(item["id"]),
        title=text(item.get("title")) or "Shipping",
        price=reader.amount(item, "price", required=True),
        code=text(item.get("code")),
        discount=allocated(item, reader),
        tax_lines=parse_tax_lines(item.get("tax_lines"), reader),
    )


def parse_discounts(data, reader):
    """One Discount per discount application, with the amount it took off lines and shipping."""
    applications = data.get("discount_applications") or []
    amounts = [ZERO] * len(applications)
    for item in (data.get("line_items") or []) + (data.get("shipping_lines") or []):
        for alloc in item.get("discount_allocations") or []:
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
        for code in data.get("discount_codes") or []:
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
                        external_id=f"{data['id']}-{key}",
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
    if not isinstance(data, dict) or not data.get("id"):
        raise RecordError(f"fulfillment without id: {data!r:.200}")
    numbers = data.get("tracking_numbers") or []
    urls = data.get("tracking_urls") or []
    return Fulfillment(
        external_id=str(data["id"]),
        order_external_id=str(data.get("order_id") or order_external_id),
        status=text(data.get("status")).lower() or "success",
        created_at=to_datetime(data.get("created_at"), "fulfillment created_at"),
        tracking_number=text(data.get("tracking_number")) or (text(numbers[0]) if numbers else ""),
        tracking_company=text(data.get("tracking_company")),
        tracking_url=text(data.get("tracking_url")) or (text(urls[0]) if urls else ""),
        location_external_id=str(data["location_id"]) if data.get("location_id") else "",
        lines=[
            FulfillmentLine(
                line_external_id=str(line["id"]),
                quantity=to_decimal(line.get("quantity"), "fulfillment line quantity"),
            )
            for line in data.get("line_items") or []
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
    data = unwrap(payload, "order")
    if not isinstance(data, dict) or not data.get("id"):
        raise RecordError(f"order without id: {payload!r:.200}")
    if data.get("transactions_error"):
        raise RecordError(f"order {data['id']}: its transactions could not be fetched: {data['transactions_error']}")
    currency, shop_currency = order_currencies(data)
    if plain_fallback is None:
        plain_fallback = currency == shop_currency
    reader = MoneyReader(PRESENTMENT, plain_fallback=plain_fallback)
    shop_reader = MoneyReader(SHOP, plain_fallback=True)
    taxes_included = bool(data.get("taxes_included"))
    order_id = str(data["id"])
    created_at = to_datetime(data.get("created_at") or data.get("processed_at"), "created_at")
    if created_at is None:
        raise RecordError(f"order {order_id} has no created_at")
    email = text(data.get("email")) or text(data.get("contact_email"))
    shipping_lines = [item for item in data.get("shipping_lines") or [] if not item.get("is_removed")]
    return Order(
        external_id=order_id,
        name=text(data.get("name")) or f"#{data.get('order_number') or order_id}",
        currency=currency,
        created_at=created_at,
        updated_at=to_datetime(data.get("updated_at"), "updated_at") or created_at,
        taxes_included=taxes_included,
        lines=[parse_line(item, reader) for item in data.get("line_items") or []] + extra_charges(data, reader),
        shipping_lines=[parse_shipping_line(item, reader) for item in shipping_lines],
        discounts=parse_discounts(data, reader),
        tax_lines=parse_tax_lines(data.get("tax_lines"), reader),
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
        transactions=[parse_transaction(item, currency) for item in data.get("transactions") or []],
        refunds=[
            parse_refund(item, taxes_included=taxes_included, order_currency=currency, plain_fallback=plain_fallback)
            for item in data.get("refunds") or []
        ],
        fulfillments=[parse_fulfillment(item, order_id) for item in data.get("fulfillments") or []],
        note=text(data.get("note")),
        tags=split_tags(data.get("tags")),
        source_name=text(data.get("source_name")),
        shop_currency=shop_currency,
        shop_total=shop_reader.amount(data, "total_price"),
    )
