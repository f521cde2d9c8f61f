"""Deterministic, realistic-looking Shopify ids."""


class IdFactory:
    """Increasing ids per object type, with irregular gaps like real ones.

    :param random.Random rng: the generator's random source
    """

    BASES = {
        "product": 8_101_000_000_000,
        "variant": 44_201_000_000_000,
        "inventory_item": 46_301_000_000_000,
        "location": 71_401_000_000,
        "customer": 7_501_000_000_000,
        "address": 9_601_000_000_000,
        "order": 5_701_000_000_000,
        "line_item": 14_801_000_000_000,
        "shipping_line": 4_901_000_000_000,
        "transaction": 6_911_000_000_000,
        "refund": 921_000_000_000,
        "refund_line_item": 531_000_000_000,
        "order_adjustment": 241_000_000_000,
        "refund_shipping_line": 351_000_000_000,
        "fulfillment": 5_461_000_000_000,
        "payout": 87_571_000_000,
        "balance_transaction": 1_681_000_000_000,
        "image": 32_791_000_000_000,
        "option": 10_891_000_000_000,
        "gift_card": 541_000_000_000,
        "checkout": 33_001_000_000_000,
    }

    def __init__(self, rng):
        self.rng = rng
        self.last = dict(self.BASES)

    def next(self, kind):
        self.last[kind] += self.rng.randint(1, 997)
        return self.last[kind]
