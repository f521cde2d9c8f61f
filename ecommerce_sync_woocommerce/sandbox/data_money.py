"""Money and time as WooCommerce writes them: amounts with 2 decimals, unrounded taxes, site-local stamps."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
PRECISE = Decimal("0.000001")


def cents(value):
    """``value`` rounded half up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value):
    """A WooCommerce money string: 2 decimals."""
    return f"{cents(value):.2f}"


def precise(value):
    """An unrounded tax amount as WooCommerce prints it ("1.125", "0.9")."""
    text = format(value.quantize(PRECISE, rounding=ROUND_HALF_UP).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def stamp(moment):
    """A WooCommerce timestamp: ISO, whole seconds, no offset."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
