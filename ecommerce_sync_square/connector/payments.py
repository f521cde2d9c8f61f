"""Square tenders, refunds and payments -> canonical transactions and fees.

* An order's ``tenders`` are the payments that settled it (card, cash,
  gift card, wallet...); their ``amount_money`` includes the tip.
* A refund (``Order.refunds``, or a ``PaymentRefund``) gives money back.
* A payment's ``processing_fee`` lists Square's fees: an ``INITIAL`` fee when
  the payment is processed, and later ``ADJUSTMENT`` entries (positive: more
  fee, negative: fee given back). Each becomes one :class:`Fee` with a stable
  external id (:func:`fee_id`), so that a fee read again, alone or within its
  payout, is booked once.
"""

from odoo.addons.ecommerce_sync.connector import Fee, RecordError, Transaction, to_datetime

from .ids import valid_id
from .money import money, money_currency

CARD_STATUSES = {
    "AUTHORIZED": ("authorization", "success"),
    "CAPTURED": ("sale", "success"),
    "VOIDED": ("void", "success"),
    "FAILED": ("sale", "failure"),
}
REFUND_STATUSES = {
    "APPROVED": "success",
    "COMPLETED": "success",
    "PENDING": "pending",
    "REJECTED": "failure",
    "FAILED": "failure",
}
PAYMENT_STATUSES = {
    "APPROVED": ("authorization", "success"),
    "PENDING": ("sale", "pending"),
    "COMPLETED": ("sale", "success"),
    "CANCELED": ("void", "success"),
    "FAILED": ("sale", "failure"),
}


def fee_id(payment_id, fee_type, effective_at):
    """The stable external id of one processing fee of a payment (or a refund).

    The INITIAL fee is unique per payment; each ADJUSTMENT is told apart by
    the moment it took effect.
    """
    fee_type = str(fee_type or "INITIAL").upper()
    if fee_type == "INITIAL":
        return f"{payment_id}/fee/INITIAL"
    stamp = to_datetime(effective_at, "fee effective_at")
    if stamp is None:
        raise RecordError(f"payment {payment_id}: a {fee_type} fee without effective_at")
    return f"{payment_id}/fee/{fee_type}/{stamp.strftime('%Y%m%dT%H%M%S.%fZ')}"


def parse_tender(tender, currency):
    """One tender of an order as a canonical Transaction."""
    if not isinstance(tender, dict):
        raise RecordError(f"tender is not an object: {tender!r:.80}")
    external_id = valid_id(tender.get("payment_id") or tender.get("id"), "tender id")
    kind, status = "sale", "success"
    card = tender.get("card_details") or {}
    if card.get("status"):
        kind, status = CARD_STATUSES.get(card["status"], ("sale", "pending"))
    return Transaction(
        external_id=external_id,
        kind=kind,
        status=status,
        amount=money(tender.get("amount_money"), f"tender {external_id}", currency, required=True),
        currency=currency,
        gateway=str(tender.get("type") or "").lower(),
        processed_at=to_datetime(tender.get("created_at"), "tender created_at"),
        reference=str(tender.get("id") or ""),
    )


def parse_order_refund(refund, currency):
    """One entry of ``Order.refunds`` (or a PaymentRefund) as a refund Transaction."""
    if not isinstance(refund, dict):
        raise RecordError(f"refund is not an object: {refund!r:.80}")
    external_id = valid_id(refund.get("id"), "refund id")
    return Transaction(
        external_id=external_id,
        kind="refund",
        status=REFUND_STATUSES.get(str(refund.get("status") or "COMPLETED"), "pending"),
        amount=money(refund.get("amount_money"), f"refund {external_id}", currency, required=True),
        currency=currency,
        gateway=str(refund.get("destination_type") or "").lower(),
        processed_at=to_datetime(refund.get("created_at"), "refund created_at"),
        parent_id=str(refund.get("payment_id") or refund.get("tender_id") or ""),
        message=str(refund.get("reason") or "")[:200],
    )


def parse_fees(obj, kind="payment"):
    """The processing fees of a Payment or a PaymentRefund as canonical :class:`Fee` records.

    Fees of a refund are usually negative (Square gives part of its fee back).
    """
    if not isinstance(obj, dict):
        raise RecordError(f"{kind} is not an object: {obj!r:.80}")
    object_id = valid_id(obj.get("id"), f"{kind} id")
    fees = []
    for entry in obj.get("processing_fee") or []:
        if not isinstance(entry, dict):
            raise RecordError(f"{kind} {object_id}: a processing fee is not an object")
        amount_money = entry.get("amount_money")
        currency = money_currency(amount_money)
        fees.append(
            Fee(
                external_id=fee_id(object_id, entry.get("type"), entry.get("effective_at")),
                amount=money(amount_money, f"{kind} {object_id} fee", required=True),
                currency=currency,
                kind="gateway",
                date=to_datetime(entry.get("effective_at"), "fee effective_at")
                or to_datetime(obj.get("created_at"), f"{kind} created_at"),
                order_external_id=str(obj.get("order_id") or ""),
                transaction_external_id=object_id,
                description=f"Square {kind} fee ({str(entry.get('type') or 'INITIAL').lower()})",
            )
        )
    return fees


def parse_payment_transaction(payment):
    """A Payment (``GET /v2/payments``) as a canonical Transaction."""
    payment_id = valid_id(payment.get("id"), "payment id")
    total = payment.get("total_money") or payment.get("amount_money")
    currency = money_currency(total)
    kind, status = PAYMENT_STATUSES.get(str(payment.get("status") or ""), ("sale", "pending"))
    return Transaction(
        external_id=payment_id,
        kind=kind,
        status=status,
        amount=money(total, f"payment {payment_id}", required=True),
        currency=currency,
        gateway=str(payment.get("source_type") or "").lower(),
        processed_at=to_datetime(payment.get("created_at"), "payment created_at"),
        reference=str(payment.get("order_id") or ""),
    )
