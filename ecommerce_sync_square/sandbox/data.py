"""Generated, seeded data of a Square seller: locations, catalog, orders, payments, payouts, counts.

Three locations: two registers (a café and a kiosk, tax-inclusive prices,
tips, cash and card tenders) and a Square Online store (additive sales tax,
shipping as a service charge, order discounts, shipments). Card payments
carry Square's INITIAL processing fee; some get a later ADJUSTMENT. Some
orders are returned in part (a return order with the refund). Payouts settle
each location's card activity day by day; their entries add up to them.
"""

import random
from datetime import datetime, timedelta, timezone

from .data_orders import OrderFactory
from .data_tables import CURRENCY, START, UPPER, Ids, build_catalog, build_locations
from .serializers import count_object, money, payout_entry, stamp


def generate(seed=7, orders=60, days=8):
    """A seller's whole state as plain dicts (see :class:`~.state.SandboxSeller`)."""
    rng = random.Random(seed)
    ids = Ids(rng)
    merchant_id = ids.make(13, UPPER)
    locations = build_locations(ids, merchant_id)
    items, variations, taxes = build_catalog(ids, locations)
    data = {
        "merchant": {
            "id": merchant_id,
            "business_name": "Harbor Coffee Roasters",
            "country": "US",
            "language_code": "en-US",
            "currency": CURRENCY,
            "status": "ACTIVE",
            "main_location_id": locations[0]["id"],
            "created_at": stamp(START - timedelta(days=400)),
        },
        "locations": locations,
        "items": items,
        "variations": variations,
        "taxes": taxes,
        "orders": {},
        "payments": {},
        "refunds": {},
        "payouts": {},
        "entries": {},
        "counts": {},
    }
    factory = OrderFactory(data, ids, rng)
    step = timedelta(days=days) / max(orders, 1)
    for index in range(orders):
        moment = START + step * index + timedelta(seconds=rng.randint(0, 600))
        location = locations[index % len(locations)]
        order = factory.sale(location, moment, offline=location["_channel"] == "pos" and index % 11 == 5)
        if index % 6 == 2 and order["tenders"][0]["type"] == "CARD":
            factory.return_part(order, moment + timedelta(hours=rng.randint(2, 30)))
        if index % 7 == 3:
            factory.adjust_fee(order, moment + timedelta(days=2, hours=3), rng.choice((3, -2, 5)))
    for location in locations:
        for variation_id, variation in variations.items():
            if variation["_gift"] or (location["_channel"] == "online" and not variation["_online"]):
                continue
            data["counts"][(variation_id, location["id"])] = count_object(
                variation_id, location["id"], rng.randint(4, 60), stamp(START - timedelta(days=1))
            )
    settle_payouts(data, ids, START + timedelta(days=days))
    return data


def settle_payouts(data, ids, now):
    """One payout per location and day of card activity; the last two days are still SENT."""
    activity = {}
    for payment in data["payments"].values():
        if payment["source_type"] != "CARD":
            continue
        location, currency = payment["location_id"], payment["total_money"]["currency"]
        for fee in payment["processing_fee"]:
            if fee["type"] == "INITIAL":
                entry = ("CHARGE", payment["total_money"]["amount"], fee["amount_money"]["amount"])
                details = {"payment_id": payment["id"]}
                when = payment["created_at"]
            else:
                amount = fee["amount_money"]["amount"]
                entry, details, when = ("FEE", 0, amount), {"payment_id": payment["id"]}, fee["effective_at"]
            activity.setdefault((location, when[:10]), []).append((when, entry, details, currency))
    for refund in data["refunds"].values():
        fee = sum(item["amount_money"]["amount"] for item in refund["processing_fee"])
        entry = ("REFUND", -refund["amount_money"]["amount"], fee)
        details = {"payment_id": refund["payment_id"], "refund_id": refund["id"]}
        day = refund["created_at"][:10]
        activity.setdefault((refund["location_id"], day), []).append((refund["created_at"], entry, details, "USD"))
    cutoff = (now - timedelta(days=2)).strftime("%Y-%m-%d")
    for (location, day), rows in sorted(activity.items(), key=lambda item: (item[0][1], item[0][0])):
        payout_id = ids.uuid("po_")
        created = datetime.fromisoformat(day).replace(tzinfo=timezone.utc) + timedelta(days=1, hours=2)
        entries = []
        for when, (kind, gross, fee), details, currency in sorted(rows, key=lambda row: row[0]):
            entry_id = ids.make(28, prefix="poe_")
            entries.append(payout_entry(entry_id, payout_id, when, kind, gross, fee, currency, details))
        amount = sum(entry["net_amount_money"]["amount"] for entry in entries)
        sent = day >= cutoff
        data["payouts"][payout_id] = {
            "id": payout_id,
            "status": "SENT" if sent else "PAID",
            "location_id": location,
            "created_at": stamp(created),
            "updated_at": stamp(created + timedelta(hours=0 if sent else 20)),
            "amount_money": money(amount, CURRENCY),
            "destination": {"type": "BANK_ACCOUNT", "id": "bact:" + ids.make(16)},
            "version": 1 if sent else 2,
            "type": "BATCH",
            "arrival_date": (created + timedelta(days=1)).strftime("%Y-%m-%d"),
        }
        data["entries"][payout_id] = entries
