"""Stripe refunds of direct sales -> canonical Refund.

A Stripe refund is an amount given back on a charge; it names no items.
Its order is the charge's payment intent (the charge when there is none),
as for :mod:`.orders`. When the order is a Checkout Session that charged
tax, the refund gives back the same share of tax as of the total (``tax =
refund x session tax / session total``, to the cent), so the credit note
reverses the tax the invoice collected; otherwise it is an amount without
tax. Refunds of another store's orders (the charge names that order) are
that store's to import: they give no record here, their money comes with
the payouts.

The connector hands over ``{"refund": {... with "charge" expanded},
"checkout_session": {...} or None}``.
"""

from decimal import ROUND_HALF_UP, Decimal

from odoo.addons.ecommerce_sync.connector import RecordError, Refund, RefundAdjustment, Transaction

from . import money
from .payments import GATEWAY, charge_match, object_id, order_key, text

STATUSES = {"succeeded": "success", "pending": "pending", "requires_action": "pending", "failed": "failure"}


def _tax_share(amount, session, currency):
    if not isinstance(session, dict):
        return Decimal(0)
    total = money.amount(session.get("amount_total"), currency, "session amount_total")
    tax = money.amount((session.get("total_details") or {}).get("amount_tax"), currency, "session amount_tax")
    if not total or not tax:
        return Decimal(0)
    quantum = Decimal(1).scaleb(-money.exponent(currency))
    return (amount * tax / total).quantize(quantum, rounding=ROUND_HALF_UP)


def parse_refund_bundle(payload):
    """The records of one refund bundle: ``[Refund]``, or ``[]`` for another store's refund.

    :raise RecordError: when the refund is malformed or came without its charge
    """
    refund = payload.get("refund") if isinstance(payload, dict) else None
    if not isinstance(refund, dict) or refund.get("object") != "refund" or not refund.get("id"):
        raise RecordError(f"not a refund: {str(payload)[:120]!r}")
    refund_id = str(refund["id"])
    charge = refund.get("charge")
    if not isinstance(charge, dict):
        raise RecordError(f"refund {refund_id} came without its charge")
    if charge_match(charge).names_an_order:
        return []
    currency = money.currency_code(refund.get("currency"), f"refund {refund_id} currency")
    amount = money.amount(refund.get("amount"), currency, f"refund {refund_id} amount")
    status = STATUSES.get(text(refund.get("status")), "error")
    created = money.timestamp(refund.get("created"), f"refund {refund_id} created")
    reason = text(refund.get("reason")).replace("_", " ")
    tax = _tax_share(amount, payload.get("checkout_session"), currency) if status != "failure" else Decimal(0)
    adjustments = []
    if status in ("success", "pending"):
        adjustments.append(RefundAdjustment("adjustment", amount - tax, tax, reason=reason or "Stripe refund"))
    return [
        Refund(
            external_id=refund_id,
            order_external_id=order_key(refund),
            currency=currency,
            created_at=created,
            note=text(refund.get("description")) or reason,
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
                    parent_id=object_id(charge),
                    reference=object_id(refund.get("payment_intent")),
                    message=text(refund.get("failure_reason")).replace("_", " "),
                )
            ],
        )
    ]
