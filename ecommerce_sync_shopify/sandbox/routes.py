"""The REST and GraphQL Admin API the sandbox serves under ``/admin/api/<version>/``.

:func:`answer` is what the server calls for every request: the access token
is checked, the fault knobs (:class:`~odoo.addons.ecommerce_sync.sandbox_support.Faults`)
and the REST leaky bucket may refuse the call, then the route answers, in
Shopify's ``{"errors": ...}`` envelope when it fails. The routes themselves
live in ``routes_orders``, ``routes_catalog``, ``routes_payouts`` and
``routes_graphql``; what their lists share in ``routes_paging``.
"""

import json
import math
import re
import threading
import time

from odoo.addons.ecommerce_sync.sandbox_support import HttpAnswer

from . import routes_graphql
from .routes_catalog import (
    get_item,
    get_location,
    get_product,
    get_variant,
    list_items,
    list_levels,
    list_locations,
    list_products,
    set_level,
)
from .routes_orders import (
    get_order,
    get_refund,
    get_shop,
    list_fulfillments,
    list_orders,
    list_refunds,
    list_transactions,
)
from .routes_paging import ApiAnswer, Request
from .routes_payouts import get_payout, list_balance, list_payouts
from .state import UnknownObject

API_PATH = re.compile(r"^/admin/api/(\d{4}-\d{2}|unstable)/(.+)$")
CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
THROTTLED = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."


class LeakyBucket:
    """``size`` calls fit in the bucket, which leaks ``leak_rate`` calls per second.

    Shopify standard shops: 40 and 2/s; Plus: 400 and 20/s. Tests use a
    faster leak so that a pull does not take minutes.
    """

    def __init__(self, size=40, leak_rate=2.0):
        self.size = size
        self.leak_rate = leak_rate
        self.level = 0.0
        self.updated = time.monotonic()
        self.lock = threading.Lock()

    def _leak(self):
        now = time.monotonic()
        self.level = max(0.0, self.level - (now - self.updated) * self.leak_rate)
        self.updated = now

    def take(self):
        """Add one call: ``(allowed, used)``; a full bucket refuses the call."""
        with self.lock:
            self._leak()
            if self.level + 1 > self.size:
                return False, self.size
            self.level += 1
            return True, min(self.size, math.ceil(self.level))

    @property
    def retry_after(self):
        """Seconds until one call fits again."""
        return max(0.001, 1.0 / self.leak_rate)

    def header(self, used):
        return f"{used}/{self.size}"


def answer(server, request):
    """The :class:`HttpAnswer` of ``server`` (a :class:`~.server.SandboxServer`) to one request.

    Every request is recorded in ``server.requests`` with the status it got.
    """
    match = API_PATH.match(request.path)
    resource = match.group(2) if match else request.path
    record = {"method": request.method, "resource": resource, "query": request.query, "status": 0, "body": None}
    server.requests.append(record)
    status, body, headers = _answer(server, request, match, record)
    record["status"] = status
    return HttpAnswer.json(status, body, headers)


def _answer(server, request, match, record):
    if not match:
        return 404, {"errors": "Not Found"}, {}
    if request.headers.get("X-Shopify-Access-Token") != server.token:
        return 401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}, {}
    fault = server.faults.next_fault()
    if fault == 429:
        headers = {
            "Retry-After": server.faults.retry_after,
            CALL_LIMIT_HEADER: server.bucket.header(server.bucket.size),
        }
        return 429, {"errors": THROTTLED}, headers
    if fault:
        return fault, {"errors": "Internal Server Error"}, {}
    resource = match.group(2)
    headers = {}
    if resource != "graphql.json":
        allowed, used = server.bucket.take()
        headers[CALL_LIMIT_HEADER] = server.bucket.header(used)
        if not allowed:
            return 429, {"errors": THROTTLED}, {**headers, "Retry-After": f"{server.bucket.retry_after:.3f}"}
    body = None
    if request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            return 400, {"errors": "The body is not valid JSON"}, headers
    record["body"] = body
    route_request = Request(
        server.shop, request.method, request.query, body, f"{server.url}{request.path}", server.budget
    )
    status, answer_body, extra = dispatch(route_request, resource)
    return status, answer_body, {**headers, **extra}


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
        ("POST", r"graphql\.json", routes_graphql.run),
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
