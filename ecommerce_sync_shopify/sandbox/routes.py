"""The REST Admin API resources the sandbox serves, under ``/admin/api/<version>/``."""

import copy
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from . import graphql
from .pagination import PageError, decode, paginate
from .shop import UnknownObject


@dataclass
class Request:
    shop: object
    method: str
    query: dict
    body: object
    #: absolute URL of the resource without query, for Link headers
    url: str
    budget: object


class ApiAnswer(Exception):
    """An error answer: ``status`` and Shopify's ``{"errors": ...}`` body."""

    def __init__(self, status, errors):
        super().__init__(errors)
        self.status = status
        self.errors = errors


def utc(value):
    """A timestamp (with offset) in UTC ISO form, comparable as text."""
    text = str(value).replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ApiAnswer(400, {"updated_at": [f"invalid date {value!r}"]}) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def filters_of(request, allowed):
    """The filters of a list request: from the query, or from the page_info token."""
    query = request.query
    if "page_info" in query:
        extra = set(query) - {"page_info", "limit", "fields"}
        if extra:
            raise ApiAnswer(400, {"page_info": [f"cannot be combined with {', '.join(sorted(extra))}"]})
        try:
            return decode(query["page_info"])["filters"]
        except PageError as exc:
            raise ApiAnswer(400, {"page_info": [str(exc)]}) from exc
    return {key: query[key] for key in allowed if key in query}


def ids_of(value):
    try:
        return {int(part) for part in str(value).split(",") if part.strip()}
    except ValueError as exc:
        raise ApiAnswer(400, {"ids": ["expected comma-separated ids"]}) from exc


def listing(request, key, objects, sort_key, descending, filters):
    try:
        page, link = paginate(objects, sort_key, descending, request.query, filters, request.url)
    except PageError as exc:
        raise ApiAnswer(400, {"limit": [str(exc)]}) from exc
    fields = request.query.get("fields")
    if fields:
        wanted = {field.strip() for field in fields.split(",")}
        page = [{name: value for name, value in obj.items() if name in wanted} for obj in page]
    return 200, {key: copy.deepcopy(page)}, {"Link": link} if link else {}


def window(objects, filters, field, name="updated_at"):
    """Objects whose ``field`` is within the ``<name>_min`` / ``<name>_max`` filters."""
    if f"{name}_min" in filters:
        floor = utc(filters[f"{name}_min"])
        objects = [obj for obj in objects if utc(obj[field]) >= floor]
    if f"{name}_max" in filters:
        ceiling = utc(filters[f"{name}_max"])
        objects = [obj for obj in objects if utc(obj[field]) <= ceiling]
    return objects


SORTS = {
    "updated_at asc": (lambda obj: [utc(obj["updated_at"]), obj["id"]], False),
    "updated_at desc": (lambda obj: [utc(obj["updated_at"]), obj["id"]], True),
    "created_at asc": (lambda obj: [utc(obj["created_at"]), obj["id"]], False),
    "created_at desc": (lambda obj: [utc(obj["created_at"]), obj["id"]], True),
}


def sort_of(filters, default):
    order = str(filters.get("order") or default).replace("+", " ").strip()
    if order not in SORTS:
        raise ApiAnswer(400, {"order": [f"unsupported order {order!r}"]})
    return SORTS[order]


# ----------------------------------------------------------------------
def get_shop(request):
    return 200, {"shop": request.shop.shop}, {}


def list_orders(request):
    filters = filters_of(
        request,
        ("status", "updated_at_min", "updated_at_max", "created_at_min", "created_at_max", "ids", "order",
         "financial_status", "fulfillment_status"),
    )  # fmt: skip
    with request.shop.lock:
        orders = list(request.shop.orders.values())
    status = filters.get("status", "open")
    if status == "open":
        orders = [order for order in orders if not order["closed_at"] and not order["cancelled_at"]]
    elif status == "closed":
        orders = [order for order in orders if order["closed_at"]]
    elif status == "cancelled":
        orders = [order for order in orders if order["cancelled_at"]]
    elif status != "any":
        raise ApiAnswer(400, {"status": [f"unknown status {status!r}"]})
    if "ids" in filters:
        wanted = ids_of(filters["ids"])
        orders = [order for order in orders if order["id"] in wanted]
    for name in ("financial_status", "fulfillment_status"):
        if name in filters and filters[name] != "any":
            orders = [order for order in orders if order[name] == filters[name]]
    orders = window(window(orders, filters, "updated_at"), filters, "created_at", "created_at")
    key, descending = sort_of(filters, "created_at desc")
    return listing(request, "orders", orders, key, descending, filters)


