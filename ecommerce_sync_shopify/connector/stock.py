"""Shopify stock: inventory levels read, available quantities pushed.

Levels name an inventory item at a location, not a variant: the variant is
found through an index of the catalogue (inventory item id -> variant id and
SKU), read once per connector. The store syncs the locations mapped to its
warehouse, or every active location when none is mapped.

Pushes: GraphQL ``inventorySetQuantities`` sets a whole batch in one call;
the REST endpoint ``inventory_levels/set`` sets one item at one location per
call and is the fallback (API versions or apps without the GraphQL mutation)
and a store setting.
"""

import logging

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    Page,
    PushResult,
    RawRecord,
    RecordError,
    StockLevel,
    TransientError,
    describe,
    numeric_id,
    optional_id,
    require_object,
    required_id,
    to_decimal,
)

from .client import PAGE_SIZE, chunks, cursor_of
from .payloads import gid, gid_number, text, unwrap

_logger = logging.getLogger(__name__)

#: Shopify's limit on inventory item ids per inventory levels call
LEVEL_ITEM_IDS_PER_CALL = 50
SET_QUANTITIES = """
mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}
""".strip()
REFERENCE_URI = "gid://ecommerce-sync/StockPush/odoo"


def parse_inventory_level(data, variant_index=None):
    """An inventory level (list answer, ``inventory_levels/update`` webhook) as a :class:`StockLevel`.

    Shopify levels name an inventory item, not a variant: the variant is filled
    in from ``variant_index`` (inventory item id -> (variant id, sku)) or from a
    ``variant_id`` the connector added; otherwise it stays empty and the item id
    identifies the stock.
    """
    data = require_object(unwrap(data, "inventory_level"), "an inventory level")
    item_id = required_id(data.get("inventory_item_id"), "inventory level inventory_item_id")
    variant_id, sku = (variant_index or {}).get(item_id, (text(data.get("variant_id")), text(data.get("sku"))))
    available = data.get("available")
    return StockLevel(
        variant_external_id=variant_id,
        available=to_decimal(available if available is not None else 0, "available"),
        location_external_id=optional_id(data.get("location_id"), f"inventory item {item_id} location_id"),
        inventory_item_id=item_id,
        sku=sku,
    )


class ShopifyStock:
    """The stock side of one store: levels read at its locations, levels pushed.

    :param client: the :class:`~.client.ShopifyClient`
    :param dict config: the connector's config (``location_ids``, ``default_location_id``, ``push_api``)
    :param fetch_locations: returns the shop's locations (:class:`~.catalog.ShopifyLocation`)
    """

    def __init__(self, client, config, fetch_locations):
        self.client = client
        self.config = config
        self.fetch_locations = fetch_locations
        self.graphql_push = config.get("push_api", "graphql") != "rest"
        self._index = None
        self._locations = None

    def variant_index(self):
        """``{inventory item id: (variant id, sku)}`` of the whole catalogue, read once."""
        if self._index is None:
            index = {}
            params = {"limit": PAGE_SIZE, "fields": "id,variants"}
            for products, _response in self.client.paginate("products.json", params, "products"):
                for product in products:
                    for variant in (product.get("variants") or []) if isinstance(product, dict) else []:
                        item_id = numeric_id(variant.get("inventory_item_id")) if isinstance(variant, dict) else ""
                        if item_id and numeric_id(variant.get("id")):
                            index[item_id] = (numeric_id(variant["id"]), text(variant.get("sku")))
            self._index = index
        return self._index

    def location_ids(self):
        """The locations the store syncs: the mapped ones, else every active location."""
        if self._locations is None:
            configured = [numeric_id(item) for item in self.config.get("location_ids") or [] if numeric_id(item)]
            self._locations = configured or [loc.external_id for loc in self.fetch_locations() if loc.active]
        return self._locations

    # ------------------------------------------------------------------
    # read
    def fetch_changed(self, cursor, page_size=PAGE_SIZE):
        """Yield :class:`Page` objects of the levels changed since ``cursor`` at the synced locations.

        Levels are not listed in ``updated_at`` order, so only the last page
        carries the new cursor (the latest ``updated_at`` seen).
        """
        index = self.variant_index()
        params = {"location_ids": ",".join(self.location_ids()), "limit": page_size}
        if cursor:
            params["updated_at_min"] = cursor
        latest = cursor
        previous = None
        for levels, _response in self.client.paginate("inventory_levels.json", params, "inventory_levels"):
            if previous is not None:
                yield Page(previous)
            latest = cursor_of(levels, latest)
            previous = [
                RawRecord(level_id(level), with_variant(level, index), str(level.get("updated_at") or ""))
                for level in levels
                if isinstance(level, dict)
            ]
        if previous is not None:
            yield Page(previous, cursor=latest)

    def levels(self, variant_external_ids=None):
        """Yield the :class:`StockLevel` of the variants given (every one when None) at the synced locations."""
        index = self.variant_index()
        locations = ",".join(self.location_ids())
        if variant_external_ids is None:
            batches = [None]
        else:
            wanted = {str(variant_id) for variant_id in variant_external_ids}
            items = (item for item, (variant, _sku) in index.items() if variant in wanted)
            batches = list(chunks(items, LEVEL_ITEM_IDS_PER_CALL))
        for batch in batches:
            params = {"location_ids": locations, "limit": PAGE_SIZE}
            if batch is not None:
                params["inventory_item_ids"] = ",".join(batch)
            for levels, _response in self.client.paginate("inventory_levels.json", params, "inventory_levels"):
                for level in levels:
                    try:
                        yield parse_inventory_level(level, index)
                    except RecordError as exc:
                        # one unreadable level does not hide the others
                        _logger.warning("Shopify inventory level left out of the stock levels: %s", exc)

    # ------------------------------------------------------------------
    # push
    def push(self, updates):
        """Set available quantities: one GraphQL mutation per batch, REST ``inventory_levels/set`` as fallback.

        :rtype: PushResult
        """
        result = PushResult()
        ready = []
        for update in updates:
            problem = self._resolve(update)
            if problem:
                result.failed.append((update, problem))
            else:
                ready.append(update)
        if not ready:
            return result
        if self.graphql_push:
            try:
                accepted, failed = push_graphql(self.client, ready)
            except (AuthenticationError, TransientError):
                raise
            except ApiError as exc:
                _logger.warning("Shopify GraphQL stock push failed (%s); using REST inventory_levels/set", exc)
                self.graphql_push = False
                accepted, failed = push_rest(self.client, ready)
        else:
            accepted, failed = push_rest(self.client, ready)
        result.accepted.extend(accepted)
        result.failed.extend(failed)
        return result

    def _resolve(self, update):
        """Fill the update's inventory item and location (both Shopify ids); return a message when impossible."""
        if not update.inventory_item_id:
            by_variant = {variant: item for item, (variant, _sku) in self.variant_index().items()}
            update.inventory_item_id = by_variant.get(numeric_id(update.variant_external_id), "")
            if not update.inventory_item_id:
                return f"Shopify has no inventory item for variant {describe(update.variant_external_id)}"
        if not gid_number(update.inventory_item_id, "InventoryItem"):
            return f"{describe(update.inventory_item_id)} is not a Shopify inventory item id"
        if not update.location_external_id:
            default = self.config.get("default_location_id") or next(iter(self.location_ids()), "")
            update.location_external_id = str(default or "")
            if not update.location_external_id:
                return "No Shopify location is mapped to receive stock levels"
        if not gid_number(update.location_external_id, "Location"):
            return f"{describe(update.location_external_id)} is not a Shopify location id"
        return ""


