"""The sandbox seller's tables: locations, catalog, taxes, fees, customers, and deterministic ids."""

from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from .serializers import money, stamp

CURRENCY = "USD"
START = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

LOCATIONS = (
    # key, name, type, sales channel
    ("cafe", "Harbor Café register", "PHYSICAL", "pos"),
    ("kiosk", "Station kiosk register", "PHYSICAL", "pos"),
    ("online", "Square Online store", "MOBILE", "online"),
)
#: item name, [(variation name, SKU, price in cents)], sold online
CATALOG = (
    ("Drip Coffee", [("Small", "COF-DRIP-S", 275), ("Large", "COF-DRIP-L", 350)], False),
    ("Oat Latte", [("Regular", "COF-LATTE", 525)], False),
    ("Butter Croissant", [("Regular", "BAK-CROIS", 395)], False),
    ("House Blend Beans 1 lb", [("Whole bean", "BEAN-HB-W", 1899), ("Ground", "BEAN-HB-G", 1899)], True),
    ("Single Origin Beans 12 oz", [("Ethiopia", "BEAN-SO-ETH", 2150), ("Colombia", "BEAN-SO-COL", 1975)], True),
    ("Ceramic Mug", [("White", "MUG-WHT", 1400), ("Slate", "MUG-SLT", 1400)], True),
    ("Pour-over Kit", [("Regular", "KIT-POUR", 4599)], True),
    ("Gift Card", [("Regular", "", 2500)], False),
)
#: name, percentage, Square inclusion type
POS_TAX = ("Prepared Food Tax", "10", "INCLUSIVE")
ONLINE_TAX = ("Sales Tax", "8.875", "ADDITIVE")
POS_FEE = (Decimal("0.026"), 15)
ONLINE_FEE = (Decimal("0.029"), 30)
SHIPPING = ("Shipping", 699)
ONLINE_DISCOUNT = ("Spring 10% off", "10")
POS_DISCOUNT = ("Regular customer", 50)
CUSTOMERS = (
    ("Maya Chen", "maya.chen@example.com", "+12125550143", "14 Orchard St", "New York", "NY", "10002"),
    ("Luis Ortega", "luis.ortega@example.com", "+13105550177", "890 Sunset Blvd", "Los Angeles", "CA", "90028"),
    ("Amara Okafor", "amara.okafor@example.com", "+13125550119", "221 W Lake St", "Chicago", "IL", "60606"),
    ("Jonas Berg", "jonas.berg@example.com", "+12065550188", "77 Pike Pl", "Seattle", "WA", "98101"),
)


def round_half_up(value):
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Ids:
    """Deterministic Square-like ids."""

    def __init__(self, rng):
        self.rng = rng
        self.seen = set()

    def make(self, length, alphabet=ALPHABET, prefix=""):
        while True:
            value = prefix + "".join(self.rng.choice(alphabet) for _ in range(length))
            if value not in self.seen:
                self.seen.add(value)
                return value

    def uuid(self, prefix=""):
        hexa = "0123456789abcdef"
        parts = ["".join(self.rng.choice(hexa) for _ in range(size)) for size in (8, 4, 4, 4, 12)]
        return prefix + "-".join(parts)


def split(total, weights):
    """``total`` spread over ``weights`` proportionally, the rounding remainder on the last."""
    weight = sum(weights)
    if not weight:
        return [0] * len(weights)
    parts = [round_half_up(Decimal(total) * w / weight) for w in weights[:-1]]
    return parts + [total - sum(parts)]


def tax_of(base, percentage, kind):
    rate = Decimal(percentage) / 100
    if kind == "INCLUSIVE":
        return base - round_half_up(Decimal(base) / (1 + rate))
    return round_half_up(Decimal(base) * rate)


def card_fee(amount, channel):
    share, fixed = POS_FEE if channel == "pos" else ONLINE_FEE
    return round_half_up(Decimal(amount) * share) + fixed


def build_catalog(ids, locations):
    online = next(loc["id"] for loc in locations if loc["_channel"] == "online")
    items, variations, taxes = [], {}, {}
    for name, percentage, kind in (POS_TAX, ONLINE_TAX):
        tax_id = ids.make(24, UPPER)
        taxes[kind] = {
            "type": "TAX",
            "id": tax_id,
            "updated_at": stamp(START - timedelta(days=30)),
            "version": 1,
            "is_deleted": False,
            "present_at_all_locations": True,
            "tax_data": {"name": name, "percentage": percentage, "inclusion_type": kind, "enabled": True},
        }
    for index, (item_name, variants, sold_online) in enumerate(CATALOG):
        item_id = ids.make(24, UPPER)
        updated = stamp(START - timedelta(days=20, minutes=index))
        gift = item_name == "Gift Card"
        objects = []
        for ordinal, (variant_name, sku, price) in enumerate(variants):
            variation_id = ids.make(24, UPPER)
            data = {
                "item_id": item_id,
                "name": variant_name,
                "sku": sku,
                "ordinal": ordinal,
                "pricing_type": "FIXED_PRICING",
                "price_money": money(price, CURRENCY),
                "track_inventory": not gift,
                "sellable": True,
                "stockable": not gift,
            }
            if not gift and not sold_online:
                data["location_overrides"] = [{"location_id": online, "track_inventory": False}]
            obj = {
                "type": "ITEM_VARIATION",
                "id": variation_id,
                "updated_at": updated,
                "version": 1,
                "is_deleted": False,
                "present_at_all_locations": True,
                "item_variation_data": data,
            }
            objects.append(obj)
            variations[variation_id] = {**obj, "_item_name": item_name, "_online": sold_online, "_gift": gift}
        items.append(
            {
                "type": "ITEM",
                "id": item_id,
                "updated_at": updated,
                "version": 1,
                "is_deleted": False,
                "present_at_all_locations": True,
                "item_data": {
                    "name": item_name,
                    "product_type": "REGULAR",
                    "is_taxable": not gift,
                    "tax_ids": [taxes["ADDITIVE" if sold_online else "INCLUSIVE"]["id"]],
                    "variations": objects,
                },
            }
        )
    return items, variations, taxes


def build_locations(ids, merchant_id):
    locations = []
    for key, name, kind, channel in LOCATIONS:
        locations.append(
            {
                "id": ids.make(13, UPPER),
                "name": name,
                "business_name": "Harbor Coffee Roasters",
                "type": kind,
                "status": "ACTIVE",
                "merchant_id": merchant_id,
                "country": "US",
                "currency": CURRENCY,
                "timezone": "America/New_York",
                "language_code": "en-US",
                "capabilities": ["CREDIT_CARD_PROCESSING", "AUTOMATIC_TRANSFERS"],
                "created_at": stamp(START - timedelta(days=400)),
                "_key": key,
                "_channel": channel,
            }
        )
    return locations
