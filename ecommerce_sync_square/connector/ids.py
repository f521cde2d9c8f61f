"""Square object ids, checked before they reach a URL, an index or a log.

Square's ids are short strings of letters, digits, ``_`` and ``-`` (order
ids like ``CAISENgvlJ6jLWAzERDzjyHVybY``, payout ids ``po_<uuid>``, refund ids
``<payment id>_<suffix>``); the longest documented one is 192 characters.
"""

import re

from odoo.addons.ecommerce_sync.connector import RecordError

MAX_ID_LENGTH = 192
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,%d}$" % (MAX_ID_LENGTH - 1))


def is_valid_id(value):
    return isinstance(value, str) and bool(ID_PATTERN.match(value))


def valid_id(value, what="id", error=RecordError):
    """``value`` when it is a well-formed Square id, else ``error`` (the value is not echoed whole)."""
    if is_valid_id(value):
        return value
    shown = repr(value)[:40] if isinstance(value, (str, int)) else type(value).__name__
    raise error(f"{what}: not a Square id ({shown})")


def safe_id(value):
    """``value`` when it is a well-formed Square id, else "" (for record ids that reach an index or a log).

    The record itself still travels: its parsing then fails with a clear message.
    """
    return value if is_valid_id(value) else ""
