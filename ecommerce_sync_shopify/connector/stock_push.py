"""Pushing available quantities: GraphQL ``inventorySetQuantities``, REST ``inventory_levels/set``.

GraphQL sets a whole batch in one call; the REST endpoint sets one item at
one location per call and is the fallback (API versions or apps without the
GraphQL mutation) and a store setting.
"""

from odoo.addons.ecommerce_sync.connector import ApiError, AuthenticationError, TransientError

SET_QUANTITIES = """
mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}
""".strip()
REFERENCE_URI = "gid://ecommerce-sync/StockPush/odoo"


def gid(kind, external_id):
    """A GraphQL global id from a REST id ("gid://shopify/Location/1")."""
    value = str(external_id)
    return value if value.startswith("gid://") else f"gid://shopify/{kind}/{value}"


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
        errors = (data.get("inventorySetQuantities") or {}).get("userErrors") or []
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
            "location_id": int(update.location_external_id),
            "inventory_item_id": int(update.inventory_item_id),
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
