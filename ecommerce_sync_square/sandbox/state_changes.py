"""What happens to the sandbox seller while it serves: sales, edits, returns, fee adjustments, payouts, counts.

Each change is made as Square makes it (the objects' versions and ``updated_at`` move) and
announced to the webhook subscriber, when there is one, with the event Square sends.
"""

import copy
import uuid
from datetime import datetime, timedelta, timezone

from .errors import bad_request
from .serializers import count_object, parse_stamp, public, stamp


class SellerChanges:
    """The writes of :class:`~.state.SandboxSeller` (``data``, ``lock``, ``factory``, ``webhooks``)."""

    def change_inventory(self, idempotency_key, changes):
        """Apply PHYSICAL_COUNT changes once per idempotency key; return the counts they set."""
        if not idempotency_key:
            raise bad_request("MISSING_REQUIRED_PARAMETER", "Field must be set", "idempotency_key")
        if not changes or len(changes) > 100:
            raise bad_request("INVALID_ARRAY_LENGTH", "changes must hold 1 to 100 changes", "changes")
        with self.lock:
            if idempotency_key in self._idempotency:
                return self._idempotency[idempotency_key]
            known = {loc["id"] for loc in self.data["locations"]}
            parsed = []
            for index, change in enumerate(changes):
                count = (change or {}).get("physical_count") or {}
                field = f"changes[{index}].physical_count"
                if change.get("type") != "PHYSICAL_COUNT":
                    raise bad_request(
                        "INVALID_ENUM_VALUE", "Only PHYSICAL_COUNT changes are served", f"changes[{index}]"
                    )
                if count.get("catalog_object_id") not in self.data["variations"]:
                    raise bad_request("INVALID_VALUE", "Unknown catalog object", f"{field}.catalog_object_id")
                if count.get("location_id") not in known:
                    raise bad_request("INVALID_VALUE", "Unknown location", f"{field}.location_id")
                try:
                    quantity = int(str(count.get("quantity")))
                except ValueError:
                    raise bad_request("INVALID_VALUE", "quantity must be a decimal", f"{field}.quantity") from None
                parsed.append((count["catalog_object_id"], count["location_id"], quantity))
            now = stamp(datetime.now(timezone.utc))
            result = []
            for variation_id, location_id, quantity in parsed:
                count = count_object(variation_id, location_id, quantity, now)
                self.data["counts"][(variation_id, location_id)] = count
                result.append(dict(count))
            self._idempotency[idempotency_key] = result
        if self.webhooks is not None:
            self.webhooks.send("inventory.count.updated", "inventory_counts", str(uuid.uuid4()), result)
        return result

    def sell(self, location_key, moment=None, offline=False):
        """A new sale at a location (now, or at ``moment``); returns the order."""
        location = next(loc for loc in self.data["locations"] if loc["_key"] == location_key)
        with self.lock:
            order = self.factory.sale(location, moment or datetime.now(timezone.utc), offline=offline)
        self._notify_order("order.created", order)
        return public(order)

    def upload_offline_sale(self, location_key, taken_at):
        """An offline POS sale uploaded now that keeps the time it was taken (``updated_at`` in the past)."""
        location = next(loc for loc in self.data["locations"] if loc["_key"] == location_key)
        with self.lock:
            order = self.factory.sale(location, taken_at)
            self.data["payments"][order["tenders"][0]["payment_id"]]["is_offline_payment"] = True
        self._notify_order("order.created", order)
        return public(order)

    def adjust_fee(self, payment_id, cents, moment=None):
        """A later ADJUSTMENT of a payment's processing fee; the payment's ``updated_at`` moves."""
        with self.lock:
            payment = self.data["payments"][payment_id]
            order = self.data["orders"][payment["order_id"]]
            entry = self.factory.adjust_fee(order, moment or datetime.now(timezone.utc), cents)
        if self.webhooks is not None and entry is not None:
            self.webhooks.send("payment.updated", "payment", payment_id, {"payment": public(payment)})
        return entry

    def touch_order(self, order_id, moment=None):
        """Edit an order: its version and ``updated_at`` move (a note is added)."""
        with self.lock:
            order = self.data["orders"][order_id]
            order["version"] += 1
            order["note"] = f"edited (version {order['version']})"
            order["updated_at"] = stamp(moment or datetime.now(timezone.utc))
        self._notify_order("order.updated", order)
        return public(order)

    def corrupt_order(self, order_id):
        """Make one order unreadable (a line whose money is not an integer)."""
        with self.lock:
            order = self.data["orders"][order_id]
            order["line_items"][0]["gross_sales_money"] = {"amount": "12.50", "currency": "USD"}
            order["updated_at"] = stamp(parse_stamp(order["updated_at"]) + timedelta(milliseconds=1))

    def return_item(self, order_id, moment=None):
        """The buyer brings one unit of the order's first line back: a return order and its card refund."""
        with self.lock:
            order = self.data["orders"][order_id]
            returned = self.factory.return_part(order, moment or datetime.now(timezone.utc))
            refund = next(item for item in self.data["refunds"].values() if item["order_id"] == returned["id"])
        self._notify_order("order.created", returned)
        if self.webhooks is not None:
            self.webhooks.send("refund.created", "refund", refund["id"], {"refund": public(refund)})
        return public(returned)

    def settle_payouts(self, moment=None):
        """Every payout still SENT arrives at the bank (PAID); return them."""
        now = stamp(moment or datetime.now(timezone.utc))
        with self.lock:
            settled = [payout for payout in self.data["payouts"].values() if payout["status"] == "SENT"]
            for payout in settled:
                payout.update(status="PAID", version=payout["version"] + 1, updated_at=now)
        for payout in settled:
            if self.webhooks is not None:
                self.webhooks.send("payout.paid", "payout", payout["id"], {"payout": public(payout)})
        return [public(payout) for payout in settled]

    def set_count(self, variation_id, location_id, quantity):
        """Someone counts the stock of a variation at a location in Square (not through the API's caller)."""
        return self.change_inventory(
            str(uuid.uuid4()),
            [
                {
                    "type": "PHYSICAL_COUNT",
                    "physical_count": {
                        "catalog_object_id": variation_id,
                        "location_id": location_id,
                        "quantity": str(quantity),
                        "state": "IN_STOCK",
                    },
                }
            ],
        )

    def snapshot(self):
        """The seller's state, to :meth:`restore` later (tests undo what they changed)."""
        with self.lock:
            return copy.deepcopy((self.data, self._idempotency))

    def restore(self, state):
        with self.lock:
            data, idempotency = copy.deepcopy(state)
            self.data.clear()
            self.data.update(data)
            self._idempotency = idempotency
            self.factory.data = self.data

    def _notify_order(self, topic, order):
        if self.webhooks is None:
            return
        key = "order_created" if topic == "order.created" else "order_updated"
        summary = {
            key: {
                "order_id": order["id"],
                "location_id": order["location_id"],
                "state": order["state"],
                "version": order["version"],
                "created_at": order["created_at"],
                "updated_at": order["updated_at"],
            }
        }
        self.webhooks.send(topic, "order", order["id"], summary)
