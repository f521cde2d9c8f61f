"""WooCommerce refunds (``orders/<id>/refunds``) -> canonical Refund.

Refund lines carry negative amounts without tax, in the order's tax mode;
shipping refunded is an adjustment of kind "shipping"; whatever the amount
refunded does not account for (a refund of an amount, without items) is an
adjustment of kind "adjustment". Each refund carries the transaction that
sent the money back (see :mod:`.transactions`).

Restocking: WooCommerce records restocked quantities on the order's line
(``_restock_refunded_items``), not on the refund; the quantities are given to
the line's refunds oldest first.
"""

from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import (
    ZERO,
    RecordError,
    Refund,
    RefundAdjustment,
    RefundLine,
    describe,
    object_list,
    required_id,
    to_decimal,
)

from .money import money, share
from .payloads import gmt, meta_value, require_v3, text
from .transactions import refund_transaction


def restocked_quantities(items):
    """``{order line id: quantity restocked}`` from the order lines' ``_restock_refunded_items``."""
    restocked = {}
    for item in items:
        value = meta_value(item, "_restock_refunded_items")
        if value not in (None, ""):
            restocked[str(item["id"])] = to_decimal(value, "_restock_refunded_items")
    return restocked


def oldest_first(refunds):
    """Refund payloads in the order they were made (ids checked first)."""

    def key(refund):
        created = refund.get("date_created_gmt") or refund.get("date_created") or ""
        return (str(created), int(required_id(refund.get("id"), "refund id")))

    return sorted(refunds, key=key)


def refunded_line_id(refund_id, item):
    """The order line a refund line gives back (``_refunded_item_id``).

    :raise RecordError: when it names none (wc/v1 refunds, before WooCommerce 3.0, do not say)
    """
    value = meta_value(item, "_refunded_item_id")
    if value in (None, ""):
        raise RecordError(
            f"refund {refund_id}: line {describe(item.get('id'))} does not name the order line it refunds "
            "(_refunded_item_id); refunds of the wc/v1 API cannot be read, the site must serve wc/v3"
        )
    return required_id(value, f"refund {refund_id} _refunded_item_id")


def refunded_quantity(refund_id, item):
    """The units a refund line gives back: WooCommerce writes them negative (or zero for an amount only)."""
    quantity = to_decimal(item.get("quantity"), "refund quantity")
    if quantity > 0:
        raise RecordError(f"refund {refund_id}: quantity {quantity} of a refund line must be negative or zero")
    return -quantity


def refunded_money(item, key, what):
    """An amount of a refund line, positive as the customer gets it back (WooCommerce writes it negative)."""
    value = money(item, key, what)
    if value > 0:
        raise RecordError(f"{what} {value}: the amounts of a refund line must be negative or zero")
    return -value


def parse_refund(refund, order_id, currency, incl, gateway, restock_left):
    """One ``orders/<id>/refunds`` object as a canonical :class:`Refund`.

    :param dict restock_left: quantities still to attribute per order line;
        consumed by this refund's lines
    :param str gateway: the order's payment method, the gateway of refunds made
        through it (``refunded_payment``); refunds made by hand get ``manual``
    """
    refund_id = required_id(refund.get("id"), "refund id")
    what = f"refund {refund_id}"
    require_v3(refund, what)
    lines = []
    adjustments = []
    for item in object_list(refund, "line_items", what):
        line_id = refunded_line_id(refund_id, item)
        quantity = refunded_quantity(refund_id, item)
        amount = refunded_money(item, "total", "refund line total")
        tax = refunded_money(item, "total_tax", "refund line total_tax")
        restocked = min(restock_left.get(line_id, ZERO), quantity)
        if restocked:
            restock_left[line_id] -= restocked
        if restocked and restocked < quantity:
            part_amount, part_tax = share(amount, restocked, quantity), share(tax, restocked, quantity)
            lines.append(RefundLine(line_id, restocked, part_amount, part_tax, restock=True))
            lines.append(RefundLine(line_id, quantity - restocked, amount - part_amount, tax - part_tax))
        else:
            lines.append(RefundLine(line_id, quantity, amount, tax, restock=bool(restocked)))
    for item in object_list(refund, "fee_lines", what):
        lines.append(
            RefundLine(
                refunded_line_id(refund_id, item),
                Decimal(1),
                -money(item, "total", "refund fee total"),
                -money(item, "total_tax", "refund fee total_tax"),
            )
        )
    for item in object_list(refund, "shipping_lines", what):
        adjustments.append(
            RefundAdjustment(
                "shipping",
                refunded_money(item, "total", "refund shipping total"),
                refunded_money(item, "total_tax", "refund shipping total_tax"),
                reason=text(item.get("method_title")),
            )
        )
    refunded = money(refund, "amount", "refund amount")
    if refunded < 0:
        raise RecordError(f"{what}: amount {refunded} cannot be negative")
    reason = text(refund.get("reason"))
    created = gmt(refund, "date_created")
    sent_back = refund_transaction(refund, refund_id, order_id, refunded, currency, gateway, created)
    made = Refund(
        external_id=refund_id,
        order_external_id=str(order_id),
        currency=currency,
        created_at=created,
        note=reason,
        lines=lines,
        adjustments=adjustments,
        transactions=[sent_back] if refunded else [],
    )
    # what the items and shipping do not account for (a refund of an amount) is written as such
    made.settle_gap(refunded, reason or "Refund of an amount")
    return made
