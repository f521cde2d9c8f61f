"""Shopify refunds -> canonical Refund.

A Shopify refund holds:

* ``refund_line_items``: units given back, with ``subtotal_set`` (after the
  line's discount, in the order's tax mode: tax-inclusive for tax-included
  orders), ``total_tax_set`` and ``restock_type`` ("return", "cancel",
  "legacy_restock" put stock back; "no_restock" does not);
* ``refund_shipping_lines`` (API 2024-10 and later): shipping given back;
* ``order_adjustments``: "shipping_refund" (shipping given back, the pre-2024-10
  form, still sent next to ``refund_shipping_lines``) and "refund_discrepancy"
  (the amount refunded differs from the items' value). Their ``amount`` is
  negative when money goes back to the customer and excludes ``tax_amount``;
* ``transactions``: the money actually sent back.

Canonical amounts exclude tax (``RefundLine.amount`` + ``tax_amount`` is
what the customer gets back for the line), so the subtotal of a
tax-included order is split into its untaxed part and its tax.

When money went back (successful refund transactions) and it differs from
what the items and adjustments add up to, the difference is written as one
more adjustment (:meth:`~odoo.addons.ecommerce_sync.connector.Refund.settle_gap`),
as Shopify itself does with a "refund_discrepancy" adjustment: the credit
note then holds what was refunded. A refund line with a negative quantity
or amount, or giving back more units than its line sold, is refused.
"""

from odoo.addons.ecommerce_sync.connector import (
    CENT,
    ZERO,
    RecordError,
    Refund,
    RefundAdjustment,
    RefundLine,
    money_sum,
    object_list,
    optional_id,
    require_object,
    required_id,
    to_datetime,
    to_decimal,
)

from .money import PRESENTMENT, MoneyReader
from .payloads import text
from .transactions import parse_transaction

RESTOCK_TYPES = frozenset(("return", "cancel", "legacy_restock"))


def infer_taxes_included(data, reader=None):
    """Tell from a refund's own line items whether their order is tax-included.

    A refund payload alone (the ``refunds/create`` webhook) does not say. Each
    refund line (and refunded shipping line) embeds its order line, with its
    price, discount and tax lines: a tax-excluded line's tax is its discounted
    price times the rate, a tax-included line's tax is that amount divided by
    (1 + rate). A line votes for a mode only when its tax is that mode's
    prediction to the cent (one cent of rounding per tax line) and not the
    other's; lines without tax, too small to tell, or matching neither do not
    vote.

    :return: True, False, or None when no line can tell
    """
    reader = reader or MoneyReader(PRESENTMENT)
    votes = {True: 0, False: 0}
    parts = [(item.get("line_item") or {}, "quantity") for item in data.get("refund_line_items") or []]
    parts += [(item.get("shipping_line") or {}, None) for item in data.get("refund_shipping_lines") or []]
    for part, quantity_key in parts:
        tax_lines = part.get("tax_lines") or []
        rate = money_sum(to_decimal(tax.get("rate"), "tax rate") for tax in tax_lines)
        if not tax_lines or rate <= 0:
            continue
        tax = money_sum(reader.amount(tax, "price") for tax in tax_lines)
        discount = money_sum(reader.amount(alloc, "amount") for alloc in part.get("discount_allocations") or [])
        quantity = to_decimal(part.get(quantity_key), "quantity") if quantity_key else 1
        base = reader.amount(part, "price") * quantity - discount
        tolerance = CENT * len(tax_lines)
        fits_excluded = abs(tax - base * rate) <= tolerance
        fits_included = abs(tax - base * rate / (1 + rate)) <= tolerance
        if fits_excluded != fits_included:
            votes[fits_included] += 1
    if votes[True] == votes[False]:
        return None
    return votes[True] > votes[False]


def refund_currency(data, reader, default=""):
    """The presentment currency of a refund, from its money bags or transactions."""
    for item in data.get("refund_line_items") or []:
        code = reader.currency(item, "subtotal")
        if code:
            return code
    for item in data.get("refund_shipping_lines") or []:
        code = reader.currency(item, "subtotal_amount")
        if code:
            return code
    for transaction in data.get("transactions") or []:
        if transaction.get("currency"):
            return transaction["currency"]
    return default


