"""Webhook deliveries signed the way Shopify signs them."""

import itertools
import json
import logging
import threading
import urllib.error
from dataclasses import dataclass

from odoo.addons.ecommerce_sync.connector import hmac_sha256_base64
from odoo.addons.ecommerce_sync.sandbox_support import post

_logger = logging.getLogger(__name__)

API_VERSION = "2025-01"


def sign(secret, body):
    """``X-Shopify-Hmac-Sha256``: base64 of the HMAC-SHA256 of the raw body keyed with the secret."""
    return hmac_sha256_base64(secret, body)


@dataclass
class Delivery:
    webhook_id: str
    topic: str
    body: bytes
    headers: dict
    status: int = 0
    answer: str = ""


class WebhookSender:
    """Posts events to one subscriber URL.

    :param str url: the subscriber (the store's webhook address)
    :param str secret: the signing secret (the app's client secret)
    :param str shop_domain: sent as ``X-Shopify-Shop-Domain``
    :param bool enabled: when False, deliveries are only recorded (tests send them by hand)
    """

    def __init__(self, url, secret, shop_domain, enabled=True):
        self.url = url
        self.secret = secret
        self.shop_domain = shop_domain
        self.enabled = enabled
        self.deliveries = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def build(self, topic, payload, webhook_id=None):
        """A signed delivery of ``payload`` (not sent)."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        with self._lock:
            number = next(self._ids)
        webhook_id = webhook_id or f"b54557e4-{number:04d}-4a2d-9b3c-{number:012d}"
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": sign(self.secret, body),
            "X-Shopify-Shop-Domain": self.shop_domain,
            "X-Shopify-API-Version": API_VERSION,
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Event-Id": f"evt-{number:06d}",
            "X-Shopify-Triggered-At": payload.get("updated_at") or payload.get("created_at") or "",
        }
        return Delivery(webhook_id, topic, body, headers)

    def send(self, topic, payload):
        delivery = self.build(topic, payload)
        self.deliveries.append(delivery)
        if self.enabled:
            self.post(delivery)
        return delivery

    def post(self, delivery):
        """POST a delivery (again, for a redelivery); return the HTTP status (0 when nothing answered)."""
        try:
            status, answer = post(self.url, delivery.body, delivery.headers, timeout=10)
        except (urllib.error.URLError, OSError) as exc:
            _logger.warning("Webhook %s to %s failed: %s", delivery.topic, self.url, exc)
            delivery.status, delivery.answer = 0, str(exc)
        else:
            delivery.status, delivery.answer = status, answer.decode("utf-8", "replace")
        return delivery.status
