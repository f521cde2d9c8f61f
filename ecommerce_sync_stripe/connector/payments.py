"""What a Stripe charge (or its refund or dispute) says about the order it pays.

A charge made by another store's checkout carries that store's order:
WooCommerce keeps the charge id or the payment intent id as the order's
``transaction_id``, and the WooCommerce Stripe Gateway writes
``metadata.order_id`` and ``metadata.site_url`` on the payment. A charge
without an order reference is a sale of the Stripe account itself (a
Checkout Session, a Payment Link, an API charge): its order is the payment
intent (or the charge when there is none).
"""

from odoo.addons.ecommerce_sync.connector.balance import PaymentMatch

from . import money

GATEWAY = "stripe"
#: metadata keys other stores write their order under
ORDER_KEYS = ("order_id", "woocommerce_order_id", "wc_order_id")


def object_id(value):
    """The id of an expandable field, whether Stripe gave the id or the object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def text(value):
    return " ".join(str(value).split()) if value not in (None, "") else ""


def metadata(obj):
    data = obj.get("metadata") if isinstance(obj, dict) else None
    return data if isinstance(data, dict) else {}


def order_reference(obj):
    """``(order reference, order number, site url)`` another store wrote on ``obj``'s metadata."""
    data = metadata(obj)
    reference = next((text(data[key]) for key in ORDER_KEYS if text(data.get(key))), "")
    return reference, text(data.get("order_number")), text(data.get("site_url"))


def charge_email(charge):
    billing = charge.get("billing_details") or {}
    return text(billing.get("email") or charge.get("receipt_email") or metadata(charge).get("customer_email"))


def charge_match(charge):
    """The :class:`PaymentMatch` of a charge object."""
    reference, number, site = order_reference(charge)
    currency = money.currency_code(charge.get("currency"), f"charge {charge.get('id')} currency")
    return PaymentMatch(
        transaction_ids=[ref for ref in (object_id(charge.get("id")), object_id(charge.get("payment_intent"))) if ref],
        order_reference=reference,
        order_number=number,
        site_url=site,
        amount=money.amount(
            charge.get("amount_captured") or charge.get("amount"), currency, f"charge {charge.get('id')} amount"
        ),
        currency=currency,
        paid_at=money.timestamp(charge.get("created"), f"charge {charge.get('id')} created"),
        email=charge_email(charge),
    )


def related_match(obj, charge=None):
    """The :class:`PaymentMatch` of a refund or dispute: its charge's, or the ids it names.

    :param dict charge: the charge when it is known (expanded), else only the ids are used
    """
    if isinstance(charge, dict) and charge.get("id"):
        match = charge_match(charge)
    else:
        ids = (object_id(obj.get("charge")), object_id(obj.get("payment_intent")))
        match = PaymentMatch(transaction_ids=[ref for ref in ids if ref])
    reference, number, site = order_reference(obj)
    if reference and not match.order_reference:
        match.order_reference, match.order_number, match.site_url = reference, number, site
    return match


def order_key(obj):
    """The id of the Stripe-side order of a charge, refund or dispute: its payment intent, else its charge."""
    if obj.get("object") == "charge":
        return object_id(obj.get("payment_intent")) or object_id(obj.get("id"))
    return object_id(obj.get("payment_intent")) or object_id(obj.get("charge"))
