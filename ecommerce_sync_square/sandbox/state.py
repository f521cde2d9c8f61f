"""The sandbox seller's mutable state and what its API does with it.

Every query returns Square-shaped dicts (the sandbox's own "_" keys
removed); lists are sorted as Square sorts them, so cursors stay valid
between pages.
"""

import copy
import random
import threading

from .data import generate
from .data_orders import OrderFactory
from .data_tables import Ids
from .errors import SquareError, bad_request, not_found
from .serializers import parse_stamp, public
from .state_changes import SellerChanges


def in_range(value, start, end):
    if not value:
        return False
    moment = parse_stamp(value)
    return (start is None or moment >= start) and (end is None or moment <= end)


def time_arg(value, field):
    if value in (None, ""):
        return None
    try:
        return parse_stamp(value)
    except ValueError:
        raise bad_request("INVALID_TIME", f"Invalid RFC 3339 timestamp: {str(value)[:40]}", field) from None


class SandboxSeller(SellerChanges):
    """A seller account served by the sandbox.

    :param dict data: what :func:`~.data.generate` returns (a fresh one when None)
    :param webhooks: a :class:`~.webhooks.WebhookSender` told of every change (or None)
    """

    def __init__(self, data=None, webhooks=None, seed=7):
        self.data = data if data is not None else generate(seed=seed)
        self.webhooks = webhooks
        self.lock = threading.RLock()
        self.ids = Ids(random.Random(seed + 1000))
        self.factory = OrderFactory(self.data, self.ids, self.ids.rng)
        self._idempotency = {}

    # ------------------------------------------------------------------
    # reads
    @property
    def merchant(self):
        return public(self.data["merchant"])

    def locations(self):
        return [public(location) for location in self.data["locations"]]

    def location_id(self, key):
        return next(loc["id"] for loc in self.data["locations"] if loc["_key"] == key)

    def search_orders(self, location_ids, start_at=None, end_at=None, states=None, field="updated_at", order="ASC"):
        known = {loc["id"] for loc in self.data["locations"]}
        if not location_ids or len(location_ids) > 10:
            raise bad_request("INVALID_VALUE", "location_ids must hold 1 to 10 location ids", "location_ids")
        for location_id in location_ids:
            if location_id not in known:
                raise SquareError(403, "AUTHENTICATION_ERROR", "FORBIDDEN", f"Location {location_id} is not yours")
        with self.lock:
            found = [
                order_obj
                for order_obj in self.data["orders"].values()
                if order_obj["location_id"] in location_ids
                and (not states or order_obj["state"] in states)
                and (start_at is None and end_at is None or in_range(order_obj.get(field), start_at, end_at))
            ]
        found.sort(key=lambda item: (item.get(field) or "", item["id"]), reverse=order == "DESC")
        return [self._order_view(item) for item in found]

    def _order_view(self, order):
        return public(copy.deepcopy(order))

    def order(self, order_id):
        with self.lock:
            found = self.data["orders"].get(order_id)
        if found is None:
            raise not_found(f"Order {order_id} not found.")
        return self._order_view(found)

    def payments(self, location_id=None, begin=None, end=None, field="created_at", order="ASC"):
        location_id = location_id or self.data["merchant"]["main_location_id"]
        with self.lock:
            found = [
                item
                for item in self.data["payments"].values()
                if item["location_id"] == location_id
                and (begin is None and end is None or in_range(item.get(field), begin, end))
            ]
        found.sort(key=lambda item: (item.get(field) or "", item["id"]), reverse=order == "DESC")
        return [public(item) for item in found]

    def payment(self, payment_id):
        found = self.data["payments"].get(payment_id)
        if found is None:
            raise not_found(f"Could not find payment with id: {payment_id}")
        return public(found)

    def refunds(self, location_id=None, begin=None, end=None, field="created_at", order="ASC"):
        with self.lock:
            found = [
                item
                for item in self.data["refunds"].values()
                if (not location_id or item["location_id"] == location_id)
                and (begin is None and end is None or in_range(item.get(field), begin, end))
            ]
        found.sort(key=lambda item: (item.get(field) or "", item["id"]), reverse=order == "DESC")
        return [public(item) for item in found]

    def refund(self, refund_id):
        found = self.data["refunds"].get(refund_id)
        if found is None:
            raise not_found(f"Could not find refund with id: {refund_id}")
        return public(found)

    def payouts(self, location_id=None, begin=None, end=None, status=None, order="DESC"):
        location_id = location_id or self.data["merchant"]["main_location_id"]
        with self.lock:
            found = [
                item
                for item in self.data["payouts"].values()
                if item["location_id"] == location_id
                and (not status or item["status"] == status)
                and (begin is None and end is None or in_range(item["created_at"], begin, end))
            ]
        found.sort(key=lambda item: (item["created_at"], item["id"]), reverse=order == "DESC")
        return [public(item) for item in found]

    def payout(self, payout_id):
        found = self.data["payouts"].get(payout_id)
        if found is None:
            raise not_found(f"Payout {payout_id} not found.")
        return public(found)

    def payout_entries(self, payout_id, order="ASC"):
        if payout_id not in self.data["payouts"]:
            raise not_found(f"Payout {payout_id} not found.")
        entries = list(self.data["entries"].get(payout_id, []))
        return [public(item) for item in (reversed(entries) if order == "DESC" else entries)]

    def catalog(self, types):
        wanted = {item.strip().upper() for item in (types or "").split(",") if item.strip()}
        objects = list(self.data["items"]) + list(self.data["taxes"].values())
        return [public(obj) for obj in objects if not wanted or obj["type"] in wanted]

    def catalog_objects(self, object_ids):
        found = []
        for object_id in object_ids:
            obj = self.data["variations"].get(object_id)
            if obj is None:
                obj = next((item for item in self.data["items"] if item["id"] == object_id), None)
            if obj is not None:
                found.append(public(obj))
        return found

    def counts(self, location_ids=None, variation_ids=None, states=None, updated_after=None):
        with self.lock:
            found = [
                count
                for (variation_id, location_id), count in sorted(self.data["counts"].items())
                if (not location_ids or location_id in location_ids)
                and (variation_ids is None or variation_id in variation_ids)
                and (not states or count["state"] in states)
                and (updated_after is None or parse_stamp(count["calculated_at"]) > updated_after)
            ]
        # Square answers the newest counts first
        found.sort(key=lambda count: count["calculated_at"], reverse=True)
        return [dict(count) for count in found]
