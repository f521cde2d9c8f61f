"""Webhook deliveries signed the way Shopify signs them."""

import base64
import hashlib
import hmac
import itertools
import json
import logging
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass

_logger = logging.getLogger(__name__)


def sign(secret, body):
    """``X-Shopify-Hmac-Sha256``: base64 of the HMAC-SHA256 of the raw body keyed with the secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


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

    def __init__(self, url, secret, shop_domain, api_version="2025-01", enabled=True, timeout=10):
        self.url = url
        self.secret = secret
        self.shop_domain = shop_domain
        self.api_version = api_version
        self.enabled = enabled
        self.timeout = timeout
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
            "X-Shopify-API-Version": self.api_version,
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
        """POST a delivery (again, for a redelivery); return the HTTP status."""
        request = urllib.request.Request(self.url, data=delivery.body, headers=delivery.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                delivery.status, delivery.answer = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            delivery.status, delivery.answer = exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as exc:
            _logger.warning("Webhook %s to %s failed: %s", delivery.topic, self.url, exc)
            delivery.status, delivery.answer = 0, str(exc)
        return delivery.status
