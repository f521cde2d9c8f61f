"""The sandbox shop's live state: what the server serves and what changes it.

Changes (a stock level set through the API, a refund issued, an order
edited) update the objects, move their ``updated_at`` forward on the shop's
own clock, and are announced to the webhook subscriber when there is one.
"""

import copy
import threading
from datetime import timedelta

from . import serializers
from .data_money import stamp
from .data_orders import build_order
from .data_payments import cancel as cancel_draft
from .data_payments import pay
from .data_payments import refund as make_refund
from .data_people import MARKETS, make_person


class UnknownObject(KeyError):
    """The API was asked for an object the shop does not have."""


class SandboxShop:
    """A generated shop (:class:`~.data.ShopData`) that the server reads and changes.

    :param data: the generator's output
    :param webhooks: a :class:`~.webhooks.WebhookSender`, or None
    """

    def __init__(self, data, webhooks=None):
        self.data = data
        self.shop = data.shop
        self.products = {product["id"]: product for product in data.products}
        self.variants = {variant["id"]: variant for product in data.products for variant in product["variants"]}
        self.items = data.inventory_items
        self.locations = {location["id"]: location for location in data.locations}
        self.levels = data.levels
        self.orders = {order["id"]: order for order in data.orders}
        self.transactions = data.transactions
        self.payouts = {payout["id"]: payout for payout in data.payouts}
        self.balance = data.balance_transactions
        self.clock = max([data.now] + [draft.updated for draft in data.drafts.values()])
        self.webhooks = webhooks
        self.lock = threading.RLock()
        #: every stock level set through the API: {"api", "inventory_item_id", "location_id", "available"}
        self.pushes = []

    @property
    def domain(self):
        return self.shop["myshopify_domain"]

    def tick(self):
        """The shop's clock moves one second per change, so every change has a later ``updated_at``."""
        self.clock += timedelta(seconds=1)
        return self.clock

    # ------------------------------------------------------------------
    # state
    def snapshot(self):
        """A copy of the shop's state (orders, levels, payouts, clock, pushes...) for :meth:`restore`."""
        with self.lock:
            return copy.deepcopy({key: value for key, value in vars(self).items() if key not in ("lock", "webhooks")})

    def restore(self, state):
        """Put the shop back as it was at :meth:`snapshot` (tests that change the shop undo it)."""
        with self.lock:
            vars(self).update(copy.deepcopy(state))

    # ------------------------------------------------------------------
    # reads
    def order(self, order_id):
        with self.lock:
            if order_id not in self.orders:
                raise UnknownObject(order_id)
            return copy.deepcopy(self.orders[order_id])

    def order_transactions(self, order_id):
        with self.lock:
            if order_id not in self.orders:
                raise UnknownObject(order_id)
            return copy.deepcopy(self.transactions.get(order_id, []))

    def level(self, item_id, location_id):
        return self.levels.get((item_id, location_id))

    # ------------------------------------------------------------------
    # changes
    def set_available(self, item_id, location_id, available, api):
        """Set a stock level (``inventory_levels/set`` or ``inventorySetQuantities``).

        :raise UnknownObject: for an unknown item or an inactive/unknown location
        :return: the level
        """
        with self.lock:
            if item_id not in self.items:
                raise UnknownObject(f"inventory item {item_id}")
            location = self.locations.get(location_id)
            if location is None or not location["active"]:
                raise UnknownObject(f"location {location_id}")
            level = self.levels.get((item_id, location_id))
            if level is None:
                level = {
                    "inventory_item_id": item_id,
                    "location_id": location_id,
                    "available": 0,
                    "updated_at": "",
                    "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location_id}?inventory_item_id={item_id}",
                }
                self.levels[(item_id, location_id)] = level
            level["available"] = int(available)
            level["updated_at"] = stamp(self.tick())
            self.pushes.append(
                {"api": api, "inventory_item_id": item_id, "location_id": location_id, "available": int(available)}
            )
            snapshot = dict(level)
        self.emit("inventory_levels/update", snapshot)
        return snapshot

    def refund_unit(self, order_id, restock_type="no_restock", note="Refund from the sandbox"):
        """Refund one unit of the order's first line that has one left (money back on its payment).

        :return: the refund as ``refunds/create`` sends it
        """
        with self.lock:
            draft = self.data.drafts.get(order_id)
            if draft is None:
                raise UnknownObject(order_id)
            line = next((line for line in draft.lines if line.quantity > line.refunded), None)
            if line is None:
                raise ValueError(f"order {order_id} has nothing left to refund")
            moment = self.tick()
            made = make_refund(self.data.ids, draft, moment, [(line, 1, restock_type)], note=note,
                               money=draft.captured > draft.refunded)  # fmt: skip
            self._rewrite(draft)
            payload = next(item for item in self.orders[order_id]["refunds"] if item["id"] == made.id)
            order = copy.deepcopy(self.orders[order_id])
        self.emit("refunds/create", payload)
        self.emit("orders/updated", order)
        return payload

    def place_order(self, method="card", market=None):
        """A customer checks out a new order: ``orders/create`` is sent.

        :param str method: how it is paid (see ``data_payments.METHODS``: "card", "paypal", "manual", ...)
        :param str market: the market code of the customer ("US-NY", "DE", ...), random when None
        :return: the order as ``/orders/{id}.json`` gives it
        """
        with self.lock:
            data = self.data
            moment = self.tick()
            person = make_person(data.rng, data.ids, len(data.drafts), registered=True)
            if market is not None:
                person.market = next(item for item in MARKETS if item.code == market)
                person.city, person.zip = person.market.cities[0]
            number = max((draft.number for draft in data.drafts.values()), default=1000) + 1
            draft = build_order(data.rng, data.ids, data.products, person, True, moment, number)
            pay(data.rng, data.ids, draft, method)
            draft.touch(moment)
            data.drafts[draft.id] = draft
            self._rewrite(draft)
            order = copy.deepcopy(self.orders[draft.id])
        self.emit("orders/create", order)
        return order

    def cancel_order(self, order_id, reason="customer"):
        """The merchant cancels an order: every unit left is removed and restocked, the money paid goes back.

        Sends ``refunds/create`` for the cancellation's refund, then ``orders/cancelled``.

        :return: the cancelled order
        """
        with self.lock:
            draft = self.data.drafts.get(order_id)
            if draft is None:
                raise UnknownObject(order_id)
            if draft.cancelled_at:
                raise ValueError(f"order {order_id} is already cancelled")
            known = {item.id for item in draft.refunds}
            cancel_draft(self.data.ids, draft, self.tick(), reason=reason, money=draft.captured > draft.refunded)
            self._rewrite(draft)
            order = copy.deepcopy(self.orders[order_id])
        for payload in order["refunds"]:
            if payload["id"] not in known:
                self.emit("refunds/create", payload)
        self.emit("orders/cancelled", order)
        return order

    def touch_order(self, order_id, note=None):
        """An order changes (a note), its ``updated_at`` moves: ``orders/updated`` is sent."""
        with self.lock:
            draft = self.data.drafts.get(order_id)
            if draft is None:
                raise UnknownObject(order_id)
            if note is not None:
                draft.note = note
            draft.touch(self.tick())
            self._rewrite(draft)
            order = copy.deepcopy(self.orders[order_id])
        self.emit("orders/updated", order)
        return order

    def corrupt_order(self, order_id):
        """Make one order unreadable (a price that is not a number), as a broken record would be."""
        with self.lock:
            order = self.orders[order_id]
            line = order["line_items"][0]
            line["price"] = "12,50 EUR"
            line["price_set"]["presentment_money"]["amount"] = "12,50 EUR"

    def _rewrite(self, draft):
        self.orders[draft.id] = serializers.order(draft, self.domain)
        self.transactions[draft.id] = [serializers.public(tx) for tx in draft.transactions]

    # ------------------------------------------------------------------
    def emit(self, topic, payload):
        if self.webhooks is not None:
            self.webhooks.send(topic, payload)
