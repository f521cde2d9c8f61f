"""The transactions of a WooCommerce order, which has no transaction list: synthesised from the order.

A paid order (processing, completed, refunded, or cancelled after payment)
carries one captured "sale" of its total, from its payment method,
``transaction_id`` and ``date_paid``; a failed order one failed sale. Each
refund carries one "refund" transaction of its amount: a refund made
through the payment gateway (``refunded_payment``) has the order's payment
method as gateway; one the merchant paid back by hand ("Refund manually")
has :data:`MANUAL_GATEWAY`, which a gateway mapping can send to a bank or
cash journal instead of the clearing journal.
"""

from odoo.addons.ecommerce_sync.connector import Transaction

from .payloads import gmt, text

#: the gateway of refunds the merchant paid back by hand ("Refund manually"), mappable to a bank or cash journal
MANUAL_GATEWAY = "manual"


def order_transactions(payload, order_id, status, paid, total, currency, gateway, updated_at):
    """The payment of an order: one successful sale when it is paid, one failed sale when it failed."""
    reference = str(payload.get("transaction_id") or "").strip()
    title = text(payload.get("payment_method_title"))
    if paid:
        return [
            Transaction(
                external_id=reference or f"{order_id}-payment",
                kind="sale",
                status="success",
                amount=total,
                currency=currency,
                gateway=gateway,
                processed_at=gmt(payload, "date_paid") or updated_at,
                reference=reference,
                message=title,
            )
        ]
    if status == "failed":
        return [
            Transaction(
                external_id=f"{order_id}-failed",
                kind="sale",
                status="failure",
                amount=total,
                currency=currency,
                gateway=gateway,
                processed_at=updated_at,
                reference=reference,
                message=f"{title or gateway or 'Payment'}: payment failed",
            )
        ]
    return []


def refund_transaction(refund, refund_id, order_id, amount, currency, gateway, processed_at):
    """The money refund ``refund_id`` sent back: through the order's gateway, or by hand (:data:`MANUAL_GATEWAY`)."""
    through_gateway = bool(refund.get("refunded_payment"))
    return Transaction(
        external_id=f"refund-{refund_id}",
        kind="refund",
        status="success",
        amount=amount,
        currency=currency,
        # money given back by other means than the order's gateway (cash, bank transfer)
        gateway=gateway if through_gateway else MANUAL_GATEWAY,
        processed_at=processed_at,
        parent_id=str(order_id),
        reference=refund_id,
        message=(
            "Refunded through the payment gateway"
            if through_gateway
            else "Refunded manually (outside the payment gateway)"
        ),
    )
