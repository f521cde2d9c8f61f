"""PayPal refunds of direct sales -> canonical Refund.

A refund (T1107, and the other refund codes of :mod:`.codes`) is an amount
given back on a payment (its ``paypal_reference_id``); it names no items. Its
order is the payment's (the order's id is the payment's transaction id).
When the payment charged tax, the refund gives back the same share of tax as
of the total (``tax = refund x payment tax / payment total``, to the cent),
on the same share of what the tax was charged on (its taxed items, not its
untaxed shipping), the rest untaxed: the credit note reverses the tax the
invoice collected, on the part it was collected on; without the payment (not
found) it is an amount without tax. The fee PayPal gave back
is the refund transaction's ``fee_amount``: a matter of the balance
movement, not of the credit note.

Refunds of another store's orders give nothing here (that store imports
them); their money comes with the payouts flow.

The connector hands over ``{"refund": detail, "payment": detail or None}``.
"""

from decimal import ROUND_HALF_UP, Decimal

from odoo.addons.ecommerce_sync.connector import RecordError, Refund, RefundAdjustment, Transaction, money_sum

from . import codes, money
from .money import text
from .payments import GATEWAY, info, payment_match

CENT = Decimal("0.01")
STATUSES = {"S": "success", "P": "pending", "V": "success", "D": "failure", "F": "failure"}


def _item_tax(item, currency):
    return money_sum(
        money.amount(entry.get("tax_amount"), currency, "item tax_amount")
        for entry in item.get("tax_amounts") or []
        if isinstance(entry, dict)
    )


def payment_tax(payment, currency):
    """``(tax, total, taxed)`` the payment charged: its tax, its total, and the part of it the tax was
    charged on (its taxed items, and its shipping when that was taxed), from its cart or its amounts."""
    data = info(payment)
    total = money.amount(data.get("transaction_amount"), currency, "payment amount")
    shipping = money.amount(data.get("shipping_amount"), currency, "payment shipping_amount")
    shipping_tax = money.amount(data.get("shipping_tax_amount"), currency, "shipping_tax_amount")
    cart = payment.get("cart_info") if isinstance(payment.get("cart_info"), dict) else {}
    items = [item for item in cart.get("item_details") or [] if isinstance(item, dict)]
    tax = money.amount(data.get("sales_tax_amount"), currency, "payment sales_tax_amount")
    if not tax:
        tax = money_sum(_item_tax(item, currency) for item in items) + shipping_tax
    if items:
        taxed = money_sum(
            money.amount(item.get("item_amount"), currency, "item_amount")
            for item in items
            if _item_tax(item, currency)
        ) + (shipping if shipping_tax else 0)
    else:
        taxed = total - tax - (0 if shipping_tax else shipping)
    return tax, total, taxed


def parse_refund_bundle(payload, prefixes):
    """``[Refund]`` of a direct sale's refund, ``[]`` for another store's.

    :raise RecordError: when the refund is malformed
    """
    detail = payload.get("refund") if isinstance(payload, dict) else None
    data = info(detail)
    refund_id = text(data.get("transaction_id"))
    code = text(data.get("transaction_event_code"))
    if not refund_id or codes.category(code, Decimal(-1)) != "refund":
        raise RecordError(f"not a PayPal refund: {str(payload)[:120]!r}")
    payment = payload.get("payment") if isinstance(payload.get("payment"), dict) else None
    if payment_match(detail, prefixes).names_an_order or (payment and payment_match(payment, prefixes).names_an_order):
        return []
    gross, currency = money.money(data.get("transaction_amount"), f"refund {refund_id} amount")
    amount = abs(gross)
    status = STATUSES.get(text(data.get("transaction_status")), "error")
    tax = taxed = Decimal(0)
    if payment is not None and status != "failure":
        payment_tax_amount, payment_total, payment_taxed = payment_tax(payment, currency)
        if payment_tax_amount and payment_total:
            tax = (amount * payment_tax_amount / payment_total).quantize(CENT, rounding=ROUND_HALF_UP)
            taxed = min((amount * payment_taxed / payment_total).quantize(CENT, rounding=ROUND_HALF_UP), amount - tax)
    created = money.stamp(data.get("transaction_initiation_date"), f"refund {refund_id} date")
    reason = text(data.get("transaction_note") or data.get("transaction_subject"))
    adjustments = []
    if status in ("success", "pending"):
        # the taxed share of the payment with its tax, then what was not taxed (shipping): the credit note
        # reverses the tax the invoice collected, on the part it was collected on
        label = reason or "PayPal refund"
        if tax:
            adjustments.append(RefundAdjustment("adjustment", taxed, tax, reason=label))
        if amount - taxed - tax or not tax:
            adjustments.append(RefundAdjustment("adjustment", amount - taxed - tax, Decimal(0), reason=label))
    parent = text(data.get("paypal_reference_id"))
    return [
        Refund(
            external_id=refund_id,
            order_external_id=parent or refund_id,
            currency=currency,
            created_at=created,
            note=reason,
            adjustments=adjustments,
            transactions=[
                Transaction(
                    external_id=refund_id,
                    kind="refund",
                    status=status,
                    amount=amount,
                    currency=currency,
                    gateway=GATEWAY,
                    processed_at=created,
                    parent_id=parent,
                )
            ],
        )
    ]
