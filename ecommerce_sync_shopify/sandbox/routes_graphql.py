"""The GraphQL Admin endpoint of the sandbox: queries parsed and validated, answered field by field.

Every request is parsed and validated (``graphql-core``) against the schema
of :mod:`.routes_graphql_schema`, the part of Shopify's 2025-01 Admin API the
sandbox serves: a syntax error, an unknown field or argument, a missing
required argument or a variable of the wrong type is refused before anything
runs, in Shopify's error shape (``errors: [{message, locations, extensions:
{code}}]``, HTTP 200), with the codes Shopify's GraphQL server gives
(``undefinedField``, ``argumentNotAccepted``, ``missingRequiredArguments``,
...). A valid query is executed against the shop and answers with exactly the
fields it selected.

The cost budget: a query's requested cost is priced from its document (1 per
object, ``nodes`` times the ids asked for, :data:`TRANSACTION_COST` per
transaction read), Shopify refuses a single query above
:data:`MAX_QUERY_COST`, and a query is charged what it returned; a mutation
costs :data:`MUTATION_COST`.
"""

import re
import threading
import time

from graphql import GraphQLError, build_schema, execute, parse, specified_rules, validate
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode, OperationDefinitionNode, VariableNode
from graphql.validation import (
    FieldsOnCorrectTypeRule,
    KnownArgumentNamesRule,
    KnownTypeNamesRule,
    ProvidedRequiredArgumentsRule,
    ScalarLeafsRule,
    VariablesAreInputTypesRule,
    VariablesInAllowedPositionRule,
)

from .routes_graphql_schema import INVENTORY_REASONS, SDL
from .serializers import graphql_time, transaction_node
from .state import UnknownObject

SCHEMA = build_schema(SDL)
GID = re.compile(r"^gid://shopify/(\w+)/(\d+)$")
MAX_QUANTITIES = 250
MUTATION_COST = 10
#: Shopify refuses a single query above this cost
MAX_QUERY_COST = 1000
#: cost of one transaction read: the transaction, its amount bag, the two moneys in it, its parent
TRANSACTION_COST = 5
#: transactions of an order read when the query does not say how many
DEFAULT_FIRST = 250
#: the code Shopify's GraphQL server gives each kind of invalid query
RULE_CODES = {
    FieldsOnCorrectTypeRule: "undefinedField",
    KnownArgumentNamesRule: "argumentNotAccepted",
    ProvidedRequiredArgumentsRule: "missingRequiredArguments",
    KnownTypeNamesRule: "undefinedType",
    ScalarLeafsRule: "selectionMismatch",
    VariablesAreInputTypesRule: "variableRequiresValidType",
    VariablesInAllowedPositionRule: "variableMismatch",
}
UNKNOWN_FIELD = re.compile(r"^Cannot query field '(\w+)' on type '(\w+)'\.")


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
    return 200, execute_request(request.shop, request.body, request.budget), {}


def error(message, code, locations=None, **extensions):
    """One error in Shopify's shape."""
    answer = {"message": message}
    if locations:
        answer["locations"] = [{"line": loc.line, "column": loc.column} for loc in locations]
    answer["extensions"] = {"code": code, **extensions}
    return answer


def validation_errors(document):
    """The errors of an invalid document, each with the code of the rule it breaks."""
    errors = []
    for rule in specified_rules:
        for found in validate(SCHEMA, document, [rule]):
            code = RULE_CODES.get(rule, "validationError")
            match = UNKNOWN_FIELD.match(found.message)
            if match:
                field, type_name = match.groups()
                message = f"Field '{field}' doesn't exist on type '{type_name}'"
                errors.append(error(message, code, found.locations, typeName=type_name, fieldName=field))
            else:
                errors.append(error(found.message, code, found.locations))
    return errors


def execute_request(shop, body, budget):
    """Answer one GraphQL request body (``{"query": ..., "variables": ..., "operationName": ...}``)."""
    query = body.get("query") if isinstance(body, dict) else None
    if not isinstance(query, str) or not query.strip():
        return {"errors": [error("No query string was present", "missingQuery")]}
    try:
        document = parse(query)
    except GraphQLError as exc:
        return {"errors": [error(exc.message, "parseError", exc.locations)]}
    errors = validation_errors(document)
    if errors:
        return {"errors": errors}
    variables = body.get("variables") or {}
    operation = operation_of(document, body.get("operationName"))
    if operation is None:
        return {"errors": [error("An operation name is required", "operationNotFound")]}
    if operation.operation.value == "mutation":
        allowed, cost = budget.spend(MUTATION_COST)
        if not allowed:
            return throttled(cost)
        result = run_document(shop, document, variables, body.get("operationName"))
        result["extensions"] = {"cost": cost}
        return result
    requested = query_cost(document, operation, variables)
    if requested > MAX_QUERY_COST:
        message = f"Query cost is {requested}, which exceeds the single query max cost limit ({MAX_QUERY_COST})."
        return {"errors": [error(message, "MAX_COST_EXCEEDED", cost=requested, maxCost=MAX_QUERY_COST)]}
    result = run_document(shop, document, variables, body.get("operationName"))
    allowed, cost = budget.spend(requested, actual_cost(result.get("data"), requested))
    if not allowed:
        return throttled(cost)
    result["extensions"] = {"cost": cost}
    return result


