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

#: transactions read per order in one GraphQL query; an order with that many is read again through REST
TRANSACTIONS_FIRST = 10
#: orders per GraphQL query: Shopify refuses a query above 1000 cost points, and each order here costs
#: 1 + TRANSACTIONS_FIRST x 4 (transaction, amount bag, money, parent)
ORDERS_PER_QUERY = 20
ORDER_TRANSACTIONS = (
    """
query OrderTransactions($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Order {
      id
      transactions(first: %d) {
        id kind status gateway test createdAt processedAt authorizationCode errorCode manualPaymentGateway
        amountSet { presentmentMoney { amount currencyCode } }
        parentTransaction { id }
      }
    }
  }
}
"""
    % TRANSACTIONS_FIRST
).strip()


def gid_number(value):
    """The numeric id of a GraphQL global id ("gid://shopify/OrderTransaction/12" -> "12")."""
    return str(value or "").split("?")[0].rsplit("/", 1)[-1]


def rest_transaction(node, order_id):
    """A GraphQL ``OrderTransaction`` in the shape of ``/orders/{id}/transactions.json`` (amounts presented)."""
    money = ((node.get("amountSet") or {}).get("presentmentMoney")) or {}
    parent = node.get("parentTransaction") or {}
    return {
        "id": int(gid_number(node.get("id")) or 0) or None,
        "order_id": order_id,
        "kind": text(node.get("kind")).lower(),
        "status": text(node.get("status")).lower(),
        "gateway": node.get("gateway"),
        "test": bool(node.get("test")),
        "amount": money.get("amount"),
        "currency": money.get("currencyCode"),
        "created_at": node.get("createdAt"),
        "processed_at": node.get("processedAt"),
        "authorization": node.get("authorizationCode"),
        "error_code": text(node.get("errorCode")).lower() or None,
        "manual_payment_gateway": bool(node.get("manualPaymentGateway")),
        "parent_id": int(gid_number(parent["id"])) if parent.get("id") else None,
    }


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
