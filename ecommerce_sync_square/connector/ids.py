"""Square object ids, checked by the base's id rules before they reach a URL, an index or a log.

Square's ids are short strings of letters, digits, ``_`` and ``-`` (order
ids like ``CAISENgvlJ6jLWAzERDzjyHVybY``, payout ids ``po_<uuid>``, refund ids
``<payment id>_<suffix>``). They go into URL paths and request bodies, so on
top of the base's rule for ids the engine keeps (:func:`external_id`: a safe
alphabet, at most its length) they may hold nothing but that URL-safe
alphabet. Messages show a bad value shortened by the base (:func:`describe`).
"""

import re

from odoo.addons.ecommerce_sync.connector import RecordError, external_id, required_id
from odoo.addons.ecommerce_sync.connector.ids import MAX_EXTERNAL_ID_LENGTH

MAX_ID_LENGTH = MAX_EXTERNAL_ID_LENGTH
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def square_id(value):
    """``value`` as a Square id safe in a URL, an index and a log, or "" when it is not one."""
    if not isinstance(value, str):
        return ""
    text = external_id(value)
    return text if text == value and ID_PATTERN.fullmatch(text) else ""


def is_valid_id(value):
    return bool(square_id(value))


def valid_id(value, what="id", error=RecordError):
    """``value`` when it is a well-formed Square id, else ``error`` naming ``what`` (the value shortened)."""
    try:
        return required_id(value, what, rule=square_id)
    except RecordError as exc:
        if error is RecordError:
            raise
        raise error(str(exc)) from None


def safe_id(value):
    """``value`` when it is a well-formed Square id, else "" (for record ids that reach an index or a log).

    The record itself still travels: its parsing then fails with a clear message.
    """
    return square_id(value)
