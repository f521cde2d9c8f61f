"""The values every canonical record is made of: exact money, UTC timestamps, the flows."""

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from ..errors import RecordError

ZERO = Decimal("0")
CENT = Decimal("0.01")

#: the flows a connector can pull, as the engine and the store's cursors name them
FLOWS = ("orders", "refunds", "payouts", "products", "stock")


def to_decimal(value, what="amount"):
    """Return ``value`` as a Decimal, reading strings and integers exactly.

    Floats are read through ``str()`` so that ``0.1`` stays ``Decimal("0.1")``.

    :param value: str, int, float, Decimal or None (None and "" give zero)
    :param str what: name used in the error message
    :rtype: Decimal
    :raise RecordError: when the value is not a number
    """
    if value is None or value == "":
        return ZERO
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise RecordError(f"{what}: expected a number, got {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise RecordError(f"{what}: expected a number, got {value!r}") from exc
    if not result.is_finite():
        raise RecordError(f"{what}: expected a finite number, got {value!r}")
    return result


def to_datetime(value, what="date"):
    """Parse an ISO 8601 timestamp into an aware UTC datetime.

    Timestamps without an offset are taken as UTC (platforms that send local
    times also send a ``_gmt`` twin, which connectors must prefer).

    :rtype: datetime or None
    :raise RecordError: when the value is not a timestamp
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise RecordError(f"{what}: expected an ISO 8601 timestamp, got {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def money_sum(values):
    """Sum Decimals exactly (``sum()`` would start from the int 0)."""
    total = ZERO
    for value in values:
        total += value
    return total
