"""Shopify order transactions and fulfilments -> canonical Transaction and Fulfillment."""

from odoo.addons.ecommerce_sync.connector import (
    Fulfillment,
    FulfillmentLine,
    RecordError,
    Transaction,
    to_datetime,
    to_decimal,
)

from .customers import text

#: Shopify transaction kinds that are the canonical kind under another name
KIND_ALIASES = {"emv_authorization": "authorization"}


def parse_transaction(data, default_currency=""):
    """One order transaction (``/orders/{id}/transactions.json`` or embedded in a refund).

    ``amount`` is in the transaction's ``currency``: the presentment currency
    of the order, which is the canonical order currency.

    :raise RecordError: when the transaction has no id or no readable amount
    """
    if not isinstance(data, dict) or not data.get("id"):
        raise RecordError(f"transaction without id: {data!r:.200}")
    kind = text(data.get("kind")).lower()
    return Transaction(
        external_id=str(data["id"]),
        kind=KIND_ALIASES.get(kind, kind),
        status=text(data.get("status")).lower() or "pending",
        amount=to_decimal(data.get("amount"), f"transaction {data['id']} amount"),
        currency=text(data.get("currency")) or default_currency,
        gateway=text(data.get("gateway")),
        processed_at=to_datetime(data.get("processed_at") or data.get("created_at"), "transaction processed_at"),
        parent_id=str(data["parent_id"]) if data.get("parent_id") else "",
        reference=text(data.get("authorization")) or text(data.get("payment_id")),
        message=text(data.get("message")),
    )


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
