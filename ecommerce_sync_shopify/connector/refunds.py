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
"""

from odoo.addons.ecommerce_sync.connector import (
    CENT,
    ZERO,
    RecordError,
    Refund,
    RefundAdjustment,
    RefundLine,
    money_sum,
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
    if not isinstance(data, dict) or not data.get("id"):
        raise RecordError(f"refund without id: {data!r:.200}")
    if not data.get("order_id"):
        raise RecordError(f"refund {data['id']} has no order_id")
    reader = MoneyReader(PRESENTMENT, plain_fallback=plain_fallback)
    if taxes_included is None:
        taxes_included = data.get("taxes_included")
    if taxes_included is None:
        taxes_included = infer_taxes_included(data, reader)
    if taxes_included is None:
        taxes_included = default_taxes_included
    currency = refund_currency(data, reader, order_currency)
    if not currency:
        raise RecordError(f"refund {data['id']}: no currency in the refund and none given")
    lines = [_refund_line(item, reader, taxes_included) for item in data.get("refund_line_items") or []]
    adjustments = _adjustments(data, reader, taxes_included)
    return Refund(
        external_id=str(data["id"]),
        order_external_id=str(data["order_id"]),
        currency=currency,
        created_at=to_datetime(data.get("processed_at") or data.get("created_at"), "refund processed_at"),
        note=text(data.get("note")),
        lines=lines,
        adjustments=adjustments,
        transactions=[parse_transaction(item, currency) for item in data.get("transactions") or []],
    )


def _refund_line(item, reader, taxes_included):
    if not item.get("line_item_id"):
        raise RecordError(f"refund line {item.get('id')} has no line_item_id")
    subtotal = reader.amount(item, "subtotal", required=True)
    tax = reader.amount(item, "total_tax")
    restock_type = text(item.get("restock_type")).lower()
    return RefundLine(
        line_external_id=str(item["line_item_id"]),
        quantity=to_decimal(item.get("quantity"), "refund line quantity"),
        amount=subtotal - tax if taxes_included else subtotal,
        tax_amount=tax,
        restock=restock_type in RESTOCK_TYPES,
        location_external_id=str(item["location_id"]) if item.get("location_id") else "",
        # "return": shipped units come back; "cancel": units removed before shipping; "legacy_restock" says neither
        restock_type=restock_type if restock_type in ("return", "cancel") else "",
    )


def _adjustments(data, reader, taxes_included):
    adjustments = []
    shipping_lines = data.get("refund_shipping_lines") or []
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
    for item in data.get("order_adjustments") or []:
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
