"""Shopify order transactions: read for a page of orders, and turned into canonical Transactions.

REST lists orders without their transactions. They are read for a page of
orders with one GraphQL ``nodes(ids:)`` query per :data:`ORDERS_PER_QUERY`
orders, and through REST (``orders/<id>/transactions.json``, one call per
order) for an order with more transactions than a query reads, one GraphQL
does not know, or when the shop refuses the GraphQL query.
"""

import logging

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    RecordError,
    Transaction,
    TransientError,
    describe,
    numeric_id,
    optional_id,
    required_id,
    to_datetime,
    to_decimal,
)

from .client import chunks
from .money import SHOP
from .payloads import gid, gid_number, text

_logger = logging.getLogger(__name__)

#: Shopify transaction kinds that are the canonical kind under another name
KIND_ALIASES = {"emv_authorization": "authorization"}

#: transactions read per order in one GraphQL query; an order with that many is read again through REST
TRANSACTIONS_FIRST = 10
#: orders per GraphQL query: Shopify refuses a query above 1000 cost points, and each order here costs
#: 1 + TRANSACTIONS_FIRST x 5 (transaction, amount bag, its presentment and shop money, parent)
ORDERS_PER_QUERY = 19
ORDER_TRANSACTIONS = (
    """
query OrderTransactions($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Order {
      id
      transactions(first: %d) {
        id kind status gateway test createdAt processedAt authorizationCode errorCode manualPaymentGateway
        amountSet { presentmentMoney { amount currencyCode } shopMoney { amount currencyCode } }
        parentTransaction { id }
      }
    }
  }
}
"""
    % TRANSACTIONS_FIRST
).strip()


def rest_transaction(node, order_id):
    """A GraphQL ``OrderTransaction`` in the shape of ``/orders/{id}/transactions.json`` (amounts presented),
    with its shop money in an ``amount_set`` bag as Shopify's REST objects carry theirs.

    Global ids that are not ``OrderTransaction`` ids are left out (the transaction then fails when parsed).
    """
    bag = node.get("amountSet") or {}
    money = bag.get("presentmentMoney") or {}
    shop = bag.get("shopMoney") or {}
    parent = node.get("parentTransaction") or {}
    parent_id = gid_number(parent.get("id"), "OrderTransaction")
    return {
        "id": int(gid_number(node.get("id"), "OrderTransaction") or 0) or None,
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
        "parent_id": int(parent_id) if parent_id else None,
        "amount_set": {
            "presentment_money": {"amount": money.get("amount"), "currency_code": money.get("currencyCode")},
            "shop_money": {"amount": shop.get("amount"), "currency_code": shop.get("currencyCode")},
        },
    }


class TransactionReader:
    """Adds their ``transactions`` to order payloads (Shopify does not embed them in orders).

    :param client: the :class:`~.client.ShopifyClient`
    :param bool graphql: read them through GraphQL first (False: REST only);
        set to False for good when the shop refuses the GraphQL query
    """

    def __init__(self, client, graphql=True):
        self.client = client
        self.graphql = graphql

    def with_transactions(self, orders):
        """``orders`` (payloads of one page), each with its transactions."""
        read = self._read_graphql(orders)
        return [self._with_transactions(order, read) for order in orders]

    def _read_graphql(self, orders):
        """``{order id: [transactions]}`` read through GraphQL, a query per :data:`ORDERS_PER_QUERY` orders.

        Orders left out (too many transactions for one query, unknown to
        GraphQL, or GraphQL refused) are read through REST one by one.
        """
        if not self.graphql:
            return {}
        ids = [
            numeric_id(order.get("id"))
            for order in orders
            if isinstance(order, dict) and numeric_id(order.get("id")) and "transactions" not in order
        ]
        found = {}
        for chunk in chunks(ids, ORDERS_PER_QUERY):
            try:
                data = self.client.graphql(ORDER_TRANSACTIONS, {"ids": [gid("Order", i) for i in chunk]})
            except (AuthenticationError, TransientError):
                raise
            except ApiError as exc:
                _logger.warning("Shopify GraphQL transactions refused (%s); reading them through REST", exc)
                self.graphql = False
                return found
            for node in data.get("nodes") or []:
                order_id = gid_number(node.get("id"), "Order") if isinstance(node, dict) else ""
                transactions = node.get("transactions") if order_id in chunk else None
                if not isinstance(transactions, list) or len(transactions) >= TRANSACTIONS_FIRST:
                    continue
                found[order_id] = [
                    rest_transaction(item, int(order_id)) for item in transactions if isinstance(item, dict)
                ]
        return found

    def _with_transactions(self, order, read):
        """The order with its transactions: from ``read``, else through REST.

        A refusal of this one order's transactions is kept in the payload
        (``transactions_error``): the order fails alone when parsed.
        """
        if not isinstance(order, dict) or "transactions" in order or not order.get("id"):
            return order
        order_id = numeric_id(order["id"])
        if order_id in read:
            return {**order, "transactions": read[order_id]}
        if not order_id:
            return {**order, "transactions_error": f"{describe(order['id'])} is not a Shopify order id"}
        try:
            body = self.client.get_json(f"orders/{order_id}/transactions.json")
        except (AuthenticationError, TransientError):
            raise
        except ApiError as exc:
            return {**order, "transactions_error": str(exc)}
        transactions = body.get("transactions") if isinstance(body, dict) else None
        if not isinstance(transactions, list):
            return {**order, "transactions_error": f"orders/{order_id}/transactions.json answered no transactions list"}
        return {**order, "transactions": transactions}


