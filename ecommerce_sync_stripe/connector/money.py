"""Stripe amounts: integers in the currency's minor unit, converted exactly.

Stripe's published rules (docs "Supported currencies"): most currencies
count in hundredths; the zero-decimal currencies count in units; the
three-decimal currencies in thousandths. ISK, HUF and TWD are zero-decimal
for card networks but stay two-decimal in the API (an ISK amount of 100 is
1 krona), so they are not in the zero-decimal list.
"""

from datetime import datetime, timezone
from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import RecordError
from odoo.addons.ecommerce_sync.connector.balance import from_minor_units

ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())


def exponent(currency):
    """Decimal places of ``currency`` in Stripe's API amounts."""
    code = str(currency or "").upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def amount(value, currency, what="amount"):
    """A Stripe integer amount of ``currency`` as a Decimal (``1099`` usd -> ``10.99``)."""
    return from_minor_units(value, exponent(currency), what)


def to_minor(value, currency):
    """A Decimal amount as Stripe's integer minor units (the sandbox and tests write them)."""
    return int((Decimal(value) * (10 ** exponent(currency))).to_integral_value())


def currency_code(value, what="currency"):
    """Stripe's lower-case ISO code as the upper-case code the ledger uses."""
    code = str(value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise RecordError(f"{what}: expected a three-letter currency code, got {value!r}")
    return code


def timestamp(value, what="timestamp"):
    """A Unix timestamp (Stripe's ``created``, ``arrival_date``...) as an aware UTC datetime, or None."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        else:
            raise RecordError(f"{what}: expected a Unix timestamp, got {value!r}")
    return datetime.fromtimestamp(value, tz=timezone.utc)


def rate(value, what="exchange_rate"):
    """An exchange rate (a JSON number) as an exact Decimal, or None."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise RecordError(f"{what}: expected a number, got {value!r}")
    try:
        result = Decimal(str(value))
    except ArithmeticError as exc:
        raise RecordError(f"{what}: expected a number, got {value!r}") from exc
    if not result.is_finite() or result <= 0:
        raise RecordError(f"{what}: expected a positive number, got {value!r}")
    return result