def throttled(cost):
    return {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}], "extensions": {"cost": cost}}


def run_document(shop, document, variables, operation_name):
    """Execute a valid document against the shop: ``{"data": ...}`` and, when a value was refused, ``errors``."""
    outcome = execute(SCHEMA, document, root_value=Root(shop), variable_values=variables, operation_name=operation_name)
    answer = {"data": outcome.data}
    if outcome.errors:
        answer["errors"] = [execution_error(item) for item in outcome.errors]
    return answer


def execution_error(found):
    """An error met while running a valid document: a variable of the wrong value, a refused input."""
    code = (found.extensions or {}).get("code") or (
        "INVALID_VARIABLE" if found.path is None else "INTERNAL_SERVER_ERROR"
    )
    answer = error(found.message, code, found.locations)
    if found.path:
        answer["path"] = found.path
    return answer


def operation_of(document, name):
    operations = [item for item in document.definitions if isinstance(item, OperationDefinitionNode)]
    if name:
        return next((item for item in operations if item.name and item.name.value == name), None)
    return operations[0] if len(operations) == 1 else None


# ----------------------------------------------------------------------
# cost
def argument(field, name, variables, default=None):
    for item in field.arguments:
        if item.name.value == name:
            if isinstance(item.value, VariableNode):
                return variables.get(item.value.name.value, default)
            if hasattr(item.value, "values"):
                return [value.value for value in item.value.values]
            return item.value.value
    return default


def selections(selection_set, fragments):
    """The fields of a selection set, through inline fragments and fragment spreads."""
    for item in selection_set.selections if selection_set else ():
        if isinstance(item, FieldNode):
            yield item
        elif isinstance(item, InlineFragmentNode):
            yield from selections(item.selection_set, fragments)
        elif isinstance(item, FragmentSpreadNode) and item.name.value in fragments:
            yield from selections(fragments[item.name.value].selection_set, fragments)


def query_cost(document, operation, variables):
    """The requested cost of a query, as Shopify prices the fields the sandbox serves."""
    fragments = {item.name.value: item for item in document.definitions if hasattr(item, "type_condition")}

    def cost(selection_set):
        total = 0
        for field in selections(selection_set, fragments):
            if field.name.value == "transactions":
                first = argument(field, "first", variables, DEFAULT_FIRST)
                total += int(first if first is not None else DEFAULT_FIRST) * TRANSACTION_COST
            elif field.selection_set is not None:
                total += 1 + cost(field.selection_set)
        return total

    total = 1
    for field in selections(operation.selection_set, fragments):
        if field.name.value == "nodes":
            ids = argument(field, "ids", variables, []) or []
            total += len(ids) * (1 + cost(field.selection_set))
        elif field.selection_set is not None:
            total += cost(field.selection_set)
    return total


def actual_cost(data, requested):
    """What a query returned: the nodes found and their transactions; the requested cost otherwise."""
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        return requested
    found = [node for node in data["nodes"] if node]
    return 1 + sum(1 + len(node.get("transactions") or []) * TRANSACTION_COST for node in found)


# ----------------------------------------------------------------------
# the shop as GraphQL objects
class Root:
    """The query and mutation roots over one shop (fields resolve to dicts and callables)."""

    def __init__(self, shop):
        self.shop = shop

    def node(self, info, id):
        return find_node(self.shop, id)

    def nodes(self, info, ids):
        return [find_node(self.shop, value) for value in ids]

    def inventorySetQuantities(self, info, input):
        return set_quantities(self.shop, input)


def find_node(shop, value):
    """The object a global id names, or None (as Shopify answers an id that names nothing)."""
    match = GID.match(str(value or ""))
    if not match:
        return None
    kind, number = match.group(1), int(match.group(2))
    if kind == "Order":
        return order_node(shop, number)
    if kind == "OrderTransaction":
        for order_id, transactions in list(shop.transactions.items()):
            if any(tx["id"] == number for tx in transactions):
                return transaction_nodes(shop, order_id).get(value)
        return None
    if kind == "InventoryItem":
        return item_node(shop, number)
    if kind == "Location":
        return location_node(shop, number)
    return None