def get_order(request, order_id):
    return 200, {"order": request.shop.order(int(order_id))}, {}


def list_transactions(request, order_id):
    return 200, {"transactions": request.shop.order_transactions(int(order_id))}, {}


def list_refunds(request, order_id):
    return 200, {"refunds": request.shop.order(int(order_id))["refunds"]}, {}


def get_refund(request, order_id, refund_id):
    for item in request.shop.order(int(order_id))["refunds"]:
        if item["id"] == int(refund_id):
            return 200, {"refund": item}, {}
    raise UnknownObject(refund_id)


def list_fulfillments(request, order_id):
    return 200, {"fulfillments": request.shop.order(int(order_id))["fulfillments"]}, {}


def list_products(request):
    filters = filters_of(request, ("ids", "updated_at_min", "updated_at_max", "order"))
    products = list(request.shop.products.values())
    if "ids" in filters:
        wanted = ids_of(filters["ids"])
        products = [product for product in products if product["id"] in wanted]
    products = window(products, filters, "updated_at")
    if "order" in filters:
        key, descending = sort_of(filters, "updated_at asc")
    else:
        key, descending = (lambda obj: [obj["id"]]), False
    return listing(request, "products", products, key, descending, filters)


def get_product(request, product_id):
    product = request.shop.products.get(int(product_id))
    if product is None:
        raise UnknownObject(product_id)
    return 200, {"product": product}, {}


def get_variant(request, variant_id):
    variant = request.shop.variants.get(int(variant_id))
    if variant is None:
        raise UnknownObject(variant_id)
    return 200, {"variant": variant}, {}


def list_items(request):
    filters = filters_of(request, ("ids",))
    if "ids" not in filters:
        raise ApiAnswer(422, {"ids": ["is required"]})
    wanted = ids_of(filters["ids"])
    if len(wanted) > 100:
        raise ApiAnswer(422, {"ids": ["at most 100 ids"]})
    items = [item for item_id, item in request.shop.items.items() if item_id in wanted]
    return listing(request, "inventory_items", items, lambda obj: [obj["id"]], False, filters)


def get_item(request, item_id):
    item = request.shop.items.get(int(item_id))
    if item is None:
        raise UnknownObject(item_id)
    return 200, {"inventory_item": item}, {}


def list_locations(request):
    return 200, {"locations": list(request.shop.locations.values())}, {}


def get_location(request, location_id):
    location = request.shop.locations.get(int(location_id))
    if location is None:
        raise UnknownObject(location_id)
    return 200, {"location": location}, {}


def level_key(level):
    return [level["inventory_item_id"], level["location_id"]]


def balance_key(line):
    return [utc(line["processed_at"]), line["id"]]


def list_levels(request):
    filters = filters_of(request, ("inventory_item_ids", "location_ids", "updated_at_min"))
    if "inventory_item_ids" not in filters and "location_ids" not in filters:
        raise ApiAnswer(422, {"base": ["inventory_item_ids or location_ids is required"]})
    with request.shop.lock:
        levels = [dict(level) for level in request.shop.levels.values()]
    if "inventory_item_ids" in filters:
        items = ids_of(filters["inventory_item_ids"])
        if len(items) > 50:
            raise ApiAnswer(422, {"inventory_item_ids": ["at most 50 ids"]})
        levels = [level for level in levels if level["inventory_item_id"] in items]
    if "location_ids" in filters:
        locations = ids_of(filters["location_ids"])
        levels = [level for level in levels if level["location_id"] in locations]
    levels = window(levels, filters, "updated_at")
    return listing(request, "inventory_levels", levels, level_key, False, filters)


