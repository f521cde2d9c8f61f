"""The sandbox site's mutable state and what changes it: catalogue, stock, order statuses, refunds.

Changes move the data as WooCommerce does: stock is reduced when an order is
paid or put on hold and restored when it is cancelled or fails; restocked
refund quantities go back to the product and are recorded on the order line
(``_restock_refunded_items``); a status change or a stock update moves
``date_modified``, a stock movement from an order does not.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from .data_money import PRECISE, ZERO, cents, money, precise, stamp
from .data_sites import SiteProfile
from .serializers import links, product_payload, variation_payload
from .state_checkout import Checkout

#: the site's clock when it is generated: its first order is placed a little later
START = datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)


@dataclass
class SiteData(Checkout):
    """A WooCommerce site's objects, as payload dicts, with WooCommerce-like mutations.

    Orders are placed by :meth:`~.state_checkout.Checkout.create_order`; their
    statuses, refunds and the stock they move are changed here.
    """

    profile: SiteProfile
    seed: int
    site_url: str = "https://example.com"
    now: datetime = field(default_factory=lambda: START)
    products: dict = field(default_factory=dict)
    variations: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    _post_id: int = 100
    _order_id: int = 1000
    _item_id: int = 0
    _meta_id: int = 5000

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self._stock_reduced = set()

    # -- ids and time ---------------------------------------------------
    def _next_post(self):
        self._post_id += 1
        return self._post_id

    def _next_order(self):
        self._order_id += 1
        return self._order_id

    def _next_item(self):
        self._item_id += 1
        return self._item_id

    def _meta(self, key, value):
        self._meta_id += 1
        return {"id": self._meta_id, "key": key, "value": value}

    def local(self, moment):
        return moment + timedelta(hours=self.profile.utc_offset)

    def _dates(self, payload, key, moment):
        payload[key] = stamp(self.local(moment)) if moment else None
        payload[f"{key}_gmt"] = stamp(moment) if moment else None

    def tick(self, seconds=1):
        self.now += timedelta(seconds=seconds)
        return self.now

    # -- catalogue ------------------------------------------------------
    def item(self, item_id):
        """A product or variation payload by id."""
        return self.products.get(item_id) or self.variations.get(item_id)

    def sellable(self):
        """Ids of what can be ordered: simple products and variations."""
        ids = []
        for product in self.products.values():
            if product["type"] == "variable":
                ids.extend(product["variations"])
            else:
                ids.append(product["id"])
        return ids

    def add_product(
        self, sku, name, price, tax_class="", attributes=(), stock_mode="own", stock=None, variation_skus=None
    ):
        """Add a simple product, or a variable one with a variation per combination of ``attributes``.

        :param dict variation_skus: ``{combination: sku}`` for variations whose SKU is given
            (a combination is a tuple of ``(attribute, option)``); the others get the
            product's SKU followed by their options' initials
        """
        product_id = self._next_post()
        created = self.now - timedelta(days=30)
        variable = bool(attributes)
        product = product_payload(self, product_id, sku, name, price, tax_class, variable, attributes, created)
        if stock_mode == "untracked":
            product.update(manage_stock=False, stock_quantity=None)
        elif not variable or stock_mode == "parent":
            product.update(manage_stock=True, stock_quantity=stock if stock is not None else self.rng.randint(40, 90))
        self.products[product_id] = product
        if variable:
            combos = [()]
            for attribute_name, options in attributes:
                combos = [combo + ((attribute_name, option),) for combo in combos for option in options]
            for combo in combos:
                variation_id = self._next_post()
                variation = variation_payload(self, variation_id, product, combo, price, tax_class, created)
                if variation_skus and combo in variation_skus:
                    variation["sku"] = variation_skus[combo]
                if stock_mode == "parent":
                    variation.update(manage_stock="parent", stock_quantity=product["stock_quantity"])
                else:
                    variation.update(manage_stock=True, stock_quantity=self.rng.randint(15, 60))
                self.variations[variation_id] = variation
                product["variations"].append(variation_id)
            sync_variable_price(product, self)
        return product

    def _stock_item(self, item):
        """The payload holding the stock of ``item`` (its parent for "parent" variations)."""
        if item.get("manage_stock") == "parent":
            return self.products[item["parent_id"]]
        return item if item.get("manage_stock") is True else None

    def adjust_stock(self, item_id, delta):
        """Move stock as orders, cancellations and restocks do (no date_modified change, as in WooCommerce)."""
        item = self.item(item_id)
        holder = self._stock_item(item) if item else None
        if holder is not None:
            self._write_stock(holder, holder["stock_quantity"] + delta)

    def set_stock(self, item_id, quantity, at=None, manage_stock=True):
        """Set a product's or variation's stock as a PUT/batch update does (bumps date_modified)."""
        item = self.item(item_id)
        item["manage_stock"] = manage_stock
        self._write_stock(item, int(quantity))
        self._dates(item, "date_modified", at or self.tick())
        return item

    def _write_stock(self, item, quantity):
        item["stock_quantity"] = int(quantity)
        item["stock_status"] = "instock" if quantity > 0 else "outofstock"
        if item.get("type") != "variation":
            # variations whose stock is managed by their parent show the shared quantity
            for variation in self.variations.values():
                if variation.get("parent_id") == item["id"] and variation.get("manage_stock") == "parent":
                    variation["stock_quantity"] = int(quantity)
                    variation["stock_status"] = item["stock_status"]

    # -- orders -----------------------------------------------------------
    def _reduce_stock(self, payload):
        self._stock_reduced.add(payload["id"])
        for line in payload["line_items"]:
            item_id = line["variation_id"] or line["product_id"]
            item = self.item(item_id)
            if item is not None and self._stock_item(item) is not None:
                self.adjust_stock(item_id, -line["quantity"])
                line["meta_data"].append(self._meta("_reduced_stock", str(line["quantity"])))

    def _restore_stock(self, payload):
        self._stock_reduced.discard(payload["id"])
        for line in payload["line_items"]:
            reduced = meta_get(line, "_reduced_stock")
            if reduced:
                self.adjust_stock(line["variation_id"] or line["product_id"], int(reduced))
                line["meta_data"] = [meta for meta in line["meta_data"] if meta["key"] != "_reduced_stock"]

    def _set_status(self, payload, status, at):
        if status in ("on-hold", "processing", "completed") and payload["id"] not in self._stock_reduced:
            self._reduce_stock(payload)
        elif status in ("cancelled", "failed") and payload["id"] in self._stock_reduced:
            self._restore_stock(payload)
        payload["status"] = status
        if status in ("processing", "completed") and not payload["date_paid_gmt"]:
            self._dates(payload, "date_paid", at)
            if payload["payment_method"] in ("stripe", "ppcp-gateway") and not payload["transaction_id"]:
                prefix = "pi_" if payload["payment_method"] == "stripe" else "PAY-"
                payload["transaction_id"] = (
                    prefix + hashlib.sha1(f"{self.seed}-{payload['id']}".encode()).hexdigest()[:24]
                )
        if status == "completed" and not payload["date_completed_gmt"]:
            self._dates(payload, "date_completed", at)
        self._dates(payload, "date_modified", at)

    def set_status(self, order_id, status, at=None):
        """Change an order's status as WooCommerce does (stock restored on cancel/fail)."""
        payload = self.orders[order_id]
        self._set_status(payload, status, at or self.tick())
        return payload

    def trash_order(self, order_id, at=None):
        return self.set_status(order_id, "trash", at)

    def delete_order(self, order_id):
        """Delete an order permanently ("Delete permanently" in the trash): the API answers 404 for it."""
        self._stock_reduced.discard(order_id)
        self.refunds.pop(order_id, None)
        return self.orders.pop(order_id)

    def refund(self, order_id, items=None, extra=ZERO, restock=True, api_refund=True, reason="", at=None):
        """Refund ``items`` (``{line id: quantity}``) and ``extra`` (an amount without items).

        :return: the refund payload
        """
        payload = self.orders[order_id]
        at = at or self.tick()
        refund_id = self._next_order()
        lines = {line["id"]: line for line in payload["line_items"]}
        refund_items = []
        amount = Decimal(extra)
        for line_id, quantity in (items or {}).items():
            line = lines[line_id]
            total, taxes = refund_amounts(line, quantity)
            tax_total = sum((value for _id, value in taxes), ZERO)
            amount += cents(total) + tax_total
            refund_items.append(
                {
                    "id": self._next_item(),
                    "name": line["name"],
                    "product_id": line["product_id"],
                    "variation_id": line["variation_id"],
                    "quantity": -int(quantity),
                    "tax_class": line["tax_class"],
                    "subtotal": money(-total),
                    "subtotal_tax": money(-tax_total),
                    "total": money(-total),
                    "total_tax": money(-tax_total),
                    "taxes": [
                        {"id": rate_id, "total": precise(-value), "subtotal": precise(-value)}
                        for rate_id, value in taxes
                    ],
                    "meta_data": [self._meta("_refunded_item_id", str(line_id))],
                    "sku": line["sku"],
                    "price": -float(total / Decimal(quantity)) if quantity else 0,
                }
            )
            if restock:
                restocked = int(meta_get(line, "_restock_refunded_items") or 0) + int(quantity)
                line["meta_data"] = [meta for meta in line["meta_data"] if meta["key"] != "_restock_refunded_items"]
                line["meta_data"].append(self._meta("_restock_refunded_items", str(restocked)))
                self.adjust_stock(line["variation_id"] or line["product_id"], int(quantity))
        refund = {"id": refund_id}
        self._dates(refund, "date_created", at)
        refund.update(
            amount=money(amount),
            reason=reason,
            refunded_by=1,
            refunded_payment=bool(api_refund),
            meta_data=[],
            line_items=refund_items,
            _links=links(f"orders/{order_id}/refunds/{refund_id}", up=f"orders/{order_id}", site=self.site_url),
        )
        self.refunds[order_id].insert(0, refund)
        payload["refunds"].insert(0, {"id": refund_id, "reason": reason, "total": money(-amount)})
        refunded = sum((Decimal(r["amount"]) for r in self.refunds[order_id]), ZERO)
        status = "refunded" if refunded >= Decimal(payload["total"]) else payload["status"]
        self._set_status(payload, status, at)
        return refund

    def full_refund(self, order_id, restock=True, api_refund=True, reason="", at=None):
        """Refund every unit of every line and whatever else is left (shipping, fees)."""
        payload = self.orders[order_id]
        already = {}
        for refund in self.refunds[order_id]:
            for item in refund["line_items"]:
                line_id = int(meta_get(item, "_refunded_item_id"))
                already[line_id] = already.get(line_id, 0) - item["quantity"]
        items = {
            line["id"]: line["quantity"] - already.get(line["id"], 0)
            for line in payload["line_items"]
            if line["quantity"] - already.get(line["id"], 0) > 0
        }
        left = Decimal(payload["total"]) - sum((Decimal(r["amount"]) for r in self.refunds[order_id]), ZERO)
        lines = {line["id"]: line for line in payload["line_items"]}
        items_value = ZERO
        for line_id, quantity in items.items():
            total, taxes = refund_amounts(lines[line_id], quantity)
            items_value += cents(total) + sum((value for _id, value in taxes), ZERO)
        return self.refund(
            order_id, items, extra=left - items_value, restock=restock, api_refund=api_refund, reason=reason, at=at
        )


# ----------------------------------------------------------------------
def meta_get(item, key):
    """The value of ``item``'s meta data entry ``key`` (None when absent)."""
    for meta in item.get("meta_data") or []:
        if meta.get("key") == key:
            return meta.get("value")
    return None


def refund_amounts(line, quantity):
    """What refunding ``quantity`` units of an order line gives back: (total, [(rate id, tax)]).

    As the order screen's refund form computes it (``meta-boxes-order.js``,
    taxes rounded per line): the unit total times the quantity to 6 places,
    and per rate the unit share of the line's unrounded tax times the
    quantity, rounded to the cent.
    """
    quantity = Decimal(quantity)
    units = Decimal(line["quantity"])
    total = (Decimal(line["total"]) / units * quantity).quantize(PRECISE, ROUND_HALF_UP)
    taxes = [(tax["id"], cents(Decimal(tax["total"]) / units * quantity)) for tax in line["taxes"]]
    return total, taxes


def sync_variable_price(product, site):
    """A variable product's price: its cheapest variation's."""
    prices = [Decimal(site.variations[v]["price"]) for v in product["variations"]]
    product["price"] = f"{min(prices):.2f}" if prices else ""
