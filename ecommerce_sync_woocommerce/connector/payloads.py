"""Reading raw WooCommerce values: HTML-escaped names, GMT timestamps, meta data."""

import html
from datetime import datetime

from odoo.addons.ecommerce_sync.connector import RecordError, to_datetime


def text(value):
    """WooCommerce names come HTML-escaped (``&ndash;``, ``&amp;``)."""
    return html.unescape(str(value or "")).strip()


def gmt(payload, key):
    """The ``<key>_gmt`` timestamp of a payload (the site-local ``<key>`` when absent)."""
    value = payload.get(f"{key}_gmt")
    if value in (None, ""):
        value = payload.get(key)
    return to_datetime(value, key)


def require_v3(payload, what):
    """Refuse a payload of the wc/v1 API (WooCommerce 2.6): its dates are the site's local time, without ``_gmt``.

    :raise RecordError: when the payload has ``date_created`` and no ``date_created_gmt``
    """
    if payload.get("date_created") and "date_created_gmt" not in payload:
        raise RecordError(
            f"{what} has no date_created_gmt: a payload of the wc/v1 API (WooCommerce 2.6), whose dates are the "
            "site's local time, cannot be read; the site must serve wc/v3"
        )


def revision_of(payload):
    """A payload's modification stamp, as the API gives it (GMT)."""
    return str(payload.get("date_modified_gmt") or payload.get("date_modified") or "")


def format_gmt(moment):
    """A datetime as WooCommerce's GMT ISO form (no offset, whole seconds)."""
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    return str(moment)


def meta_value(item, key, default=None):
    """The value of ``item``'s meta data entry ``key``."""
    for meta in item.get("meta_data") or []:
        if isinstance(meta, dict) and meta.get("key") == key:
            return meta.get("value")
    return default
