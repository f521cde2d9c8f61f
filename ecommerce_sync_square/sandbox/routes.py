"""Paths of the sandbox's Square API subset -> handlers, with Square's paging and error envelope."""

import hashlib
import json
import re

from .errors import SquareError, bad_request
from .serializers import decode_cursor, page
from .state import time_arg

DEFAULT_LIMITS = {"orders": 500, "counts": 1000, "objects": 100}
MAX_LIMITS = {"orders": 1000, "counts": 1000, "objects": 1000}
LIST_LIMIT = 100


class Request:
    """One API call as the routes see it."""

    def __init__(self, seller, method, path, query, body, max_page_size=None):
        self.seller = seller
        self.method = method
        self.path = path
        self.query = query
        self.body = body if isinstance(body, dict) else {}
        self.max_page_size = max_page_size


def query_key(values):
    """What a cursor is bound to: the request without its cursor and limit."""
    kept = {key: value for key, value in values.items() if key not in ("cursor", "limit")}
    return hashlib.sha1(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()[:16]


def limit_of(request, values, default, maximum):
    raw = values.get("limit")
    if raw in (None, ""):
        limit = default
    else:
        try:
            limit = int(raw)
        except (TypeError, ValueError):
            raise bad_request("EXPECTED_INTEGER", "limit must be an integer", "limit") from None
        if limit < 1:
            raise bad_request("VALUE_TOO_LOW", "limit must be at least 1", "limit")
        limit = min(limit, maximum)
    if request.max_page_size:
        limit = min(limit, request.max_page_size)
    return limit


def paged(request, values, objects, key, default=LIST_LIMIT, maximum=LIST_LIMIT):
    limit = limit_of(request, values, default, maximum)
    bound = query_key(values)
    offset = 0
    if values.get("cursor"):
        offset = decode_cursor(str(values["cursor"]), bound)
        if offset is None:
            raise bad_request("INVALID_CURSOR", "The cursor is not valid for this request", "cursor")
    return page(objects, key, offset, limit, bound)


def sort_order(value, default):
    value = (value or default).upper()
    if value not in ("ASC", "DESC"):
        raise bad_request("INVALID_SORT_ORDER", "sort_order must be ASC or DESC", "sort_order")
    return value


# ----------------------------------------------------------------------
# handlers
def merchant_me(request):
    return {"merchant": request.seller.merchant}


def list_locations(request):
    return {"locations": request.seller.locations()}


def search_orders(request):
    body = request.body
    query = body.get("query") or {}
    filters = query.get("filter") or {}
    sort = query.get("sort") or {}
    field = str(sort.get("sort_field") or "CREATED_AT").lower()
    if field not in ("created_at", "updated_at", "closed_at"):
        raise bad_request("INVALID_ENUM_VALUE", "Unknown sort_field", "query.sort.sort_field")
    ranges = (filters.get("date_time_filter") or {}).get(field) or {}
    others = set(filters.get("date_time_filter") or {}) - {field}
    if others:
        raise bad_request(
            "INVALID_VALUE", "The sort field must be the field of the date_time_filter", "query.filter.date_time_filter"
        )
    orders = request.seller.search_orders(
        list(body.get("location_ids") or []),
        time_arg(ranges.get("start_at"), "start_at"),
        time_arg(ranges.get("end_at"), "end_at"),
        (filters.get("state_filter") or {}).get("states"),
        field,
        sort_order(sort.get("sort_order"), "ASC"),
    )
    result = paged(request, body, orders, "orders", DEFAULT_LIMITS["orders"], MAX_LIMITS["orders"])
    if body.get("return_entries"):
        result["order_entries"] = [
            {"order_id": item["id"], "location_id": item["location_id"], "version": item["version"]}
            for item in result.pop("orders")
        ]
    return result


def retrieve_order(request, order_id):
    return {"order": request.seller.order(order_id)}


def batch_retrieve_orders(request):
    ids = request.body.get("order_ids") or []
    found = []
    for order_id in ids:
        try:
            found.append(request.seller.order(order_id))
        except SquareError:
            continue
    return {"orders": found}


def activity_args(request):
    values = request.query
    updated = values.get("updated_at_begin_time") or values.get("updated_at_end_time")
    field = str(values.get("sort_field") or ("UPDATED_AT" if updated else "CREATED_AT")).lower()
    if field not in ("created_at", "updated_at", "offline_created_at"):
        raise bad_request("INVALID_ENUM_VALUE", "Unknown sort_field", "sort_field")
    prefix = "updated_at_" if field == "updated_at" else ""
    return {
        "location_id": values.get("location_id"),
        "begin": time_arg(values.get(f"{prefix}begin_time"), f"{prefix}begin_time"),
        "end": time_arg(values.get(f"{prefix}end_time"), f"{prefix}end_time"),
        "field": field,
        "order": sort_order(values.get("sort_order"), "DESC"),
    }


def list_payments(request):
    return paged(request, request.query, request.seller.payments(**activity_args(request)), "payments")


def get_payment(request, payment_id):
    return {"payment": request.seller.payment(payment_id)}


def list_refunds(request):
    return paged(request, request.query, request.seller.refunds(**activity_args(request)), "refunds")


def get_refund(request, refund_id):
    return {"refund": request.seller.refund(refund_id)}


def list_payouts(request):
    values = request.query
    payouts = request.seller.payouts(
        values.get("location_id"),
        time_arg(values.get("begin_time"), "begin_time"),
        time_arg(values.get("end_time"), "end_time"),
        values.get("status"),
        sort_order(values.get("sort_order"), "DESC"),
    )
    return paged(request, values, payouts, "payouts")


def get_payout(request, payout_id):
    return {"payout": request.seller.payout(payout_id)}


def list_payout_entries(request, payout_id):
    entries = request.seller.payout_entries(payout_id, sort_order(request.query.get("sort_order"), "ASC"))
    return paged(request, {**request.query, "payout": payout_id}, entries, "payout_entries")


def list_catalog(request):
    objects = request.seller.catalog(request.query.get("types"))
    return paged(request, request.query, objects, "objects", DEFAULT_LIMITS["objects"], DEFAULT_LIMITS["objects"])


def batch_retrieve_catalog(request):
    ids = request.body.get("object_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request("MISSING_REQUIRED_PARAMETER", "object_ids must be a non-empty list", "object_ids")
    if len(ids) > 1000:
        raise bad_request("ARRAY_LENGTH_TOO_LONG", "At most 1000 object_ids", "object_ids")
    return {"objects": request.seller.catalog_objects(ids)}


def retrieve_catalog_object(request, object_id):
    found = request.seller.catalog_objects([object_id])
    if not found:
        raise SquareError(404, "INVALID_REQUEST_ERROR", "NOT_FOUND", f"Object {object_id} not found.")
    return {"object": found[0]}


def batch_retrieve_counts(request):
    body = request.body
    counts = request.seller.counts(
        body.get("location_ids"),
        set(body["catalog_object_ids"]) if body.get("catalog_object_ids") is not None else None,
        body.get("states"),
        time_arg(body.get("updated_after"), "updated_after"),
    )
    return paged(request, body, counts, "counts", DEFAULT_LIMITS["counts"], MAX_LIMITS["counts"])


def batch_change_inventory(request):
    counts = request.seller.change_inventory(request.body.get("idempotency_key"), request.body.get("changes"))
    return {"counts": counts, "changes": request.body.get("changes")}


ROUTES = [
    ("GET", r"/v2/merchants/me", merchant_me),
    ("GET", r"/v2/locations", list_locations),
    ("POST", r"/v2/orders/search", search_orders),
    ("POST", r"/v2/orders/batch-retrieve", batch_retrieve_orders),
    ("GET", r"/v2/orders/([A-Za-z0-9_-]+)", retrieve_order),
    ("GET", r"/v2/payments", list_payments),
    ("GET", r"/v2/payments/([A-Za-z0-9_-]+)", get_payment),
    ("GET", r"/v2/refunds", list_refunds),
    ("GET", r"/v2/refunds/([A-Za-z0-9_-]+)", get_refund),
    ("GET", r"/v2/payouts", list_payouts),
    ("GET", r"/v2/payouts/([A-Za-z0-9_-]+)/payout-entries", list_payout_entries),
    ("GET", r"/v2/payouts/([A-Za-z0-9_-]+)", get_payout),
    ("GET", r"/v2/catalog/list", list_catalog),
    ("POST", r"/v2/catalog/batch-retrieve", batch_retrieve_catalog),
    ("GET", r"/v2/catalog/object/([A-Za-z0-9_-]+)", retrieve_catalog_object),
    ("POST", r"/v2/inventory/counts/batch-retrieve", batch_retrieve_counts),
    ("POST", r"/v2/inventory/changes/batch-create", batch_change_inventory),
]
COMPILED = [(method, re.compile(f"^{pattern}$"), handler) for method, pattern, handler in ROUTES]


def dispatch(request):
    """``(status, body)`` of one authenticated API call."""
    matched_path = False
    for method, pattern, handler in COMPILED:
        match = pattern.match(request.path)
        if not match:
            continue
        matched_path = True
        if method != request.method:
            continue
        try:
            return 200, handler(request, *match.groups())
        except SquareError as exc:
            return exc.status, error_body(exc)
    if matched_path:
        return 405, envelope("INVALID_REQUEST_ERROR", "METHOD_NOT_ALLOWED", f"{request.method} is not allowed here")
    return 404, envelope("INVALID_REQUEST_ERROR", "NOT_FOUND", f"API path not found: {request.path[:80]}")


def envelope(category, code, detail, field=None):
    item = {"category": category, "code": code, "detail": detail}
    if field:
        item["field"] = field
    return {"errors": [item]}


def error_body(exc):
    return envelope(exc.category, exc.code, exc.detail, exc.field)
