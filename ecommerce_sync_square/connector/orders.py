"""Square orders -> canonical Order (and Refund records for the returns they carry).

Lines: every ``line_items`` entry is one line, priced from
``gross_sales_money`` (base price and modifiers, times the quantity) with its
``total_discount_money`` (line- and order-scoped discounts as Square applied
them) and its ``applied_taxes``. The SKU and item of a catalog variation come
from the catalog (the connector adds ``catalog_variations`` to the payload).
Service charges are fee lines, the tip (``total_tip_money``) is a line of
kind "tip", and a cash rounding adjustment is a fee line: together they add
up to Square's ``total_money``.

Tax mode: an order whose taxes are all INCLUSIVE is tax-included; an order
with ADDITIVE taxes is tax-excluded, and a line carrying an INCLUSIVE tax in
such a (mixed) order is priced without that tax, so that the order still adds
up to the cent.

Returns: a return order (``returns``, each naming its ``source_order_id``)
becomes one canonical Refund per return (see :mod:`.returns`); an exchange
order carries both new lines and returns, and gives both an Order and
Refunds. Refunds on the order that carry no itemised return (``refunds`` of
a sale order) become amount-only Refunds.

Stock: a POS order completed at the register without a fulfilment is handed
over at the counter: it gets one completed fulfilment of all its items at
the order's location.
"""

from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import (
    ZERO,
    Address,
    Customer,
    Discount,
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderLine,
    RecordError,
    to_datetime,
    to_decimal,
)

from .ids import valid_id
from .money import line_gross, money, money_currency
from .payments import parse_order_refund, parse_tender
from .returns import amount_only_refund, parse_returns
from .taxes import INCLUSIVE, TaxBook

FULFILLMENT_STATES = {
    "COMPLETED": "success",
    "CANCELED": "cancelled",
    "FAILED": "failure",
}


def order_currency(data):
    for key in ("total_money", "net_amount_due_money", "total_tax_money"):
        code = money_currency(data.get(key))
        if code:
            return code
    for item in data.get("line_items") or []:
        code = money_currency(item.get("total_money") or item.get("base_price_money"))
        if code:
            return code
    for item in [data, *(data.get("returns") or [])]:
        code = money_currency((item.get("return_amounts") or {}).get("total_money"))
        if code:
            return code
    raise RecordError(f"order {data.get('id')}: no currency")


def unit_price(gross, quantity, what):
    if not quantity:
        raise RecordError(f"{what}: quantity is zero")
    return gross / quantity


def parse_line(item, book, currency, catalog, tax_included):
    uid = str(item.get("uid") or "")
    if not uid:
        raise RecordError(f"line item without uid: {item.get('name')!r:.60}")
    what = f"line {uid[:40]}"
    quantity = to_decimal(item.get("quantity"), f"{what} quantity")
    gross = line_gross(item, "gross_sales_money", quantity, what, currency)
    tax_lines, inclusive = book.applied(item, what)
    if inclusive and not tax_included:
        gross -= inclusive
    variation_id = str(item.get("catalog_object_id") or "")
    if variation_id:
        valid_id(variation_id, f"{what} catalog object")
    variation = catalog.get(variation_id) or {}
    name = str(item.get("name") or variation.get("name") or "Item")
    if item.get("variation_name") and item["variation_name"] not in name:
        name = f"{name} ({item['variation_name']})"
    return OrderLine(
        external_id=uid,
        name=name,
        quantity=quantity,
        unit_price=unit_price(gross, quantity, what),
        sku=str(variation.get("sku") or ""),
        barcode=str(variation.get("upc") or ""),
        product_external_id=str(variation.get("item_id") or ""),
        variant_external_id=variation_id,
        discount=money(item.get("total_discount_money"), f"{what} discount", currency),
        tax_lines=tax_lines,
        taxable=bool(tax_lines),
        requires_shipping=item.get("item_type") != "GIFT_CARD",
        gift_card=item.get("item_type") == "GIFT_CARD",
    )