def parse_transaction(data, default_currency=""):
    """One order transaction (``/orders/{id}/transactions.json`` or embedded in a refund).

    ``amount`` is in the transaction's ``currency``: the presentment currency
    of the order, which is the canonical order currency. Its shop money
    (``amount_set.shop_money``: what Shopify converted the transaction to in
    the shop's currency, which its payouts settle) is kept when the payload has
    it: the GraphQL transactions do, REST's transactions do not.

    :raise RecordError: when the transaction has no id or no readable amount
    """
    if not isinstance(data, dict):
        raise RecordError("a transaction must be an object")
    transaction_id = required_id(data.get("id"), "transaction id")
    kind = text(data.get("kind")).lower()
    shop_amount, shop_currency = shop_money(data, transaction_id)
    return Transaction(
        external_id=transaction_id,
        kind=KIND_ALIASES.get(kind, kind),
        status=text(data.get("status")).lower() or "pending",
        amount=to_decimal(data.get("amount"), f"transaction {transaction_id} amount"),
        currency=text(data.get("currency")) or default_currency,
        gateway=text(data.get("gateway")),
        processed_at=to_datetime(data.get("processed_at") or data.get("created_at"), "transaction processed_at"),
        parent_id=optional_id(data.get("parent_id"), f"transaction {transaction_id} parent_id"),
        reference=text(data.get("authorization")) or text(data.get("payment_id")),
        message=text(data.get("message")),
        shop_amount=shop_amount,
        shop_currency=shop_currency,
    )


def shop_money(data, transaction_id):
    """``(amount, currency)`` of a transaction's ``amount_set.shop_money``; ``(None, "")`` when it has none."""
    bag = data.get("amount_set")
    money = bag.get(SHOP) if isinstance(bag, dict) else None
    if not isinstance(money, dict) or money.get("amount") in (None, ""):
        return None, ""
    currency = text(money.get("currency_code") or money.get("currency"))
    if not currency:
        return None, ""
    return to_decimal(money["amount"], f"transaction {transaction_id} amount_set.shop_money"), currency


def share_shop_money(order):
    """Give the transactions of an order's refunds the shop money the order's own list has for them.

    Shopify embeds a refund's transactions in the refund in REST's shape, without shop money; the
    order's transactions (read through GraphQL) list the same ones with it.

    :param order: canonical Order (changed in place)
    """
    known = {transaction.external_id: transaction for transaction in order.transactions}
    for refund in order.refunds:
        for transaction in refund.transactions:
            same = known.get(transaction.external_id)
            if (
                transaction.shop_amount is None
                and same is not None
                and same.shop_amount is not None
                and (same.amount, same.currency) == (transaction.amount, transaction.currency)
            ):
                transaction.shop_amount, transaction.shop_currency = same.shop_amount, same.shop_currency
