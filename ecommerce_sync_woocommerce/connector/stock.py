"""WooCommerce stock: the levels product payloads show, and levels set through the batch endpoints.

Levels: ``stock_quantity`` of stock-managed simple products and variations
(variations whose stock the parent manages show the parent's quantity).

Pushes: ``stock_quantity`` (with ``manage_stock`` on) through
``products/batch`` for simple products and
``products/<parent id>/variations/batch`` for variations (the parent id is
the store variant's product id), at most 100 items per call; WooCommerce
answers item by item, and a refused item lands in ``PushResult.failed`` with
its message.
"""

import logging

from odoo.addons.ecommerce_sync.connector import (
    AuthenticationError,
    ConnectorError,
    PushResult,
    RecordError,
    StockLevel,
    TransientError,
    describe,
    numeric_id,
    object_list,
    required_id,
    to_decimal,
)

from .catalog import NOT_SOLD_TYPES, VARIATIONS_KEY, with_variations

_logger = logging.getLogger(__name__)
#: characters of a refused id shown in its message
SHOWN = 40


def stock_levels(payload):
    """The stock levels a product payload shows (variations included), for stock-managed items.

    :rtype: list[StockLevel]
    """
    kind = payload.get("type") or "simple"
    if payload.get("status") == "trash" or kind in NOT_SOLD_TYPES:
        return []
    items = []
    if kind == "variable":
        for variation in object_list(payload, VARIATIONS_KEY, f"variable product {describe(payload.get('id'))}"):
            if variation.get("manage_stock") == "parent":
                quantity = payload.get("stock_quantity") if payload.get("manage_stock") is True else None
            else:
                quantity = variation.get("stock_quantity") if variation.get("manage_stock") is True else None
            items.append((variation, quantity))
    else:
        items.append((payload, payload.get("stock_quantity") if payload.get("manage_stock") is True else None))
    return [
        StockLevel(
            variant_external_id=required_id(item.get("id"), "product id"),
            available=to_decimal(quantity, "stock_quantity"),
            sku=str(item.get("sku") or "").strip(),
        )
        for item, quantity in items
        if quantity is not None
    ]


def fetch_levels(client, variant_external_ids=None):
    """Yield the :class:`StockLevel` of the variants given (every one when None), reading every product."""
    wanted = {str(item) for item in variant_external_ids} if variant_external_ids is not None else None
    page = 1
    while True:
        result = client.get_page("products", {"orderby": "id", "order": "asc"}, page=page)
        for payload in result.items:
            if not isinstance(payload, dict):
                continue
            try:
                levels = stock_levels(with_variations(client, payload))
            except RecordError as exc:
                # one unreadable product does not hide the levels of the others
                _logger.warning("WooCommerce product left out of the stock levels: %s", exc)
                continue
            for level in levels:
                if wanted is None or level.variant_external_id in wanted:
                    yield level
        if page >= result.total_pages or not result.items:
            return
        page += 1


def push(client, updates):
    """Set ``stock_quantity`` of each update through the batch endpoints.

    :rtype: PushResult
    """
    result = PushResult()
    groups = {}
    for update in updates:
        variant_id = numeric_id(update.variant_external_id)
        product_id = numeric_id(update.product_external_id or update.variant_external_id)
        if not variant_id or not product_id:
            result.failed.append((update, f"not a WooCommerce product id: {str(update.variant_external_id)[:SHOWN]!r}"))
            continue
        path = "products/batch" if product_id == variant_id else f"products/{product_id}/variations/batch"
        groups.setdefault(path, []).append(update)
    for path, group in groups.items():
        bodies = [
            {
                "id": int(numeric_id(update.variant_external_id)),
                "manage_stock": True,
                "stock_quantity": int(update.quantity),
            }
            for update in group
        ]
        try:
            answers = client.batch_update(path, bodies)
        except (AuthenticationError, TransientError):
            raise
        except ConnectorError as exc:
            result.failed.extend((update, str(exc)) for update in group)
            continue
        read_batch_answers(group, answers, result)
    return result


def read_batch_answers(group, answers, result):
    """Sort the updates of one batch call into ``result``: accepted, or failed with WooCommerce's message."""
    by_id = {}
    for answer in answers:
        if isinstance(answer, dict):
            by_id.setdefault(str(answer.get("id")), answer)
    for position, update in enumerate(group):
        answer = answers[position] if position < len(answers) and isinstance(answers[position], dict) else None
        if answer is None or str(answer.get("id")) != str(update.variant_external_id):
            answer = by_id.get(str(update.variant_external_id))
        if answer is None:
            result.failed.append((update, "WooCommerce did not answer for this item"))
        elif answer.get("error"):
            error = answer["error"]
            message = error.get("message") if isinstance(error, dict) else str(error)
            code = error.get("code") if isinstance(error, dict) else ""
            result.failed.append((update, f"{message} ({code})" if code else str(message)))
        elif answer.get("stock_quantity") is not None and int(answer["stock_quantity"]) != int(update.quantity):
            result.failed.append(
                (update, f"WooCommerce kept stock {answer['stock_quantity']} instead of {update.quantity}")
            )
        else:
            result.accepted.append(update)