def set_level(request):
    body = request.body if isinstance(request.body, dict) else {}
    missing = [name for name in ("location_id", "inventory_item_id", "available") if body.get(name) is None]
    if missing:
        raise ApiAnswer(422, {name: ["is required"] for name in missing})
    try:
        level = request.shop.set_available(
            int(body["inventory_item_id"]), int(body["location_id"]), int(body["available"]), api="rest"
        )
    except UnknownObject as exc:
        raise ApiAnswer(422, {"base": [f"Inventory level cannot be set: unknown {exc.args[0]}"]}) from exc
    except (TypeError, ValueError) as exc:
        raise ApiAnswer(422, {"available": [str(exc)]}) from exc
    return 200, {"inventory_level": level}, {}


def list_payouts(request):
    filters = filters_of(request, ("date_min", "date_max", "status", "since_id"))
    payouts = list(request.shop.payouts.values())
    if "date_min" in filters:
        payouts = [payout for payout in payouts if payout["date"] >= filters["date_min"][:10]]
    if "date_max" in filters:
        payouts = [payout for payout in payouts if payout["date"] <= filters["date_max"][:10]]
    if "status" in filters:
        payouts = [payout for payout in payouts if payout["status"] == filters["status"]]
    return listing(request, "payouts", payouts, lambda obj: [obj["date"], obj["id"]], True, filters)


def get_payout(request, payout_id):
    payout = request.shop.payouts.get(int(payout_id))
    if payout is None:
        raise UnknownObject(payout_id)
    return 200, {"payout": payout}, {}


def list_balance(request):
    filters = filters_of(request, ("payout_id", "processed_at_min", "processed_at_max"))
    lines = request.shop.balance
    if "payout_id" in filters:
        payout_id = int(filters["payout_id"])
        lines = [line for line in lines if line["payout_id"] == payout_id]
    lines = window(lines, filters, "processed_at", "processed_at")
    return listing(request, "transactions", lines, balance_key, True, filters)


def run_graphql(request):
    return 200, graphql.execute(request.shop, request.body, request.budget), {}


ROUTES = [
    (method, re.compile(f"^{pattern}$"), handler)
    for method, pattern, handler in (
        ("GET", r"shop\.json", get_shop),
        ("GET", r"orders\.json", list_orders),
        ("GET", r"orders/(\d+)\.json", get_order),
        ("GET", r"orders/(\d+)/transactions\.json", list_transactions),
        ("GET", r"orders/(\d+)/refunds\.json", list_refunds),
        ("GET", r"orders/(\d+)/refunds/(\d+)\.json", get_refund),
        ("GET", r"orders/(\d+)/fulfillments\.json", list_fulfillments),
        ("GET", r"products\.json", list_products),
        ("GET", r"products/(\d+)\.json", get_product),
        ("GET", r"variants/(\d+)\.json", get_variant),
        ("GET", r"inventory_items\.json", list_items),
        ("GET", r"inventory_items/(\d+)\.json", get_item),
        ("GET", r"locations\.json", list_locations),
        ("GET", r"locations/(\d+)\.json", get_location),
        ("GET", r"inventory_levels\.json", list_levels),
        ("POST", r"inventory_levels/set\.json", set_level),
        ("GET", r"shopify_payments/payouts\.json", list_payouts),
        ("GET", r"shopify_payments/payouts/(\d+)\.json", get_payout),
        ("GET", r"shopify_payments/balance/transactions\.json", list_balance),
        ("POST", r"graphql\.json", run_graphql),
    )
]


def dispatch(request, resource):
    """``(status, body, headers)`` of a request for ``resource`` (path after the version)."""
    for method, pattern, handler in ROUTES:
        match = pattern.match(resource)
        if match and method == request.method:
            try:
                return handler(request, *match.groups())
            except ApiAnswer as exc:
                return exc.status, {"errors": exc.errors}, {}
            except UnknownObject:
                return 404, {"errors": "Not Found"}, {}
    return 404, {"errors": "Not Found"}, {}
