"""Money and time helpers of the generator: cents, Shopify money bags, timestamps."""

from datetime import timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: the sandbox shop's time zone offset (Shopify writes local times with an offset)
SHOP_TZ = timezone(timedelta(hours=-5))


def cents(value):
    """``value`` rounded half-up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value):
    """A Shopify amount string: "12.50"."""
    return f"{cents(value):.2f}"


def to_shop(amount, rate):
    """A presentment amount in the shop currency (``rate`` presentment units per shop unit)."""
    return cents(Decimal(amount) / Decimal(rate))


def money_set(amount, currency, shop_currency, rate):
    """A ``*_set`` bag: the presentment amount and its shop-currency value."""
    return {
        "shop_money": {"amount": fmt(to_shop(amount, rate)), "currency_code": shop_currency},
        "presentment_money": {"amount": fmt(amount), "currency_code": currency},
    }


def allocate(total, weights):
    """Split ``total`` in proportion to ``weights``, to the cent, summing exactly to ``total``.

    The rounding remainder goes to the largest shares first.
    """
    total = cents(total)
    weight_sum = sum(Decimal(weight) for weight in weights)
    if not weights or weight_sum == 0:
        return [ZERO for _weight in weights]
    raw = [total * Decimal(weight) / weight_sum for weight in weights]
    shares = [value.quantize(CENT, rounding="ROUND_DOWN") for value in raw]
    remainder = int((total - sum(shares)) / CENT)
    order = sorted(range(len(raw)), key=lambda index: (raw[index] - shares[index], raw[index]), reverse=True)
    for index in order[:remainder]:
        shares[index] += CENT
    return shares


def stamp(moment):
    """A Shopify timestamp in the shop's zone: "2025-03-01T10:00:00-05:00"."""
    return moment.astimezone(SHOP_TZ).replace(microsecond=0).isoformat()


def day(moment):
    """The shop-local date of ``moment``: "2025-03-01"."""
    return moment.astimezone(SHOP_TZ).date().isoformat()
