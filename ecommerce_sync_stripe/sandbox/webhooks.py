"""Webhook deliveries signed the way Stripe signs them.

``Stripe-Signature: t=<unix time>,v1=<hex>``: ``v1`` is the HMAC-SHA256 of
``"<t>.<raw body>"`` keyed with the endpoint's signing secret. While a
secret is being rolled, Stripe signs with the old and the new one: one
``v1`` per secret.
"""

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

_logger = logging.getLogger(__name__)

USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"


def signature_header(secrets, body, stamp):
    """The ``Stripe-Signature`` value of ``body`` sent at ``stamp``, one ``v1`` per secret."""
    signed = f"{stamp}.".encode() + body
    parts = [f"t={stamp}"]
    parts += [f"v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}" for secret in secrets]
    return ",".join(parts)


@dataclass
class Delivery:
    event_id: str
    event_type: str
    body: bytes
    headers: dict
    status: int = 0
    answer: str = ""


class WebhookSender:
    """Posts events to one endpoint URL.

    :param str url: the endpoint (the store's webhook address)
    :param secrets: the endpoint's signing secrets (``whsec_...``; two while rolling)
    :param bool enabled: when False, deliveries are only built and kept (tests post them by hand)
    :param clock: the time signatures are stamped with
    """

    def __init__(self, url, secrets, enabled=True, timeout=10, clock=time.time):
        self.url = url
        self.secrets = [secrets] if isinstance(secrets, str) else list(secrets)
        self.enabled = enabled
        self.timeout = timeout
        self.clock = clock
        self.deliveries = []
        self._lock = threading.Lock()

    def build(self, event, stamp=None, body=None):
        """A signed delivery of ``event`` (not sent)."""
        body = body if body is not None else json.dumps(event, indent=2).encode()
        stamp = int(self.clock()) if stamp is None else int(stamp)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Stripe-Signature": signature_header(self.secrets, body, stamp),
        }
        return Delivery(event["id"], event["type"], body, headers)

    def send(self, event):
        delivery = self.build(event)
        with self._lock:
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
            _logger.warning("Webhook %s to %s failed: %s", delivery.event_type, self.url, exc)
            delivery.status, delivery.answer = 0, str(exc)
        return delivery.status
