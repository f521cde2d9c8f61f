"""Reading raw Shopify values: text fields, tag lists, single-object answers."""


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
