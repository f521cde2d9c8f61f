"""Webhook deliveries the way WooCommerce's ``WC_Webhook::deliver`` sends them.

The body is the resource as PHP encodes it (``wp_json_encode``), with the
``X-WC-Webhook-*`` headers and the base64 HMAC-SHA256 signature of the raw
body; saving a webhook first sends an unsigned ``webhook_id=<n>`` ping.
"""

import copy
import hashlib
import time

from odoo.addons.ecommerce_sync.connector import hmac_sha256_base64
from odoo.addons.ecommerce_sync.sandbox_support import post

from .data_sites import WC_VERSION, WP_VERSION
from .serializers import product_view, wp_json_encode

#: seconds a delivery waits for the subscriber's answer
TIMEOUT = 30


def wc_signature(secret, body):
    """``X-WC-Webhook-Signature``: base64 of the HMAC-SHA256 of the raw body."""
    return hmac_sha256_base64(secret, body)


def webhook_payload(sandbox, resource, resource_id, event="updated"):
    """The body WooCommerce would deliver for ``<resource>.<event>``."""
    if event == "deleted":
        return {"id": int(resource_id)}
    with sandbox.lock:
        if resource == "order":
            return copy.deepcopy(sandbox.site.orders[int(resource_id)])
        if resource == "product":
            return product_view(sandbox.site, int(resource_id))
    raise KeyError(f"no {resource} webhooks in this sandbox")


def deliver(sandbox, url, topic, resource_id, secret, webhook_id=1, delivery_id=None, body=None):
    """POST a webhook as WooCommerce's ``WC_Webhook::deliver`` does.

    :param str topic: e.g. "order.updated"
    :param bytes body: send this raw body instead of the resource
    :return: ``(HTTP status, answer body bytes, delivery id)``
    """
    resource, _sep, event = topic.partition(".")
    raw = body if body is not None else wp_json_encode(webhook_payload(sandbox, resource, resource_id, event))
    delivery_id = delivery_id or hashlib.md5(f"{webhook_id}{int(time.time())}".encode()).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})",
        "X-WC-Webhook-Source": f"{sandbox.site.site_url}/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": wc_signature(secret, raw),
        "X-WC-Webhook-ID": str(webhook_id),
        "X-WC-Webhook-Delivery-ID": delivery_id,
    }
    status, answer = post(url, raw, headers, TIMEOUT)
    return status, answer, delivery_id


def deliver_ping(url, webhook_id=1):
    """The unsigned ``webhook_id=<n>`` ping WooCommerce sends when a webhook is saved.

    :return: ``(HTTP status, answer body bytes)``
    """
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})",
    }
    return post(url, f"webhook_id={webhook_id}".encode(), headers, TIMEOUT)
