"""Square webhooks: signature check and event reading.

Square signs each notification with ``x-square-hmacsha256-signature``: the
base64 HMAC-SHA256, keyed with the subscription's signature key, of the
notification URL exactly as configured in Square followed by the raw body.

Events are hints: the object they name is fetched again before it is read
(``refetch``), except inventory counts, whose event carries the counts as
they stand. ``event_id`` identifies a delivery (Square retries with the same
id), so a retried event is recognised.
"""

import json

from odoo.addons.ecommerce_sync.connector import WebhookError, WebhookEvent, checked_event, verify_base64_hmac

from .ids import safe_id, valid_id

SIGNATURE_HEADER = "x-square-hmacsha256-signature"
#: event type -> (flow, the kind of object, for the refunds flow's ids)
TOPICS = {
    "order.created": ("orders", "order"),
    "order.updated": ("orders", "order"),
    "order.fulfillment.updated": ("orders", "order"),
    "payment.created": ("refunds", "payment"),
    "payment.updated": ("refunds", "payment"),
    "refund.created": ("refunds", "refund"),
    "refund.updated": ("refunds", "refund"),
    "payout.sent": ("payouts", "payout"),
    "payout.paid": ("payouts", "payout"),
    "payout.failed": ("payouts", "payout"),
    "inventory.count.updated": ("stock", "inventory_counts"),
    "catalog.version.updated": ("", "catalog"),
}


def verify(signature_key, notification_url, signature, body):
    """True when ``signature`` is Square's for ``notification_url`` + ``body`` (constant time)."""
    if not signature_key or not notification_url:
        return False
    if isinstance(body, str):
        body = body.encode()
    return verify_base64_hmac(signature_key, notification_url.encode() + (body or b""), signature or "")


def activity_id(kind, object_id):
    """External id of a record of the refunds flow: ``payment:<id>`` or ``refund:<id>``.

    The webhook door refuses "/" in object ids, so the kind is joined with ":".
    """
    return f"{kind}:{object_id}"


def revision_of(kind, obj):
    if not isinstance(obj, dict):
        return ""
    if kind == "order":
        return f"{obj.get('version') or 0}@{obj.get('updated_at') or ''}"
    return str(obj.get("version") or obj.get("updated_at") or obj.get("version_token") or "")


def parse(body):
    """A verified notification body -> :class:`WebhookEvent`."""
    try:
        event = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise WebhookError(f"Square webhook body is not JSON: {exc}") from None
    if not isinstance(event, dict):
        raise WebhookError("Square webhook body is not a JSON object")
    event_id = valid_id(event.get("event_id"), "webhook event_id", WebhookError)
    topic = str(event.get("type") or "")
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    flow, kind = TOPICS.get(topic, ("", ""))
    if not flow:
        return checked_event(WebhookEvent(delivery_id=event_id, topic=topic[:80]))
    obj = data.get("object") if isinstance(data.get("object"), dict) else {}
    if kind == "inventory_counts":
        counts = obj.get("inventory_counts")
        if not isinstance(counts, list) or not counts:
            raise WebhookError(f"Square {topic} event {event_id} carries no inventory counts")
        stamps = [str(count.get("calculated_at") or "") for count in counts if isinstance(count, dict)]
        return checked_event(
            WebhookEvent(
                delivery_id=event_id,
                topic=topic,
                flow=flow,
                external_id=safe_id(data.get("id")) or event_id,
                revision=max(stamps) if stamps else "",
                payload={"inventory_counts": counts},
            )
        )
    object_id = valid_id(data.get("id"), f"Square {topic} object id", WebhookError)
    inner = next((value for value in obj.values() if isinstance(value, dict)), {})
    external_id = activity_id(kind, object_id) if flow == "refunds" else object_id
    return checked_event(
        WebhookEvent(
            delivery_id=event_id,
            topic=topic,
            flow=flow,
            external_id=external_id,
            revision=revision_of(kind, inner),
            refetch=True,
        )
    )
