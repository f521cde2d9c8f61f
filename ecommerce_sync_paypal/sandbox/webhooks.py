"""Webhook deliveries signed the way PayPal signs them, with a certificate made at start.

PayPal signs ``<transmission id>|<transmission time>|<webhook id>|<crc32 of
the body>`` with RSA-SHA256 and names the certificate of the key in
``PAYPAL-CERT-URL``. The sandbox makes a root and a signing certificate
(``CN=messageverificationcerts.sandbox.paypal.com``) with ``cryptography``
when it starts, serves the chain at its own ``/v1/notifications/certs/...``
address (accepted only by stores marked as local test accounts) and signs
every delivery with it.
"""

import base64
import json
import threading
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from odoo.addons.ecommerce_sync.sandbox_support import post

from .serializers import api_time

SUBJECT = "messageverificationcerts.sandbox.paypal.com"
USER_AGENT = "PayPal/AUHD-214.0-58843245"
_made = {}
_made_lock = threading.Lock()


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sandbox PayPal"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(subject, issuer, public_key, signing_key, ca, now, days):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    return builder.sign(signing_key, hashes.SHA256())


class SigningCertificate:
    """A root and the signing certificate it issued, with the signing key."""

    def __init__(self, subject=SUBJECT, now=None, days=365):
        now = now or datetime.now(timezone.utc)
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        root_name = _name("Sandbox PayPal Root CA")
        self.root = _certificate(root_name, root_name, root_key.public_key(), root_key, True, now, days)
        self.leaf = _certificate(_name(subject), root_name, self.key.public_key(), root_key, False, now, days)
        self.cert_id = f"CERT-360caa42-fca2a594-{uuid.uuid4().hex[:8]}"

    @property
    def pem_chain(self):
        return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in (self.leaf, self.root))

    def sign(self, data):
        return base64.b64encode(self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()


def signing_certificate(subject=SUBJECT):
    """One signing certificate per subject and process (making RSA keys takes a moment)."""
    with _made_lock:
        if subject not in _made:
            _made[subject] = SigningCertificate(subject)
        return _made[subject]


def signed_text(transmission_id, transmission_time, webhook_id, body):
    return f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body) & 0xFFFFFFFF}".encode()


@dataclass
class Delivery:
    event_id: str
    event_type: str
    body: bytes
    headers: dict
    status: int = 0
    answer: str = ""


class WebhookSender:
    """Builds, signs and posts events to one webhook URL.

    :param str webhook_id: the id PayPal gave the webhook (part of what is signed)
    :param str cert_url: where the chain is served (the sandbox's ``/v1/notifications/certs/...``)
    :param bool enabled: when False, deliveries are only built and kept (tests post them by hand)
    """

    def __init__(self, url, webhook_id, cert_url, certificate=None, enabled=True, clock=None):
        self.url = url
        self.webhook_id = webhook_id
        self.cert_url = cert_url
        self.certificate = certificate or signing_certificate()
        self.enabled = enabled
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.deliveries = []
        self.bodies = {}
        self._lock = threading.Lock()

    def event(self, event_type, resource, at, resource_type):
        return {
            "id": f"WH-{uuid.uuid4().hex[:17].upper()}-{uuid.uuid4().hex[:17].upper()}",
            "event_version": "1.0",
            "create_time": api_time(at),
            "resource_type": resource_type,
            "resource_version": "2.0",
            "event_type": event_type,
            "summary": event_type.replace(".", " ").title(),
            "resource": resource,
            "links": [],
        }

    def build(self, event, sent_at=None, body=None):
        """A signed delivery of ``event`` (not sent)."""
        body = body if body is not None else json.dumps(event).encode()
        transmission_id = str(uuid.uuid1())
        stamp = (sent_at or self.clock()).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-TIME": stamp,
            "PAYPAL-TRANSMISSION-SIG": self.certificate.sign(
                signed_text(transmission_id, stamp, self.webhook_id, body)
            ),
            "PAYPAL-CERT-URL": self.cert_url,
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
        }
        with self._lock:
            self.bodies[transmission_id] = body
        return Delivery(event["id"], event["event_type"], body, headers)

    def send(self, event_type, resource, at, resource_type):
        delivery = self.build(self.event(event_type, resource, at, resource_type))
        with self._lock:
            self.deliveries.append(delivery)
        if self.enabled:
            self.post(delivery)
        return delivery

    def post(self, delivery):
        """POST a delivery (again, for a redelivery); return the HTTP status."""
        try:
            delivery.status, answer = post(self.url, delivery.body, delivery.headers, timeout=10)
            delivery.answer = answer.decode("utf-8", "replace")
        except OSError as exc:
            delivery.status, delivery.answer = 0, str(exc)
        return delivery.status
