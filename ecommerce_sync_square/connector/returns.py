"""Square returns -> canonical Refund.

A return lives on a return order (or an exchange order): each entry of its
``returns`` names the ``source_order_id`` it gives back from, with
``return_line_items`` (each naming the ``source_line_item_uid``; a custom
refund's returned amount names none and is an adjustment),
``return_service_charges``, ``return_tips``, ``return_taxes`` and a
``rounding_adjustment``. The money sent back is in the return order's
``refunds``.

Canonical refund lines exclude tax (``amount`` + ``tax_amount`` is what goes
back for the line), so an INCLUSIVE tax is taken out of the returned amount.

Identity: a return whose order carries exactly one refund is that refund
(its id is the Refund's external id), so that the same refund read from the
sale order it belongs to is recognised; otherwise the return order id and the
return's uid.
"""

from odoo.addons.ecommerce_sync.connector import (
    ZERO,
    RecordError,
    Refund,
    RefundAdjustment,
    RefundLine,
    to_decimal,
)

from .ids import valid_id
from .money import line_gross, money
from .payments import parse_order_refund
from .taxes import TaxBook


def parse_return_line(item, book, currency, location_id):
    uid = str(item.get("uid") or "")
    what = f"returned line {uid[:40]}"
    source_uid = str(item.get("source_line_item_uid") or "")
    quantity = to_decimal(item.get("quantity"), f"{what} quantity")
    gross = line_gross(item, "gross_return_money", quantity, what, currency)
    tax_lines, inclusive = book.applied(item, what)
    tax = money(item.get("total_tax_money"), f"{what} tax", currency)
    if not item.get("total_tax_money"):
        tax = sum((line.amount for line in tax_lines), ZERO)
    discount = money(item.get("total_discount_money"), f"{what} discount", currency)
    restock = bool(item.get("catalog_object_id")) and item.get("item_type") != "GIFT_CARD"
    return RefundLine(
        line_external_id=source_uid or uid,
        quantity=quantity,
        amount=gross - discount - inclusive,
        tax_amount=tax,
        restock=restock,
        location_external_id=location_id if restock else "",
        restock_type="return" if restock else "",
    )


def custom_amount(item, book, currency):
    """A returned line that names no sold line (a custom refund's amount) as an adjustment."""
    line = parse_return_line(item, book, currency, "")
    return RefundAdjustment(
        kind="adjustment", amount=line.amount, tax_amount=line.tax_amount, reason=str(item.get("name") or "Refund")
    )


def parse_return_adjustments(entry, book, currency):
    adjustments = [
        custom_amount(item, book, currency)
        for item in entry.get("return_line_items") or []
        if not item.get("source_line_item_uid")
    ]
    for item in entry.get("return_service_charges") or []:
        what = f"returned service charge {str(item.get('uid') or '')[:40]}"
        amount = money(item.get("applied_money") or item.get("amount_money"), what, currency)
        tax_lines, inclusive = book.applied(item, what)
        adjustments.append(
            RefundAdjustment(
                kind="adjustment",
                amount=amount - inclusive,
                tax_amount=sum((line.amount for line in tax_lines), ZERO),
                reason=str(item.get("name") or "Service charge"),
            )
        )
    for item in entry.get("return_tips") or []:
        amount = money(item.get("applied_money"), "returned tip", currency)
        if amount:
            adjustments.append(RefundAdjustment(kind="tip", amount=amount, reason="Tip"))
    rounding = entry.get("rounding_adjustment") or {}
    if rounding and money(rounding.get("amount_money"), "rounding", currency):
        adjustments.append(
            RefundAdjustment(
                kind="adjustment",
                amount=money(rounding["amount_money"], "rounding", currency),
                reason=str(rounding.get("name") or "Rounding"),
            )
        )
    return adjustments


def parse_returns(data, order_id, currency, location_id, created_at):
    """The canonical Refunds of the ``returns`` an order carries ([] when none)."""
    returns = [entry for entry in data.get("returns") or [] if isinstance(entry, dict)]
    if not returns:
        return []
    transactions = [parse_order_refund(item, currency) for item in data.get("refunds") or []]
    refunds = []
    for index, entry in enumerate(returns):
        uid = str(entry.get("uid") or index)
        source = entry.get("source_order_id")
        if not source:
            raise RecordError(f"order {order_id}: return {uid[:40]} names no source order (unlinked return)")
        source = valid_id(source, f"order {order_id} return source")
        book = TaxBook(entry.get("return_taxes"), currency, uid_key="source_tax_uid")
        if len(returns) == 1 and len(transactions) == 1:
            external_id = transactions[0].external_id
        else:
            external_id = f"{order_id}/{uid}"
        refunds.append(
            Refund(
                external_id=external_id,
                order_external_id=source,
                currency=currency,
                created_at=created_at,
                note=f"Square return order {order_id}",
                lines=[
                    parse_return_line(item, book, currency, location_id)
                    for item in entry.get("return_line_items") or []
                    if item.get("source_line_item_uid")
                ],
                adjustments=parse_return_adjustments(entry, book, currency),
                # the money goes back once: with the first return of the order
                transactions=transactions if index == 0 else [],
            )
        )
    return refunds


def amount_only_refund(transaction, order_id, currency):
    """A refund of a sale order that carries no itemised return: one adjustment of its amount."""
    return Refund(
        external_id=transaction.external_id,
        order_external_id=order_id,
        currency=currency,
        created_at=transaction.processed_at,
        note=transaction.message,
        adjustments=[
            RefundAdjustment(kind="adjustment", amount=transaction.amount, reason=transaction.message or "Refund")
        ],
        transactions=[transaction],
    )
