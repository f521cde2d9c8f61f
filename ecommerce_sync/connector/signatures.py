"""Webhook signature helpers (HMAC over the raw request body)."""

import base64
import hashlib
import hmac


def hmac_sha256_base64(secret, body):
    """Base64 of the HMAC-SHA256 of ``body`` keyed with ``secret``.

    This is the scheme of most platforms' webhook signature headers (e.g.
    Shopify's ``X-Shopify-Hmac-Sha256``).

    :param str secret: shared secret
    :param bytes body: the raw request body, exactly as received
    :rtype: str
    """
    if isinstance(body, str):
        body = body.encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def hmac_sha256_hex(secret, body):
    """Hex HMAC-SHA256 of ``body`` keyed with ``secret`` (Stripe's ``v1`` scheme)."""
    if isinstance(body, str):
        body = body.encode()
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_base64_hmac(secret, body, signature):
    """Check a base64 HMAC-SHA256 signature in constant time.

    An empty secret or an empty signature never verifies: a store without a
    webhook secret accepts no webhook.

    :rtype: bool
    """
    if not secret or not signature:
        return False
    expected = hmac_sha256_base64(secret, body)
    return hmac.compare_digest(expected.encode(), signature.strip().encode())
