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
    Refund,
    RefundAdjustment,
    RefundLine,
    money_sum,
    to_decimal,
)

from .money import money, share
from .payloads import gmt, meta_value, text
from .transactions import refund_transaction


def restocked_quantities(payload):
    """``{order line id: quantity restocked}`` from ``_restock_refunded_items``."""
    restocked = {}
    for item in payload.get("line_items") or []:
        value = meta_value(item, "_restock_refunded_items")
        if value not in (None, ""):
            restocked[str(item["id"])] = to_decimal(value, "_restock_refunded_items")
    return restocked


def oldest_first(refunds):
    """Refund payloads in the order they were made."""

    def key(refund):
        created = refund.get("date_created_gmt") or refund.get("date_created") or ""
        return (str(created), int(refund.get("id") or 0))

    return sorted(refunds, key=key)


def parse_refund(refund, order_id, currency, incl, gateway, restock_left):
    """One ``orders/<id>/refunds`` object as a canonical :class:`Refund`.

    :param dict restock_left: quantities still to attribute per order line;
        consumed by this refund's lines
    :param str gateway: the order's payment method, the gateway of refunds made
        through it (``refunded_payment``); refunds made by hand get ``manual``
    """
    refund_id = str(refund["id"])
    lines = []
    adjustments = []
    for item in refund.get("line_items") or []:
        line_id = str(meta_value(item, "_refunded_item_id", "") or "")
        quantity = abs(to_decimal(item.get("quantity"), "refund quantity"))
        amount = -money(item, "total", "refund line total")
        tax = -money(item, "total_tax", "refund line total_tax")
        restocked = min(restock_left.get(line_id, ZERO), quantity)
        if restocked:
            restock_left[line_id] -= restocked
        if restocked and restocked < quantity:
            part_amount, part_tax = share(amount, restocked, quantity), share(tax, restocked, quantity)
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
                -money(item, "total", "refund fee total"),
                -money(item, "total_tax", "refund fee total_tax"),
            )
        )
    for item in refund.get("shipping_lines") or []:
        adjustments.append(
            RefundAdjustment(
                "shipping",
                -money(item, "total", "refund shipping total"),
                -money(item, "total_tax", "refund shipping total_tax"),
                reason=text(item.get("method_title")),
            )
        )
    refunded = abs(money(refund, "amount", "refund amount"))
    accounted = money_sum(line.amount + line.tax_amount for line in lines) + money_sum(
        adj.amount + adj.tax_amount for adj in adjustments
    )
    reason = text(refund.get("reason"))
    if refunded != accounted:
        adjustments.append(RefundAdjustment("adjustment", refunded - accounted, reason=reason or "Refund of an amount"))
    created = gmt(refund, "date_created")
    transactions = [refund_transaction(refund, order_id, refunded, currency, gateway, created)] if refunded else []
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