def parse_service_charge(item, book, currency, tax_included):
    uid = str(item.get("uid") or "")
    if not uid:
        raise RecordError("service charge without uid")
    what = f"service charge {uid[:40]}"
    amount = money(item.get("applied_money") or item.get("amount_money"), what, currency, required=True)
    tax_lines, inclusive = book.applied(item, what)
    if inclusive and not tax_included:
        amount -= inclusive
    return OrderLine(
        external_id=uid,
        name=str(item.get("name") or "Service charge"),
        quantity=Decimal(1),
        unit_price=amount,
        tax_lines=tax_lines,
        taxable=bool(tax_lines),
        requires_shipping=False,
        kind="fee",
    )


def extra_line(external_id, name, amount, kind):
    return OrderLine(
        external_id=external_id,
        name=name,
        quantity=Decimal(1),
        unit_price=amount,
        taxable=False,
        requires_shipping=False,
        kind=kind,
    )


def parse_discounts(data, currency):
    return [
        Discount(
            code=str(item.get("name") or item.get("catalog_object_id") or item.get("uid") or "Discount"),
            amount=money(item.get("applied_money"), "discount", currency),
            kind=str(item.get("type") or "discount").lower(),
            target="line",
        )
        for item in data.get("discounts") or []
        if isinstance(item, dict)
    ]


def parse_fulfillments(data, lines, order_id, location_id):
    product_lines = [line for line in lines if line.kind == "product"]
    result = []
    for item in data.get("fulfillments") or []:
        uid = str(item.get("uid") or "")
        if not uid:
            raise RecordError(f"order {order_id}: fulfilment without uid")
        if item.get("line_item_application") == "ENTRY_LIST":
            parts = [
                FulfillmentLine(str(entry.get("line_item_uid") or ""), to_decimal(entry.get("quantity"), "quantity"))
                for entry in item.get("entries") or []
            ]
        else:
            parts = [FulfillmentLine(line.external_id, line.quantity) for line in product_lines]
        details = item.get("shipment_details") or item.get("pickup_details") or item.get("delivery_details") or {}
        result.append(
            Fulfillment(
                external_id=f"{order_id}/{uid}",
                order_external_id=order_id,
                status=FULFILLMENT_STATES.get(str(item.get("state") or ""), "pending"),
                created_at=to_datetime(
                    details.get("shipped_at") or details.get("picked_up_at") or details.get("placed_at"), "fulfilled"
                ),
                tracking_number=str(details.get("tracking_number") or ""),
                tracking_company=str(details.get("carrier") or ""),
                tracking_url=str(details.get("tracking_url") or ""),
                location_external_id=location_id,
                lines=parts,
            )
        )
    if not result and data.get("state") == "COMPLETED" and product_lines:
        result.append(
            Fulfillment(
                external_id=f"{order_id}/counter",
                order_external_id=order_id,
                status="success",
                created_at=to_datetime(data.get("closed_at") or data.get("updated_at"), "closed_at"),
                location_external_id=location_id,
                lines=[FulfillmentLine(line.external_id, line.quantity) for line in product_lines],
            )
        )
    return result


def recipient_of(data):
    for item in data.get("fulfillments") or []:
        details = item.get("shipment_details") or item.get("pickup_details") or item.get("delivery_details") or {}
        if isinstance(details.get("recipient"), dict):
            return details["recipient"]
    return {}


def parse_address(recipient):
    address = recipient.get("address") or {}
    if not address and not recipient.get("display_name"):
        return None
    return Address(
        name=str(recipient.get("display_name") or ""),
        street=str(address.get("address_line_1") or ""),
        street2=str(address.get("address_line_2") or ""),
        city=str(address.get("locality") or ""),
        zip=str(address.get("postal_code") or ""),
        state_code=str(address.get("administrative_district_level_1") or ""),
        country_code=str(address.get("country") or ""),
        phone=str(recipient.get("phone_number") or ""),
        email=str(recipient.get("email_address") or ""),
    )


def financial_status(data, transactions, total):
    if data.get("state") == "CANCELED":
        return "voided"
    paid = sum((tx.amount for tx in transactions if tx.is_captured_payment), ZERO)
    refunded = sum((tx.amount for tx in transactions if tx.is_refund), ZERO)
    if paid and refunded >= paid:
        return "refunded"
    if refunded:
        return "partially_refunded"
    if total and paid >= total:
        return "paid"
    if paid:
        return "partially_paid"
    if any(tx.kind == "authorization" and tx.status == "success" for tx in transactions):
        return "authorized"
    return "paid" if not total else "pending"


