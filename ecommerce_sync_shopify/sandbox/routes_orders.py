"""REST routes of the shop and its orders: orders, their transactions, refunds and fulfilments."""

from .routes_paging import ApiAnswer, filters_of, ids_of, listing, sort_of, window
from .state import UnknownObject


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
