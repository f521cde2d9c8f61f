"""PayPal amounts, currencies and times, read exactly.

PayPal writes money as ``{"currency_code": "USD", "value": "465.00"}``: a
decimal string in the currency's own precision (no minor units), so it is
read as it is. Times come as RFC 3339 (``2014-07-11T04:03:52+0000`` in
Transaction Search, ``2018-09-11T18:31:38Z`` in the v2 APIs).
"""

from datetime import timezone

from odoo.addons.ecommerce_sync.connector import RecordError, to_datetime, to_decimal


def text(value):
    return " ".join(str(value).split()) if value not in (None, "") else ""


def currency_code(value, what="currency"):
    code = str(value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise RecordError(f"{what}: expected a three-letter currency code, got {value!r}")
    return code


def money(value, what="amount"):
    """``(Decimal, currency)`` of a PayPal money object; ``(None, "")`` when absent."""
    if value in (None, {}):
        return None, ""
    if not isinstance(value, dict) or "value" not in value:
        raise RecordError(f"{what}: expected a money object, got {str(value)[:80]!r}")
    return to_decimal(value.get("value"), what), currency_code(value.get("currency_code"), f"{what} currency")


def amount(value, currency=None, what="amount"):
    """The Decimal of a money object (zero when absent), checked against ``currency`` when given."""
    found, code = money(value, what)
    if found is None:
        return to_decimal(0)
    if currency and code != currency:
        raise RecordError(f"{what}: in {code}, expected {currency}")
    return found


def stamp(value, what="time"):
    """An aware UTC datetime, or None."""
    return to_datetime(value, what)


def iso(moment):
    """A datetime as PayPal's query format (``2026-01-31T23:59:59Z``, seconds, UTC)."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