def level_id(level):
    """``<inventory item id>@<location id>``, the id of a level; "" when either is not a Shopify id."""
    item_id, location_id = numeric_id(level.get("inventory_item_id")), numeric_id(level.get("location_id"))
    return f"{item_id}@{location_id}" if item_id and location_id else ""


def with_variant(level, index):
    """A level with the ``variant_id`` and ``sku`` of its inventory item, when the index knows it."""
    variant_id, sku = index.get(numeric_id(level.get("inventory_item_id")), ("", ""))
    return {**level, "variant_id": variant_id, "sku": sku} if variant_id else level


def error_index(error):
    """The index in ``quantities`` a user error points at, or None."""
    field = error.get("field") or []
    for position, part in enumerate(field[:-1]):
        if part == "quantities":
            try:
                return int(field[position + 1])
            except (TypeError, ValueError):
                return None
    return None


def push_graphql(client, updates):
    """Set ``updates`` (with inventory item and location resolved) in one mutation.

    ``inventorySetQuantities`` applies all quantities or none: when Shopify
    refuses some of them (user errors naming their index), the others are
    sent again without them, once.

    :return: ``(accepted, failed)`` lists; failed items are ``(update, message)``
    :raise ApiError: when the GraphQL call itself fails
    """
    failed = []
    pending = list(updates)
    for _attempt in range(2):
        if not pending:
            break
        variables = {
            "input": {
                "name": "available",
                "reason": "correction",
                "ignoreCompareQuantity": True,
                "referenceDocumentUri": REFERENCE_URI,
                "quantities": [
                    {
                        "inventoryItemId": gid("InventoryItem", update.inventory_item_id),
                        "locationId": gid("Location", update.location_external_id),
                        "quantity": int(update.quantity),
                    }
                    for update in pending
                ],
            }
        }
        data = client.graphql(SET_QUANTITIES, variables)
        answer = data.get("inventorySetQuantities")
        errors = (answer.get("userErrors") if isinstance(answer, dict) else None) or []
        errors = [error if isinstance(error, dict) else {"message": str(error)} for error in errors]
        if not errors:
            return pending, failed
        bad = {}
        for error in errors:
            index = error_index(error)
            message = error.get("message") or str(error)
            if index is None or not 0 <= index < len(pending):
                return [], failed + [(update, f"Shopify refused the stock update: {message}") for update in pending]
            bad.setdefault(index, message)
        failed += [(pending[index], f"Shopify refused the stock update: {message}") for index, message in bad.items()]
        pending = [update for index, update in enumerate(pending) if index not in bad]
    return pending, failed


def push_rest(client, updates):
    """Set each update with ``POST inventory_levels/set.json``.

    :return: ``(accepted, failed)``
    :raise AuthenticationError, TransientError: they concern the whole push
    """
    accepted, failed = [], []
    for update in updates:
        body = {
            "location_id": int(gid_number(update.location_external_id, "Location")),
            "inventory_item_id": int(gid_number(update.inventory_item_id, "InventoryItem")),
            "available": int(update.quantity),
        }
        try:
            client.json("POST", "inventory_levels/set.json", json=body)
        except (AuthenticationError, TransientError):
            raise
        except ApiError as exc:
            failed.append((update, str(exc)))
            continue
        accepted.append(update)
    return accepted, failed