def parse_refund(data, taxes_included=None, order_currency="", default_taxes_included=False, plain_fallback=True):
    """A Shopify refund as a canonical :class:`Refund`.

    :param dict data: the refund (bare, or wrapped as ``{"refund": ...}``)
    :param taxes_included: the order's tax mode when known (embedded refunds);
        otherwise ``data["taxes_included"]``, then :func:`infer_taxes_included`,
        then ``default_taxes_included`` (the shop's setting)
    :param str order_currency: used when the refund itself names no currency
    :raise RecordError: when the refund cannot be read
    """
    if isinstance(data, dict) and isinstance(data.get("refund"), dict):
        data = data["refund"]
    require_object(data, "a Shopify refund")
    refund_id = required_id(data.get("id"), "refund id")
    order_id = required_id(data.get("order_id"), f"refund {refund_id} order_id")
    what = f"refund {refund_id}"
    reader = MoneyReader(PRESENTMENT, plain_fallback=plain_fallback)
    if taxes_included is None:
        taxes_included = data.get("taxes_included")
    if taxes_included is None:
        taxes_included = infer_taxes_included(data, reader)
    if taxes_included is None:
        taxes_included = default_taxes_included
    currency = refund_currency(data, reader, order_currency)
    if not currency:
        raise RecordError(f"{what}: no currency in the refund and none given")
    items = object_list(data, "refund_line_items", what)
    lines = [_refund_line(refund_id, item, reader, taxes_included) for item in items]
    _check_quantities(refund_id, items, lines)
    refund = Refund(
        external_id=refund_id,
        order_external_id=order_id,
        currency=currency,
        created_at=to_datetime(data.get("processed_at") or data.get("created_at"), "refund processed_at"),
        note=text(data.get("note")),
        lines=lines,
        adjustments=_adjustments(data, reader, taxes_included, what),
        transactions=[parse_transaction(item, currency) for item in object_list(data, "transactions", what)],
    )
    if any(transaction.is_refund for transaction in refund.transactions):
        refund.settle_gap(refund.refunded_amount)
    return refund


def _refund_line(refund_id, item, reader, taxes_included):
    if item.get("line_item_id") in (None, ""):
        raise RecordError(f"refund {refund_id}: a refund line has no line_item_id")
    line_id = required_id(item.get("line_item_id"), f"refund {refund_id} line_item_id")
    if "subtotal" not in item and "subtotal_set" not in item:
        raise RecordError(
            f"refund {refund_id}: line {line_id} has no subtotal (refund lines have one since Shopify's API of "
            "2016; an older payload cannot be read)"
        )
    quantity = to_decimal(item.get("quantity"), "refund line quantity")
    if quantity < 0:
        raise RecordError(f"refund {refund_id}: quantity {quantity} of line {line_id} cannot be negative")
    subtotal = reader.amount(item, "subtotal", required=True)
    tax = reader.amount(item, "total_tax")
    if subtotal < 0 or tax < 0:
        raise RecordError(f"refund {refund_id}: line {line_id} cannot refund a negative amount ({subtotal}, {tax})")
    restock_type = text(item.get("restock_type")).lower()
    return RefundLine(
        line_external_id=line_id,
        quantity=quantity,
        amount=subtotal - tax if taxes_included else subtotal,
        tax_amount=tax,
        restock=restock_type in RESTOCK_TYPES,
        location_external_id=optional_id(item.get("location_id"), f"refund {refund_id} location_id"),
        # "return": shipped units come back; "cancel": units removed before shipping; "legacy_restock" says neither
        restock_type=restock_type if restock_type in ("return", "cancel") else "",
    )


def _check_quantities(refund_id, items, lines):
    """A refund read alone: its lines give back no more units than their order lines (embedded) sold."""
    refunded = {}
    for item, line in zip(items, lines, strict=True):
        refunded[line.line_external_id] = refunded.get(line.line_external_id, ZERO) + line.quantity
        sold = (item.get("line_item") or {}).get("quantity") if isinstance(item.get("line_item"), dict) else None
        if sold is not None and refunded[line.line_external_id] > to_decimal(sold, "line item quantity"):
            raise RecordError(
                f"refund {refund_id}: gives back {refunded[line.line_external_id]:f} units of line "
                f"{line.line_external_id}, which sold {sold}"
            )


def _adjustments(data, reader, taxes_included, what):
    adjustments = []
    shipping_lines = object_list(data, "refund_shipping_lines", what)
    for item in shipping_lines:
        subtotal = reader.amount(item, "subtotal_amount", required=True)
        tax = reader.amount(item, "tax_amount")
        line = item.get("shipping_line") or {}
        adjustments.append(
            RefundAdjustment(
                kind="shipping",
                amount=subtotal - tax if taxes_included else subtotal,
                tax_amount=tax,
                reason=text(line.get("title")) or "Shipping refund",
            )
        )
    for item in object_list(data, "order_adjustments", what):
        kind = text(item.get("kind")).lower()
        if kind == "shipping_refund" and shipping_lines:
            continue  # the same shipping refund, already read from refund_shipping_lines
        amount = reader.amount(item, "amount", required=True)
        tax = reader.amount(item, "tax_amount")
        adjustments.append(
            RefundAdjustment(
                kind="shipping" if kind == "shipping_refund" else "adjustment",
                amount=ZERO - amount,
                tax_amount=ZERO - tax,
                reason=text(item.get("reason")) or kind,
            )
        )
    return adjustments
