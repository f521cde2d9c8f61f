"""WooCommerce webhooks: the signature, the creation ping, topics and de-duplication.

WooCommerce signs each delivery with ``X-WC-Webhook-Signature``: the base64
HMAC-SHA256 of the raw body keyed with the webhook's secret. Order created,
updated and deleted, and product updated are processed; other topics are
acknowledged and ignored.

``X-WC-Webhook-Delivery-ID`` is a hash of the webhook id and the second:
one delivery id may cover several resources, so the resource and its
``date_modified`` complete the de-duplication key. An order deleted (trashed)
sends only its id: it is read back from the site. An order listing refunds
and a variable product are read back too, for their refunds and variations.
"""

import json
import re

from odoo.addons.ecommerce_sync.connector import (
    Connector,
    WebhookError,
    WebhookEvent,
    checked_event,
    describe,
    numeric_id,
    verify_base64_hmac,
)

from .payloads import revision_of

SIGNATURE_HEADER = "X-WC-Webhook-Signature"
TOPIC_HEADER = "X-WC-Webhook-Topic"
DELIVERY_HEADER = "X-WC-Webhook-Delivery-ID"
PING_BODY = re.compile(rb"^webhook_id=(\d+)$")
HOOKSHOT_AGENT = re.compile(r"^WooCommerce/\S+ Hookshot\b")
#: webhook resources whose payload the engine can process, and their flow
WEBHOOK_FLOWS = {"order": "orders", "product": "products"}


def ping_id(headers, body):
    """The webhook id of WooCommerce's creation ping, "" when not readable, None when not a ping.

    The ping is an unsigned form post ``webhook_id=<n>`` from WooCommerce's
    "Hookshot" user agent, without any ``X-WC-Webhook-*`` header. A web
    framework may have parsed the form already and leave an empty body:
    then the user agent tells it.
    """
    if Connector.header(headers, TOPIC_HEADER) or Connector.header(headers, SIGNATURE_HEADER):
        return None
    raw = (body.encode() if isinstance(body, str) else bytes(body or b"")).strip()
    match = PING_BODY.match(raw)
    if match:
        return match.group(1).decode()
    if not raw and HOOKSHOT_AGENT.search(Connector.header(headers, "User-Agent")):
        return ""
    return None


def verify(secret, headers, body):
    """The signature of a delivery, checked in constant time.

    The ping WooCommerce sends when a webhook is saved carries no
    signature and nothing to process: it is let through (and answered
    200, which WooCommerce requires to activate the webhook).
    """
    if ping_id(headers, body) is not None:
        return True
    return verify_base64_hmac(secret, body, Connector.header(headers, SIGNATURE_HEADER))


def parse(headers, body):
    """Read a verified delivery (or the ping) into a :class:`WebhookEvent`.

    :raise WebhookError: when a header is missing or the body names no resource
    """
    ping = ping_id(headers, body)
    if ping is not None:
        return WebhookEvent(delivery_id=f"ping-{ping}" if ping else "ping", topic="ping")
    topic = Connector.header(headers, TOPIC_HEADER).strip()
    delivery = Connector.header(headers, DELIVERY_HEADER).strip()
    if not topic or not delivery:
        raise WebhookError(f"missing {TOPIC_HEADER} or {DELIVERY_HEADER} header")
    resource, _sep, event = topic.partition(".")
    flow = WEBHOOK_FLOWS.get(resource)
    if flow is None or (resource == "product" and event == "deleted"):
        return checked_event(WebhookEvent(delivery_id=delivery, topic=topic))
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise WebhookError(f"the body is not JSON: {exc}") from exc
    if not isinstance(payload, dict) or not payload.get("id"):
        raise WebhookError("the body has no resource id")
    record_id = numeric_id(payload["id"])
    if not record_id:
        raise WebhookError(f"the body's resource id {describe(payload['id'])} is not a WooCommerce id")
    if event == "deleted":
        # WooCommerce sends only the id of a deleted (trashed) order: read it back
        revision = f"{resource}/{record_id}@deleted"
        return checked_event(WebhookEvent(delivery, topic, flow, record_id, revision, payload, refetch=True))
    refetch = bool(payload.get("refunds")) if resource == "order" else payload.get("type") == "variable"
    # one delivery id may cover several resources: the resource and its stamp complete it
    revision = f"{resource}/{record_id}@{revision_of(payload)}"
    return checked_event(WebhookEvent(delivery, topic, flow, record_id, revision, payload, refetch=refetch))
