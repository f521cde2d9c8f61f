"""The GraphQL Admin endpoint of the sandbox: ``inventorySetQuantities``, order transactions, the cost budget."""

import re
import threading
import time

from .serializers import transaction_node
from .state import UnknownObject

GID = re.compile(r"^gid://shopify/(\w+)/(\d+)$")
MAX_QUANTITIES = 250
MUTATION_COST = 10
#: Shopify refuses a single query above this cost
MAX_QUERY_COST = 1000
#: cost of one transaction read: the transaction, its amount bag, the money in it, its parent
TRANSACTION_COST = 4
FIRST = re.compile(r"transactions\(\s*first:\s*(\d+)")


class CostBudget:
    """Shopify's GraphQL rate limit: query cost points, restored per second."""

    def __init__(self, maximum=2000, restore_rate=100.0):
        self.maximum = maximum
        self.restore_rate = restore_rate
        self.available = float(maximum)
        self.updated = time.monotonic()
        self.lock = threading.Lock()

    def spend(self, cost, actual=None):
        """``(allowed, status)``: a query runs when its requested ``cost`` is available.

        As in Shopify, what it is charged is its ``actual`` cost (the objects it
        returned; the requested cost when not given).
        """
        actual = cost if actual is None else actual
        with self.lock:
            now = time.monotonic()
            self.available = min(self.maximum, self.available + (now - self.updated) * self.restore_rate)
            self.updated = now
            allowed = self.available >= cost
            if allowed:
                self.available -= actual
            status = {
                "maximumAvailable": float(self.maximum),
                "currentlyAvailable": int(self.available),
                "restoreRate": float(self.restore_rate),
            }
        return allowed, {"requestedQueryCost": cost, "actualQueryCost": actual if allowed else None,
                         "throttleStatus": status}  # fmt: skip


def parse_gid(value, kind):
    match = GID.match(str(value or ""))
    if not match or match.group(1) != kind:
        return None
    return int(match.group(2))


def run(request):
    """The route of ``POST graphql.json``."""
    return 200, execute(request.shop, request.body, request.budget), {}


def execute(shop, body, budget):
    """Answer one GraphQL request body (``{"query": ..., "variables": ...}``)."""
    query = body.get("query") if isinstance(body, dict) else None
    if not isinstance(query, str) or not query.strip():
        return {"errors": [{"message": "No query string was present"}]}
    if "nodes(" in query and "transactions" in query:
        return order_transactions(shop, query, body.get("variables") or {}, budget)
    if "inventorySetQuantities" not in query:
        return {
            "errors": [
                {
                    "message": "This test shop answers only the inventorySetQuantities mutation and the "
                    "transactions of orders (nodes)",
                    "extensions": {"code": "undefinedField"},
                }
            ]
        }
    allowed, cost = budget.spend(MUTATION_COST)
    if not allowed:
        return {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}], "extensions": {"cost": cost}}
    variables = body.get("variables") or {}
    result = set_quantities(shop, variables.get("input"))
    return {"data": {"inventorySetQuantities": result}, "extensions": {"cost": cost}}


def set_quantities(shop, data):
    """Validate every quantity first; apply all of them or none (as Shopify does)."""
    if not isinstance(data, dict):
        return {"inventoryAdjustmentGroup": None, "userErrors": [_error(["input"], "INVALID", "Input is required")]}
    errors = []
    if data.get("name") not in ("available", "on_hand"):
        errors.append(_error(["input", "name"], "INVALID_NAME", "The quantity name must be available or on_hand."))
    if not data.get("reason"):
        errors.append(_error(["input", "reason"], "INVALID_REASON", "A reason is required."))
    if not data.get("ignoreCompareQuantity") and any("compareQuantity" not in q for q in data.get("quantities") or []):
        errors.append(_error(["input", "ignoreCompareQuantity"], "COMPARE_QUANTITY_REQUIRED",
                             "A compare quantity is required unless ignoreCompareQuantity is true."))  # fmt: skip
    quantities = data.get("quantities") or []
    if not 0 < len(quantities) <= MAX_QUANTITIES:
        errors.append(_error(["input", "quantities"], "INVALID", f"Between 1 and {MAX_QUANTITIES} quantities."))
    wanted = []
    for index, entry in enumerate(quantities):
        field = ["input", "quantities", str(index)]
        item_id = parse_gid(entry.get("inventoryItemId"), "InventoryItem")
        location_id = parse_gid(entry.get("locationId"), "Location")
        location = shop.locations.get(location_id)
        if item_id not in shop.items:
            errors.append(_error([*field, "inventoryItemId"], "INVALID_INVENTORY_ITEM",
                                 "The specified inventory item could not be found."))  # fmt: skip
        elif location is None or not location["active"]:
            errors.append(
                _error([*field, "locationId"], "INVALID_LOCATION", "The specified location could not be found.")
            )
        elif not isinstance(entry.get("quantity"), int):
            errors.append(_error([*field, "quantity"], "INVALID_QUANTITY", "The quantity must be an integer."))
        else:
            wanted.append((item_id, location_id, entry["quantity"]))
    if errors:
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    changes = []
    for item_id, location_id, quantity in wanted:
        before = (shop.level(item_id, location_id) or {}).get("available", 0)
        try:
            level = shop.set_available(item_id, location_id, quantity, api="graphql")
        except UnknownObject as exc:  # changed since validation
            return {"inventoryAdjustmentGroup": None, "userErrors": [_error(["input"], "INVALID", str(exc))]}
        changes.append({"name": data["name"], "delta": quantity - before, "quantityAfterChange": level["available"]})
    return {
        "inventoryAdjustmentGroup": {
            "createdAt": level["updated_at"],
            "reason": data["reason"],
            "referenceDocumentUri": data.get("referenceDocumentUri"),
            "changes": changes,
        },
        "userErrors": [],
    }


def _error(field, code, message):
    return {"field": field, "code": code, "message": message}


def order_transactions(shop, query, variables, budget):
    """``nodes(ids:)`` of orders with their ``transactions(first: n)``; unknown ids are null, as in Shopify."""
    ids = variables.get("ids") or []
    match = FIRST.search(query)
    first = int(match.group(1)) if match else 250
    cost = 1 + len(ids) * (1 + first * TRANSACTION_COST)
    if cost > MAX_QUERY_COST:
        return {
            "errors": [
                {
                    "message": f"Query cost is {cost}, which exceeds the single query max cost limit "
                    f"({MAX_QUERY_COST}).",
                    "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": MAX_QUERY_COST},
                }
            ]
        }
    nodes = []
    for value in ids:
        order_id = parse_gid(value, "Order")
        draft = shop.data.drafts.get(order_id) if order_id else None
        if draft is None:
            nodes.append(None)
            continue
        transactions = shop.order_transactions(order_id)[:first]
        nodes.append({"id": value, "transactions": [transaction_node(tx, draft.rate) for tx in transactions]})
    actual = 1 + sum(1 + len(node["transactions"]) * TRANSACTION_COST for node in nodes if node)
    allowed, status = budget.spend(cost, actual)
    if not allowed:
        return {
            "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
            "extensions": {"cost": status},
        }
    return {"data": {"nodes": nodes}, "extensions": {"cost": status}}
