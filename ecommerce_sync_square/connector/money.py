"""Square money: integer amounts in the currency's smallest unit, read exactly.

Square sends ``{"amount": 1099, "currency": "USD"}`` (the Payouts API names
the currency ``currency_code``). The amount is an integer count of minor
units: cents for USD, yen for JPY (no decimals), fils for KWD (three).
"""

from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import ZERO, RecordError

#: ISO 4217 currencies without minor units
ZERO_DECIMAL = frozenset(
    (
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "UYI",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    )
)
#: ISO 4217 currencies with three decimals
THREE_DECIMAL = frozenset(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"))


def exponent(currency):
    """Decimal places of ``currency`` (2 unless listed above)."""
    code = str(currency or "").upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def from_minor(amount, currency):
    """``amount`` minor units of ``currency`` as a Decimal with the currency's places."""
    places = exponent(currency)
    return (Decimal(amount).scaleb(-places)).quantize(Decimal(1).scaleb(-places))


def to_minor(value, currency):
    """A Decimal amount of ``currency`` as integer minor units (exact, or ValueError)."""
    scaled = Decimal(value).scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} {currency} has more decimals than the currency allows")
    return int(scaled)


def money_currency(obj):
    """The currency code of a Money object ("" when absent)."""
    if not isinstance(obj, dict):
        return ""
    return str(obj.get("currency") or obj.get("currency_code") or "").upper()


def money(obj, what="amount", currency=None, required=False):
    """Read a Square Money object as a Decimal.

    :param dict obj: ``{"amount": int, "currency": "USD"}`` or None
    :param str currency: the currency the amount must be in (the order's), when known
    :param bool required: a missing object is an error rather than zero
    :raise RecordError: when the object is malformed or in another currency
    """
    if obj is None:
        if required:
            raise RecordError(f"{what}: missing")
        return ZERO
    if not isinstance(obj, dict):
        raise RecordError(f"{what}: expected a Money object, got {obj!r:.80}")
    amount = obj.get("amount")
    if amount is None:
        if required:
            raise RecordError(f"{what}: no amount")
        return ZERO
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise RecordError(f"{what}: the amount must be an integer of minor units, got {amount!r:.40}")
    code = money_currency(obj) or (currency or "")
    if not code:
        raise RecordError(f"{what}: no currency")
    if currency and code != currency.upper():
        raise RecordError(f"{what}: in {code}, expected {currency}")
    return from_minor(amount, code)


def line_gross(item, gross_key, quantity, what, currency):
    """A line's gross (``gross_sales_money`` or ``gross_return_money``), else its base price times quantity."""
    if item.get(gross_key) is not None:
        return money(item.get(gross_key), f"{what} gross", currency)
    return money(item.get("base_price_money"), f"{what} price", currency, required=True) * quantity
