"""PayPal webhooks: signature verification as PayPal defines it, and event -> flow.

A delivery carries ``PAYPAL-TRANSMISSION-ID``, ``-TRANSMISSION-TIME``,
``-TRANSMISSION-SIG`` (base64), ``-CERT-URL`` and ``-AUTH-ALGO``
(``SHA256withRSA``). The signature is RSA-SHA256 (PKCS #1 v1.5) over
``<transmission id>|<transmission time>|<webhook id>|<crc32 of the raw body>``
(the CRC as an unsigned decimal) with the key of the certificate at the
cert URL (see :mod:`.certificates` for which URLs are followed and how the
chain is checked). The webhook id is the store's: a delivery to another
webhook of the app does not verify. A delivery more than :data:`TOLERANCE`
seconds away from now is refused (a replay of an old delivery).

When the delivery cannot be checked here (the certificate cannot be fetched
or anchored, another algorithm), PayPal decides: ``POST
/v1/notifications/verify-webhook-signature`` with the headers and the event.

An event is a hint: its object is read again when the event is processed
(``refetch``); the event id is the delivery id (PayPal sends the same event
id again until it is answered 2xx).
"""

import base64
import binascii
import json
import logging
import time
import zlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    Connector,
    ConnectorError,
    WebhookError,
    WebhookEvent,
    to_datetime,
)

from . import certificates
from .client import OBJECT_ID, TRANSACTION_ID
from .money import text

_logger = logging.getLogger(__name__)

TOLERANCE = 300
HEADERS = ("PAYPAL-TRANSMISSION-ID", "PAYPAL-TRANSMISSION-TIME", "PAYPAL-TRANSMISSION-SIG", "PAYPAL-CERT-URL")
ALGORITHM = "SHA256withRSA"
#: event type -> flow whose record it concerns
TOPICS = {
    "PAYMENT.CAPTURE.COMPLETED": "orders",
    "PAYMENT.CAPTURE.PENDING": "orders",
    "PAYMENT.CAPTURE.DENIED": "orders",
    "PAYMENT.CAPTURE.DECLINED": "orders",
    "CHECKOUT.ORDER.COMPLETED": "orders",
    "PAYMENT.CAPTURE.REFUNDED": "refunds",
    "PAYMENT.CAPTURE.REVERSED": "payouts",
    "CUSTOMER.DISPUTE.CREATED": "payouts",
    "CUSTOMER.DISPUTE.UPDATED": "payouts",
    "CUSTOMER.DISPUTE.RESOLVED": "payouts",
    "PAYMENT.PAYOUTS-ITEM.SUCCEEDED": "payouts",
    "PAYMENT.PAYOUTS-ITEM.FAILED": "payouts",
    "PAYMENT.PAYOUTS-ITEM.RETURNED": "payouts",
    "PAYMENT.PAYOUTS-ITEM.REFUNDED": "payouts",
    "PAYMENT.PAYOUTS-ITEM.REVERSED": "payouts",
}


def message(transmission_id, transmission_time, webhook_id, body):
    """The text PayPal signs for a delivery of ``body`` (bytes)."""
    crc = zlib.crc32(body) & 0xFFFFFFFF
    return f"{transmission_id}|{transmission_time}|{webhook_id}|{crc}".encode()


def _headers(headers):
    return {name: text(Connector.header(headers, name)) for name in (*HEADERS, "PAYPAL-AUTH-ALGO")}


def check_offline(values, webhook_id, body, environment, local_test_account=False, download=None, now=None):
    """True or False when the delivery can be judged here; raise CertificateUndetermined otherwise.

    :raise certificates.CertificateUndetermined: the certificate could not be fetched or anchored, or
        the algorithm is not PayPal's RSA-SHA256
    """
    now = time.time() if now is None else now
    if not all(values[name] for name in HEADERS) or not webhook_id:
        return False
    try:
        sent = to_datetime(values["PAYPAL-TRANSMISSION-TIME"], "PAYPAL-TRANSMISSION-TIME")
    except ConnectorError:
        return False
    if abs(now - sent.timestamp()) > TOLERANCE:
        return False
    try:
        signature = base64.b64decode(values["PAYPAL-TRANSMISSION-SIG"], validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        url = certificates.check_url(values["PAYPAL-CERT-URL"], environment, local_test_account)
    except certificates.CertificateRefused:
        return False
    if values["PAYPAL-AUTH-ALGO"] not in ("", ALGORITHM):
        raise certificates.CertificateUndetermined(
            f"the algorithm {values['PAYPAL-AUTH-ALGO'][:20]!r} is not checked here"
        )
    try:
        certs = certificates.chain(url, download)
        key = certificates.signing_key(certs, environment, local_test_account)
    except certificates.CertificateRefused as exc:
        _logger.info("PayPal webhook refused: %s", exc)
        return False
    signed = message(values["PAYPAL-TRANSMISSION-ID"], values["PAYPAL-TRANSMISSION-TIME"], webhook_id, body)
    try:
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, TypeError, ValueError):
        return False
    return True


