"""WooCommerce amounts: strings with 2 decimals, rounded half up as PHP's ``round`` does."""

from decimal import ROUND_HALF_UP

from odoo.addons.ecommerce_sync.connector import CENT, ZERO, to_decimal


def cents(value):
    """Round half up to the cent, as WooCommerce does (PHP ``round``)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(item, key, what):
    """``item[key]`` as a Decimal (``what`` names it in the error message)."""
    return to_decimal(item.get(key), what)


def share(value, part, whole):
    """``part``/``whole`` of ``value``, to the cent (zero when ``whole`` is)."""
    return cents(value * part / whole) if whole else ZERO
