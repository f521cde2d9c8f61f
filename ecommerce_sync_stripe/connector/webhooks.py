"""Stripe webhooks: ``Stripe-Signature`` verification and event -> flow.

Stripe signs each delivery with ``Stripe-Signature: t=<unix time>,v1=<hex>``
(several ``v1`` while an endpoint's secret is being rolled): ``v1`` is the
hex HMAC-SHA256 of ``"<t>.<raw body>"`` keyed with the endpoint's signing
secret (``whsec_...``). A delivery verifies when any ``v1`` matches any of
the store's secrets (two are accepted at once, for rotation), compared in
constant time, and ``t`` is within :data:`TOLERANCE` seconds of now: a stale
or forged request is refused before anything is stored.

An event is a hint: its object is read again from the API when the event
is processed (``refetch``), which also gives its latest state when
deliveries come out of order. The event id is the delivery id (Stripe
sends it again, with the same id, until it is answered 2xx).
"""

import hmac
import json
import time

from odoo.addons.ecommerce_sync.connector import Connector, WebhookError, WebhookEvent, hmac_sha256_hex

from .client import ID_PATTERN

SIGNATURE_HEADER = "Stripe-Signature"
TOLERANCE = 300

#: event type -> flow whose record it concerns
TOPICS = {
    "charge.succeeded": "orders",
    "charge.captured": "orders",
    "charge.updated": "orders",
    "charge.pending": "orders",
    "charge.failed": "orders",
    "payment_intent.payment_failed": "orders",
    "checkout.session.completed": "orders",
    "checkout.session.async_payment_succeeded": "orders",
    "checkout.session.async_payment_failed": "orders",
    "charge.refunded": "refunds",
    "charge.refund.updated": "refunds",
    "refund.created": "refunds",
    "refund.updated": "refunds",
    "refund.failed": "refunds",
    "charge.dispute.created": "payouts",
    "charge.dispute.updated": "payouts",
    "charge.dispute.closed": "payouts",
    "charge.dispute.funds_withdrawn": "payouts",
    "charge.dispute.funds_reinstated": "payouts",
    "payout.created": "payouts",
    "payout.updated": "payouts",
    "payout.paid": "payouts",
    "payout.failed": "payouts",
    "payout.canceled": "payouts",
    "payout.reconciliation_completed": "payouts",
}


def parse_signature(value):
    """``(timestamp, [v1 signatures])`` of a ``Stripe-Signature`` header; ``(None, [])`` when unreadable."""
    stamp, signatures = None, []
    for item in str(value or "").split(","):
        key, _sep, part = item.strip().partition("=")
        if key == "t" and part.isdigit():
            stamp = int(part)
        elif key == "v1" and part:
            signatures.append(part.strip())
    return stamp, signatures


def sign(secret, body, stamp):
    """The ``v1`` signature of ``body`` sent at ``stamp`` (what Stripe computes)."""
    body = body.encode() if isinstance(body, str) else bytes(body)
    return hmac_sha256_hex(secret, f"{stamp}.".encode() + body)


def verify(secrets, headers, body, now=None, tolerance=TOLERANCE):
    """True when the request is signed with one of ``secrets`` within ``tolerance`` seconds of ``now``."""
    secrets = [secret for secret in secrets if secret]
    stamp, signatures = parse_signature(Connector.header(headers, SIGNATURE_HEADER))
    if not secrets or stamp is None or not signatures:
        return False
    now = time.time() if now is None else now
    if abs(now - stamp) > tolerance:
        return False
    matched = False
    for secret in secrets:
        expected = sign(secret, body, stamp).encode()
        for signature in signatures:
            # every pair is compared: the time taken does not tell which secret matched
            matched |= hmac.compare_digest(expected, signature.encode())
    return matched


def event_object_id(event_type, obj):
    """The id of the object an event is about, in its flow's terms (a session's payment intent)."""
    if event_type.startswith("checkout.session."):
        return str(obj.get("payment_intent") or "")
    return str(obj.get("id") or "")


def parse(body, mode=""):
    """Read a verified Stripe event into a :class:`WebhookEvent`.

    :param str mode: "test" or "live", the store key's mode: an event of the
        other mode is refused
    :raise WebhookError: when the body is not a Stripe event
    """
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookError(f"the body is not JSON: {exc}") from exc
    if not isinstance(event, dict) or event.get("object") != "event":
        raise WebhookError("the body is not a Stripe event")
    event_id = str(event.get("id") or "")
    if not ID_PATTERN.match(event_id):
        raise WebhookError("the event has no valid id")
    event_type = str(event.get("type") or "")
    if mode and "livemode" in event and bool(event["livemode"]) != (mode == "live"):
        raise WebhookError(f"a {'live' if event['livemode'] else 'test'} mode event sent to a {mode} mode store")
    flow = TOPICS.get(event_type, "")
    obj = (event.get("data") or {}).get("object")
    if not flow:
        return WebhookEvent(delivery_id=event_id, topic=event_type)
    if not isinstance(obj, dict):
        raise WebhookError(f"{event_type}: the event carries no object")
    object_id = event_object_id(event_type, obj)
    if not object_id:
        # a Checkout Session without a payment (setup or subscription mode): nothing to import
        return WebhookEvent(delivery_id=event_id, topic=event_type)
    if not ID_PATTERN.match(object_id):
        raise WebhookError(f"{event_type}: the event's object has no valid id")
    return WebhookEvent(
        delivery_id=event_id,
        topic=event_type,
        flow=flow,
        external_id=object_id,
        payload=obj,
        refetch=True,
    )