def check_online(client, values, webhook_id, body):
    """PayPal's own verdict: ``POST /v1/notifications/verify-webhook-signature``."""
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False
    payload = {
        "auth_algo": values["PAYPAL-AUTH-ALGO"] or ALGORITHM,
        "cert_url": values["PAYPAL-CERT-URL"],
        "transmission_id": values["PAYPAL-TRANSMISSION-ID"],
        "transmission_sig": values["PAYPAL-TRANSMISSION-SIG"],
        "transmission_time": values["PAYPAL-TRANSMISSION-TIME"],
        "webhook_id": webhook_id,
        "webhook_event": event,
    }
    try:
        answer = client.json("POST", "v1/notifications/verify-webhook-signature", json=payload)
    except (ApiError, ConnectorError) as exc:
        _logger.warning("PayPal webhook: verify-webhook-signature failed: %s", exc)
        return False
    return isinstance(answer, dict) and answer.get("verification_status") == "SUCCESS"


def verify(client, webhook_id, headers, body, environment, local_test_account=False, download=None, now=None):
    """True when the delivery is PayPal's, for this store's webhook, and fresh."""
    body = body.encode() if isinstance(body, str) else bytes(body or b"")
    values = _headers(headers)
    webhook_id = text(webhook_id)
    try:
        return check_offline(values, webhook_id, body, environment, local_test_account, download, now)
    except certificates.CertificateUndetermined as exc:
        _logger.info("PayPal webhook: checked by PayPal (%s)", exc)
    return check_online(client, values, webhook_id, body)


def event_object_id(event_type, resource):
    """The id the event's object is read again by, in its flow's terms."""
    if event_type.startswith("CUSTOMER.DISPUTE."):
        return text(resource.get("dispute_id"))
    if event_type == "CHECKOUT.ORDER.COMPLETED":
        for unit in resource.get("purchase_units") or []:
            for capture in ((unit or {}).get("payments") or {}).get("captures") or []:
                if isinstance(capture, dict) and capture.get("id"):
                    return text(capture["id"])
        return ""
    if event_type.startswith("PAYMENT.PAYOUTS-ITEM."):
        txn = text(resource.get("transaction_id"))
        when = text(resource.get("time_processed"))[:10]
        return f"{txn}@{when}" if txn and when else txn
    return text(resource.get("id"))


def parse(body):
    """Read a verified PayPal event into a :class:`WebhookEvent`.

    :raise WebhookError: when the body is not a PayPal event
    """
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WebhookError(f"the body is not JSON: {exc}") from exc
    if not isinstance(event, dict) or not event.get("event_type"):
        raise WebhookError("the body is not a PayPal event")
    event_id = text(event.get("id"))
    if not OBJECT_ID.match(event_id):
        raise WebhookError("the event has no valid id")
    event_type = text(event.get("event_type"))
    flow = TOPICS.get(event_type, "")
    if not flow:
        return WebhookEvent(delivery_id=event_id, topic=event_type)
    resource = event.get("resource")
    if not isinstance(resource, dict):
        raise WebhookError(f"{event_type}: the event carries no resource")
    object_id = event_object_id(event_type, resource)
    bare, _sep, when = object_id.partition("@")
    pattern = OBJECT_ID if event_type.startswith("CUSTOMER.DISPUTE.") else TRANSACTION_ID
    if not pattern.match(bare) or (when and not when.replace("-", "").isdigit()):
        raise WebhookError(f"{event_type}: the event's object has no valid id")
    return WebhookEvent(
        delivery_id=event_id,
        topic=event_type,
        flow=flow,
        external_id=object_id,
        payload=resource,
        refetch=True,
    )
