"""Signed webhook delivery: Square's notification body, its signature, and the POST to the subscriber.

The signature (``x-square-hmacsha256-signature``) is the base64 HMAC-SHA256,
keyed with the subscription's signature key, of the notification URL
followed by the raw body.
"""

import ipaddress
import json
import logging
import urllib.error
import uuid
from datetime import datetime, timezone
from urllib.parse import urlsplit

from odoo.addons.ecommerce_sync.connector import hmac_sha256_base64
from odoo.addons.ecommerce_sync.sandbox_support import post

from .serializers import stamp

_logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-square-hmacsha256-signature"


def sign(signature_key, notification_url, body):
    """Square's signature of a notification: keyed with the signature key, over the URL and the body."""
    return hmac_sha256_base64(signature_key, notification_url.encode() + body)


def is_loopback(url):
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebhookSender:
    """Builds, signs and (when ``deliver``) POSTs notifications to ``notification_url``.

    Every notification is kept in :attr:`sent` as ``(headers, body)``, delivered or not.
    """

    def __init__(self, notification_url, signature_key, merchant_id="", deliver=False, timeout=5):
        if deliver and not is_loopback(notification_url):
            raise ValueError("The sandbox delivers webhooks to this machine only (127.0.0.1, localhost, ::1)")
        self.notification_url = notification_url
        self.signature_key = signature_key
        self.merchant_id = merchant_id
        self.deliver = deliver
        self.timeout = timeout
        self.sent = []

    def notification(self, topic, object_type, object_id, obj):
        event = {
            "merchant_id": self.merchant_id,
            "type": topic,
            "event_id": str(uuid.uuid4()),
            "created_at": stamp(datetime.now(timezone.utc)),
            "data": {"type": object_type, "id": object_id, "object": obj},
        }
        if object_type == "inventory_counts":
            event["data"]["object"] = {"inventory_counts": obj}
        body = json.dumps(event).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self.signature_key, self.notification_url, body),
            "Square-Environment": "Sandbox",
        }
        return headers, body

    def send(self, topic, object_type, object_id, obj):
        headers, body = self.notification(topic, object_type, object_id, obj)
        self.sent.append((headers, body))
        if self.deliver:
            self.post(headers, body)
        return headers, body

    def post(self, headers, body):
        """POST one notification to the subscriber; the HTTP status (0 when it could not be reached)."""
        try:
            status, _answer = post(self.notification_url, body, headers, timeout=self.timeout)
        except (urllib.error.URLError, OSError) as exc:
            _logger.warning("Square sandbox webhook to the subscriber failed: %s", exc)
            return 0
        return status
