"""Shipping an order: one fulfilment, split fulfilments, or a partial one, with tracking."""

from datetime import timedelta

from .data_orders import FulfillmentDraft

CARRIERS = (
    ("UPS", "1Z{:06X}{:010d}", "https://www.ups.com/track?tracknum={}"),
    ("USPS", "9400{:018d}", "https://tools.usps.com/go/TrackConfirmAction?tLabels={}"),
    ("DHL Express", "{:010d}", "https://www.dhl.com/en/express/tracking.html?AWB={}"),
)


def tracking(rng):
    company, pattern, url = rng.choice(CARRIERS)
    if pattern.count("{") == 2:
        number = pattern.format(rng.randint(0, 0xFFFFFF), rng.randint(0, 10**10 - 1))
    else:
        number = pattern.format(rng.randint(0, 10**18 - 1))
    return company, number, url.format(number)


def fulfill(rng, ids, draft, location_id, moment, items):
    """Ship ``items`` (``[(line, units)]``) from ``location_id``."""
    company, number, url = tracking(rng)
    fulfillment = FulfillmentDraft(
        id=ids.next("fulfillment"),
        created=moment,
        location_id=location_id,
        items=[(line, units) for line, units in items if units > 0],
        tracking_company=company,
        tracking_number=number,
        tracking_url=url,
        name=f"#{draft.number}.{len(draft.fulfillments) + 1}",
    )
    for line, units in fulfillment.items:
        line.fulfilled += units
    draft.fulfillments.append(fulfillment)
    draft.touch(moment)
    return fulfillment


def ship(rng, ids, draft, locations, now):
    """Fulfil the order fully (often), in two shipments (sometimes) or partly (rarely), or not yet.

    Nothing ships at or after ``now``: later shipments have simply not happened yet.
    """
    shippable = [line for line in draft.lines if line.shippable > 0]
    if not shippable:
        return
    mode = rng.choices(("none", "full", "split", "partial"), weights=(20, 55, 15, 10))[0]
    first = draft.created + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 8))
    main = locations[0]["id"]
    if first >= now:
        return
    if mode == "full":
        fulfill(rng, ids, draft, main, first, [(line, line.shippable) for line in shippable])
        return
    units = [(line, line.shippable) for line in shippable]
    total_units = sum(count for _line, count in units)
    if mode == "none" or total_units < 2:
        return
    first_items, second_items = [], []
    for index, (line, count) in enumerate(units):
        if len(units) > 1:
            (first_items if index % 2 == 0 else second_items).append((line, count))
        else:
            first_items.append((line, count // 2 or 1))
            second_items.append((line, count - (count // 2 or 1)))
    fulfill(rng, ids, draft, main, first, first_items)
    second = first + timedelta(days=rng.randint(1, 2))
    if mode == "split" and second < now:
        origin = rng.choice([location for location in locations if location["active"]])["id"]
        fulfill(rng, ids, draft, origin, second, second_items)
