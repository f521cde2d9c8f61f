"""The sandbox's records in Square's JSON shapes: money, orders, payments, refunds, payouts, counts.

Amounts are integers of minor units, as Square sends them; timestamps are
RFC 3339 UTC strings with milliseconds.
"""

import base64
import json
from datetime import datetime, timezone


def money(amount, currency):
    return {"amount": int(amount), "currency": currency}


def stamp(moment):
    """``2026-03-02T14:05:09.123Z``"""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_stamp(text):
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(timezone.utc)


def encode_cursor(offset, query_key):
    raw = json.dumps({"o": offset, "q": query_key}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor, query_key):
    """The offset a cursor stands for, or None when it is not one of ours (for this query)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = int(data["o"])
    except (ValueError, KeyError, TypeError):
        return None
    if data.get("q") != query_key or offset < 0:
        return None
    return offset


def page(objects, key, offset, limit, query_key):
    """``{key: objects[offset:offset+limit], "cursor": ...}`` (no cursor on the last page)."""
    chunk = objects[offset : offset + limit]
    body = {key: chunk}
    if offset + limit < len(objects):
        body["cursor"] = encode_cursor(offset + limit, query_key)
    return body


def public(obj):
    """A stored object without the sandbox's own keys (those starting with "_")."""
    if isinstance(obj, dict):
        return {key: public(value) for key, value in obj.items() if not key.startswith("_")}
    if isinstance(obj, list):
        return [public(item) for item in obj]
    return obj


def count_object(variation_id, location_id, quantity, calculated_at):
    return {
        "catalog_object_id": variation_id,
        "catalog_object_type": "ITEM_VARIATION",
        "state": "IN_STOCK",
        "location_id": location_id,
        "quantity": str(quantity),
        "calculated_at": calculated_at,
    }


def payout_entry(entry_id, payout_id, effective_at, kind, gross, fee, currency, details):
    body = {
        "id": entry_id,
        "payout_id": payout_id,
        "effective_at": effective_at,
        "type": kind,
        "gross_amount_money": money(gross, currency),
        "fee_amount_money": money(fee, currency),
        "net_amount_money": money(gross - fee, currency),
    }
    body[f"type_{kind.lower()}_details"] = details
    return body