def order_node(shop, order_id):
    try:
        order = shop.order(order_id)
    except UnknownObject:
        return None
    if shop.data.drafts.get(order_id) is None:
        return None

    def transactions(info, first=None, capturable=None, manuallyResolvable=None):
        nodes = list(transaction_nodes(shop, order_id).values())
        return nodes[:first] if first is not None else nodes

    return {
        "__typename": "Order",
        "id": f"gid://shopify/Order/{order_id}",
        "name": order["name"],
        "createdAt": graphql_time(order["created_at"]),
        "updatedAt": graphql_time(order["updated_at"]),
        "cancelledAt": graphql_time(order["cancelled_at"]),
        "currencyCode": order["currency"],
        "presentmentCurrencyCode": order["presentment_currency"],
        "transactions": transactions,
    }


def transaction_nodes(shop, order_id):
    """``{global id: OrderTransaction}`` of an order, parents linked, oldest first."""
    draft = shop.data.drafts.get(order_id)
    nodes = {}
    for tx in shop.order_transactions(order_id):
        node = {"__typename": "OrderTransaction", **transaction_node(tx, draft.rate)}
        node["order"] = lambda info, order_id=order_id: order_node(shop, order_id)
        nodes[node["id"]] = node
    for node in nodes.values():
        parent = node["parentTransaction"]
        node["parentTransaction"] = nodes.get(parent["id"]) if parent else None
    return nodes


def item_node(shop, item_id):
    item = shop.items.get(item_id)
    if item is None:
        return None
    return {"__typename": "InventoryItem", "id": f"gid://shopify/InventoryItem/{item_id}", "sku": item.get("sku"),
            "tracked": bool(item.get("tracked"))}  # fmt: skip


def location_node(shop, location_id):
    location = shop.locations.get(location_id)
    if location is None:
        return None
    return {"__typename": "Location", "id": f"gid://shopify/Location/{location_id}", "name": location["name"],
            "isActive": bool(location["active"])}  # fmt: skip


# ----------------------------------------------------------------------
# inventorySetQuantities
def set_quantities(shop, data):
    """Validate every quantity first; apply all of them or none (as Shopify does)."""
    quantities = data["quantities"]
    if len(quantities) > MAX_QUANTITIES:
        raise GraphQLError(
            f"The input array size of {len(quantities)} is greater than the maximum allowed of {MAX_QUANTITIES}.",
            extensions={"code": "MAX_INPUT_SIZE_EXCEEDED"},
        )
    errors = []
    if data["name"] not in ("available", "on_hand"):
        errors.append(
            _error(["input", "name"], "INVALID_NAME", "The quantity name must be either 'available' or 'on_hand'.")
        )
    if data["reason"] not in INVENTORY_REASONS:
        errors.append(_error(["input", "reason"], "INVALID_REASON", "The specified reason is invalid."))
    if not data.get("ignoreCompareQuantity") and any(q.get("compareQuantity") is None for q in quantities):
        errors.append(_error(["input", "ignoreCompareQuantity"], "COMPARE_QUANTITY_REQUIRED",
                             "The compareQuantity argument must be given to each quantity or ignored using "
                             "ignoreCompareQuantity."))  # fmt: skip
    if not quantities:
        errors.append(_error(["input", "quantities"], None, "At least one quantity is required."))
    wanted = []
    for index, entry in enumerate(quantities):
        field = ["input", "quantities", str(index)]
        item_id = parse_gid(entry["inventoryItemId"], "InventoryItem")
        location_id = parse_gid(entry["locationId"], "Location")
        location = shop.locations.get(location_id)
        if item_id not in shop.items:
            errors.append(_error([*field, "inventoryItemId"], "INVALID_INVENTORY_ITEM",
                                 "The specified inventory item could not be found."))  # fmt: skip
        elif location is None or not location["active"]:
            errors.append(
                _error([*field, "locationId"], "INVALID_LOCATION", "The specified location could not be found.")
            )
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
            return {"inventoryAdjustmentGroup": None, "userErrors": [_error(["input"], None, str(exc))]}
        changes.append({"name": data["name"], "delta": quantity - before, "quantityAfterChange": level["available"],
                        "item": item_node(shop, item_id), "location": location_node(shop, location_id)})  # fmt: skip

    def listed(info, inventoryItemIds=None, locationIds=None, quantityNames=None):
        return [
            change
            for change in changes
            if (inventoryItemIds is None or change["item"]["id"] in inventoryItemIds)
            and (locationIds is None or change["location"]["id"] in locationIds)
            and (quantityNames is None or change["name"] in quantityNames)
        ]

    return {
        "inventoryAdjustmentGroup": {
            "__typename": "InventoryAdjustmentGroup",
            "id": f"gid://shopify/InventoryAdjustmentGroup/{len(shop.pushes)}",
            "createdAt": graphql_time(level["updated_at"]),
            "reason": data["reason"],
            "referenceDocumentUri": data.get("referenceDocumentUri"),
            "changes": listed,
        },
        "userErrors": [],
    }


def _error(field, code, message):
    return {"field": field, "code": code, "message": message}
