"""Reading raw WooCommerce values: HTML-escaped names, GMT timestamps, meta data."""

import html
from datetime import datetime

from odoo.addons.ecommerce_sync.connector import to_datetime


def text(value):
    """WooCommerce names come HTML-escaped (``&ndash;``, ``&amp;``)."""
    return html.unescape(str(value or "")).strip()


def gmt(payload, key):
    """The ``<key>_gmt`` timestamp of a payload (the site-local ``<key>`` when absent)."""
    value = payload.get(f"{key}_gmt")
    if value in (None, ""):
        value = payload.get(key)
    return to_datetime(value, key)


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
