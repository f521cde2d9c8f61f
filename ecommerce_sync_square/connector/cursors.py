"""Cursors of flows read from several sorted streams (locations, payments and refunds).

Square lists orders per set of at most 10 locations, payments per location
and refunds apart: each stream is sorted by ``updated_at`` on its own, so the
flow's cursor keeps one position per stream. It is stored as a plain
timestamp when every stream stands at the same one (the usual case, and a
date a user can read or set), and as a JSON object ``{stream: timestamp}``
otherwise. A plain timestamp applies to every stream.
"""

import json
from datetime import timedelta

from odoo.addons.ecommerce_sync.connector import RecordError, to_datetime


def read_cursor(cursor):
    """``(positions by stream, default position)`` of a stored cursor."""
    if not cursor:
        return {}, None
    text = str(cursor).strip()
    if text.startswith("{"):
        try:
            positions = json.loads(text)
        except ValueError:
            return {}, None
        if isinstance(positions, dict):
            return {str(key): str(value) for key, value in positions.items() if value}, None
        return {}, None
    return {}, text


def write_cursor(positions):
    """The cursor of ``positions`` (``{stream: timestamp or None}``); None when no stream has moved.

    A plain timestamp only when every stream stands at it: a stream not read
    yet must not inherit another one's position.
    """
    known = {key: value for key, value in positions.items() if value}
    if not known:
        return None
    values = set(known.values())
    if len(values) == 1 and len(known) == len(positions):
        return values.pop()
    return json.dumps(dict(sorted(known.items())), sort_keys=True)


def start_of(position, overlap):
    """The ``start_at`` of a stream from its position, ``overlap`` earlier (None from the beginning)."""
    try:
        stamp = to_datetime(position, "cursor")
    except RecordError:
        return None
    if stamp is None:
        return None
    return (stamp - (overlap or timedelta(0))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def later(position, value):
    """The later of a stream position and a record's ``updated_at`` (unreadable values are ignored)."""
    try:
        candidate = to_datetime(value, "updated_at")
        current = to_datetime(position, "cursor")
    except RecordError:
        return position
    if candidate is None:
        return position
    if current is None or candidate > current:
        return candidate.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return position
