"""Shopify webhooks: signature check and topic -> flow.

Shopify signs each delivery with ``X-Shopify-Hmac-Sha256``: the base64
HMAC-SHA256 of the raw body keyed with the app's client secret (the store's
webhook secret). ``X-Shopify-Webhook-Id`` is the same for every redelivery of
one event, so it is the de-duplication key.

Order topics are stored with ``refetch``: their bodies carry no transactions
(the payments), so the order is read again from the API when the event is
processed, which also gives its latest state when deliveries come out of
order. Refunds and inventory levels are complete and processed as received.
"""

import json

from odoo.addons.ecommerce_sync.connector import (
    Connector,
    WebhookError,
    WebhookEvent,
    checked_event,
    numeric_id,
    verify_base64_hmac,
)

from .stock import level_id

HMAC_HEADER = "X-Shopify-Hmac-Sha256"
TOPIC_HEADER = "X-Shopify-Topic"
WEBHOOK_ID_HEADER = "X-Shopify-Webhook-Id"
EVENT_ID_HEADER = "X-Shopify-Event-Id"
SHOP_HEADER = "X-Shopify-Shop-Domain"

#: topic -> (flow, refetch)
TOPICS = {
    "orders/create": ("orders", True),
    "orders/updated": ("orders", True),
    "orders/cancelled": ("orders", True),
    "orders/paid": ("orders", True),
    "orders/fulfilled": ("orders", True),
    "orders/partially_fulfilled": ("orders", True),
    "orders/edited": ("orders", True),
    "fulfillments/create": ("orders", True),
    "fulfillments/update": ("orders", True),
    "refunds/create": ("refunds", False),
    "inventory_levels/update": ("stock", False),
    "products/create": ("products", True),
    "products/update": ("products", True),
}


def verify(secret, headers, body):
    """True when ``X-Shopify-Hmac-Sha256`` is the HMAC of ``body`` with ``secret`` (constant time)."""
    return verify_base64_hmac(secret, body, Connector.header(headers, HMAC_HEADER))


def external_id(topic, payload):
    """The id of the object the event is about, in the flow's terms ("" when it is not a Shopify id)."""
    if topic == "orders/edited":
        edit = payload.get("order_edit")
        return numeric_id(edit.get("order_id")) if isinstance(edit, dict) else ""
    if topic.startswith("fulfillments/"):
        return numeric_id(payload.get("order_id"))
    if topic == "inventory_levels/update":
        return level_id(payload)
    return numeric_id(payload.get("id"))


def parse(headers, body, shop_domain=""):
    """Read a verified Shopify webhook.

    :param str shop_domain: the store's domain; a delivery for another shop is refused
    :raise WebhookError: when a header is missing or the body is not a JSON object
    """
    topic = Connector.header(headers, TOPIC_HEADER).strip().lower()
    delivery = (
        Connector.header(headers, WEBHOOK_ID_HEADER).strip() or Connector.header(headers, EVENT_ID_HEADER).strip()
    )
    if not topic:
        raise WebhookError(f"missing {TOPIC_HEADER} header")
    if not delivery:
        raise WebhookError(f"missing {WEBHOOK_ID_HEADER} header")
    sender = Connector.header(headers, SHOP_HEADER).strip().lower()
    if shop_domain and sender and sender != shop_domain.lower():
        raise WebhookError(f"the webhook is from shop {sender}, this store is {shop_domain}")
    flow, refetch = TOPICS.get(topic, ("", False))
    if not flow:
        return checked_event(WebhookEvent(delivery, topic))
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookError(f"the body is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise WebhookError("the body is not a JSON object")
    object_id = external_id(topic, payload)
    if not object_id:
        raise WebhookError(f"{topic}: the body names no object id (or one that is not a Shopify id)")
    return checked_event(
        WebhookEvent(
            delivery_id=delivery,
            topic=topic,
            flow=flow,
            external_id=object_id,
            revision=str(payload.get("updated_at") or payload.get("created_at") or ""),
            payload=payload,
            refetch=refetch,
        )
    )