def parse_order(payload):
    """A Square order (as the connector enriched it) -> ``[Order]``, ``[Refund, ...]`` or both."""
    if not isinstance(payload, dict):
        raise RecordError(f"order payload is not an object: {payload!r:.80}")
    data = payload.get("order") if isinstance(payload.get("order"), dict) else payload
    order_id = valid_id(data.get("id"), "order id")
    catalog = payload.get("catalog_variations") or {}
    currency = order_currency(data)
    location_id = valid_id(data.get("location_id"), f"order {order_id} location") if data.get("location_id") else ""
    created_at = to_datetime(data.get("created_at"), "created_at")
    if created_at is None:
        raise RecordError(f"order {order_id} has no created_at")
    updated_at = to_datetime(data.get("updated_at"), "updated_at") or created_at
    records = parse_returns(data, order_id, currency, location_id, created_at)
    if not data.get("line_items") and records:
        return records
    book = TaxBook(data.get("taxes"), currency)
    kinds = book.kinds()
    tax_included = kinds == {INCLUSIVE}
    lines = [parse_line(item, book, currency, catalog, tax_included) for item in data.get("line_items") or []]
    charges = data.get("service_charges") or []
    lines += [parse_service_charge(item, book, currency, tax_included) for item in charges]
    tip = money(data.get("total_tip_money"), "tip", currency)
    if tip:
        lines.append(extra_line(f"{order_id}/tip", "Tip", tip, "tip"))
    rounding = data.get("rounding_adjustment") or {}
    if rounding and money(rounding.get("amount_money"), "rounding", currency):
        name = str(rounding.get("name") or "Rounding")
        lines.append(
            extra_line(f"{order_id}/rounding", name, money(rounding["amount_money"], "rounding", currency), "fee")
        )
    transactions = [parse_tender(item, currency) for item in data.get("tenders") or []]
    refund_entries = [parse_order_refund(item, currency) for item in data.get("refunds") or []]
    total = money(data.get("total_money"), f"order {order_id} total", currency, required=True)
    recipient = recipient_of(data)
    address = parse_address(recipient) if recipient else None
    customer = None
    if data.get("customer_id") or recipient:
        customer = Customer(
            external_id=str(data.get("customer_id") or ""),
            email=str(recipient.get("email_address") or ""),
            first_name=str(recipient.get("display_name") or ""),
            phone=str(recipient.get("phone_number") or ""),
            address=address,
        )
    order = Order(
        external_id=order_id,
        name=str(data.get("reference_id") or data.get("ticket_name") or order_id),
        currency=currency,
        created_at=created_at,
        updated_at=updated_at,
        taxes_included=tax_included,
        lines=lines,
        discounts=parse_discounts(data, currency),
        tax_lines=book.order_lines(list(data.get("line_items") or []) + list(charges)),
        total_tax=money(data.get("total_tax_money"), "total tax", currency),
        total=total,
        customer=customer,
        email=customer.email if customer else "",
        phone=customer.phone if customer else "",
        shipping_address=address,
        financial_status=financial_status(data, transactions + refund_entries, total),
        cancelled_at=updated_at if data.get("state") == "CANCELED" else None,
        transactions=transactions,
        refunds=[amount_only_refund(entry, order_id, currency) for entry in refund_entries if entry.is_refund],
        fulfillments=parse_fulfillments(data, lines, order_id, location_id),
        note=str(data.get("note") or "")[:500],
        source_name=str((data.get("source") or {}).get("name") or ""),
        shop_currency=currency,
        shop_total=total,
        location_external_id=location_id,
    )
    return [order] + records


def revision_of(order):
    """Revision of a Square order: its ``version`` and ``updated_at`` (both change on every edit)."""
    if not isinstance(order, dict):
        return ""
    return f"{order.get('version') or 0}@{order.get('updated_at') or ''}"
