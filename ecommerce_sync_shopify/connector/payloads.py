"""Reading raw Shopify values: text fields, tag lists, single-object answers, global ids."""

from odoo.addons.ecommerce_sync.connector import gid_id, to_gid

#: the app of Shopify's GraphQL global ids (``gid://shopify/Order/1``)
GID_APP = "shopify"


def text(value):
    """A stripped string ("" for None)."""
    return str(value).strip() if value is not None else ""


def split_tags(value):
    """Shopify keeps tags as one comma-separated string."""
    if isinstance(value, list):
        return [text(tag) for tag in value if text(tag)]
    return [tag.strip() for tag in text(value).split(",") if tag.strip()]


def unwrap(payload, key):
    """``payload[key]`` for single-object answers (``{"order": {...}}``), else the payload."""
    if isinstance(payload, dict) and isinstance(payload.get(key), dict):
        return payload[key]
    return payload


def gid(kind, value):
    """The Shopify global id of a numeric id ("" when ``value`` is neither that nor a global id of ``kind``)."""
    return to_gid(kind, value, GID_APP)


def gid_number(value, kind):
    """The numeric id of a Shopify global id of ``kind`` (``gid://shopify/Order/12`` -> "12"), or ""."""
    return gid_id(value, kind, GID_APP)
