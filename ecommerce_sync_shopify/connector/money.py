"""Reading Shopify money: ``<field>_set`` bags with ``shop_money`` and ``presentment_money``.

Shopify's plain amount fields (``total_price``, ``price``, ...) are in the
shop's currency. The customer paid in the *presentment* currency, which only
the ``*_set`` bags carry. Canonical orders are in the presentment currency,
so every amount is read from ``presentment_money``; the plain field is only
used when the bag is missing and both currencies are the same.
"""

from odoo.addons.ecommerce_sync.connector import ZERO, RecordError, to_decimal

PRESENTMENT = "presentment_money"
SHOP = "shop_money"


class MoneyReader:
    """Reads amounts of one order (or refund) in one side of its money bags.

    :param str side: ``PRESENTMENT`` or ``SHOP``
    :param bool plain_fallback: the plain fields may be used when a bag is
        missing (True when the shop and presentment currencies are the same)
    """

    def __init__(self, side=PRESENTMENT, plain_fallback=True):
        self.side = side
        self.plain_fallback = plain_fallback

    def amount(self, obj, key, required=False):
        """The amount of ``obj[key + "_set"]`` (or of ``obj[key]``).

        :param dict obj: a Shopify object (order, line item, tax line, ...)
        :param str key: the plain field name, e.g. ``"total_price"``
        :param bool required: raise when neither the bag nor the field is there
        :rtype: Decimal
        :raise RecordError: when the amount is unreadable, or missing and required
        """
        bag = obj.get(f"{key}_set")
        if isinstance(bag, dict) and isinstance(bag.get(self.side), dict):
            return to_decimal(bag[self.side].get("amount"), f"{key}_set.{self.side}")
        if bag is not None and not isinstance(bag, dict):
            raise RecordError(f"{key}_set: expected a money bag, got {bag!r}")
        if key in obj and obj[key] is not None:
            if not self.plain_fallback:
                raise RecordError(
                    f"{key}: only the shop-currency amount is given; the presentment amount ({key}_set) is missing"
                )
            return to_decimal(obj[key], key)
        if required:
            raise RecordError(f"{key}: missing")
        return ZERO

    def currency(self, obj, key):
        """The currency code of ``obj[key + "_set"]`` on this reader's side, or ""."""
        bag = obj.get(f"{key}_set")
        if isinstance(bag, dict) and isinstance(bag.get(self.side), dict):
            money = bag[self.side]
            return money.get("currency_code") or money.get("currency") or ""
        return ""
