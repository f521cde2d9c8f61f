"""Refunds, returns, order-edit removals and cancellations of a generated order.

Money never exceeds what was paid: refund transactions are drawn from the
order's successful payments (card and PayPal first, the gift card last), each
for at most what is left on it; what cannot be paid back becomes a refund
discrepancy, as in Shopify.
"""

from decimal import Decimal

from .drafts import RefundDraft, is_payment, is_refund
from .money import ZERO
from .payments import GIFT_CARD, transaction


def refund(ids, draft, moment, lines=(), shipping=False, shortfall=ZERO, note="", location_id=None, money=True):
    """Give back ``lines`` (``[(line, units, restock type)]``), maybe the shipping, maybe money.

    :param Decimal shortfall: refund that much less than the items are worth
        (a refund discrepancy, e.g. a restocking fee)
    :param bool money: False for removals from unpaid orders (nothing to pay back)
    """
    draft_refund = RefundDraft(id=ids.next("refund"), created=moment, note=note)
    for line, units, restock in lines:
        units, subtotal, taxes = line.share(units)
        if units <= 0:
            continue
        line.refunded += units
        if restock == "cancel":
            line.removed += units
        line.refunded_subtotal += subtotal
        previous = line.refunded_taxes or [ZERO] * len(taxes)
        line.refunded_taxes = [old + new for old, new in zip(previous, taxes, strict=True)]
        location = location_id if restock in ("return", "cancel") else None
        draft_refund.lines.append((line, units, restock, subtotal, taxes, location))
    if shipping:
        for item in draft.shipping:
            if not item.refunded and item.subtotal > 0:
                taxes = [amount for _title, _rate, amount in item.taxes]
                draft_refund.shipping.append((item, item.subtotal, taxes))
                item.refunded = True
                tax = sum(taxes, ZERO)
                untaxed = item.subtotal - tax if draft.taxes_included else item.subtotal
                draft_refund.adjustments.append(("shipping_refund", ZERO - untaxed, ZERO - tax, "Shipping refund"))
    if not draft_refund.lines and not draft_refund.shipping:
        return None
    owed = draft_refund.calculated(draft.taxes_included) - shortfall if money else ZERO
    paid_back = _pay_back(ids, draft, draft_refund, owed, moment)
    discrepancy = draft_refund.calculated(draft.taxes_included) - paid_back if money else ZERO
    if discrepancy:
        draft_refund.adjustments.append(("refund_discrepancy", discrepancy, ZERO, "Refund discrepancy"))
    draft.refunds.append(draft_refund)
    draft.touch(moment)
    return draft_refund


def _pay_back(ids, draft, draft_refund, owed, moment):
    """Refund transactions for ``owed``, parented to payments with money left; return the amount sent."""
    if owed <= 0:
        return ZERO
    refunded_by_parent = {}
    for tx in draft.transactions:
        if is_refund(tx) and tx["parent_id"]:
            refunded_by_parent[tx["parent_id"]] = refunded_by_parent.get(tx["parent_id"], ZERO) + Decimal(tx["amount"])
    payments = sorted((tx for tx in draft.transactions if is_payment(tx)), key=lambda tx: tx["gateway"] == GIFT_CARD)
    remaining = owed
    for payment in payments:
        left = Decimal(payment["amount"]) - refunded_by_parent.get(payment["id"], ZERO)
        take = min(left, remaining)
        if take <= 0:
            continue
        made = transaction(ids, draft, "refund", payment["gateway"], take, moment, parent=payment,
                           receipt=dict(payment.get("receipt") or {}), message="Refund issued")  # fmt: skip
        draft_refund.transactions.append(made)
        remaining -= take
        if remaining <= 0:
            break
    return owed - remaining


def cancel(ids, draft, moment, reason="customer", money=True):
    """Cancel the order: every unit not yet given back is removed (restocked), shipping refunded."""
    lines = [(line, line.quantity - line.refunded, "cancel") for line in draft.lines if line.quantity > line.refunded]
    refund(ids, draft, moment, lines, shipping=True, note="Order canceled", money=money)
    draft.cancelled_at = moment
    draft.cancel_reason = reason
    draft.closed_at = moment
    draft.touch(moment)
