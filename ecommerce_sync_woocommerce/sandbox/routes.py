"""The ``wc/v3`` routes the sandbox serves, with WooCommerce's authentication, paging and error bodies.

Routes (``/wp-json/wc/v3/`` unless said otherwise):

* ``GET /wp-json/`` (site index, public) and ``GET /wp-json/wc/v3`` (namespace index, public)
* ``GET system_status``
* ``GET orders``, ``orders/<id>``, ``orders/<id>/refunds``, ``orders/<id>/refunds/<id>``
* ``GET products``, ``products/<id>``, ``products/<id>/variations``, ``products/<id>/variations/<id>``
* ``POST products/batch``, ``products/<id>/variations/batch`` (updates, at most 100 items)
* ``PUT products/<id>``, ``products/<id>/variations/<id>``

Collections honour ``page``, ``per_page`` (1 to 100), ``orderby`` (date, id,
modified), ``order``, ``modified_after``/``modified_before``, ``after``/``before`` (creation) with
``dates_are_gmt``, ``status`` and ``include``, and answer with
``X-WP-Total``/``X-WP-TotalPages`` and a ``Link`` header.

Authentication is WooCommerce's (``WC_REST_Authentication``) for a site
served over plain HTTP, as the sandbox is: every ``wc/v3`` route wants an
OAuth 1.0a signature (HMAC-SHA1 or HMAC-SHA256, in the query string or an
``Authorization: OAuth`` header), verified over the method, the site URL and
path, and the sorted parameters; a timestamp more than 15 minutes from the
sandbox's clock and a nonce already used are refused. HTTP Basic and the
``consumer_key``/``consumer_secret`` parameters, which WooCommerce reads over
HTTPS only, are not read: such a request is not authenticated. Refusals are
401 answers with WooCommerce's codes and messages. The fault knobs
(:class:`~odoo.addons.ecommerce_sync.sandbox_support.Faults`) are met before
authentication.
"""

import copy
import hmac
import json
import operator
import re
from datetime import datetime, timezone
from math import ceil
from urllib.parse import unquote

from odoo.addons.ecommerce_sync.sandbox_support import HttpAnswer

from ..connector.oauth import OAUTH_PARAMETERS, SIGNATURE_METHODS, VALID_WINDOW, signature
from .serializers import (
    ApiAnswer,
    malformed,
    product_view,
    site_index,
    system_status,
    variation_view,
    wp_json_encode,
)

API_PREFIX = "/wp-json/wc/v3"
MAX_PER_PAGE = 100
BATCH_LIMIT = 100
NO_ROUTE = "No route was found matching the URL and request method."
#: ``oauth_<name>="<value>"`` (or unquoted) pairs of an ``Authorization: OAuth`` header, as WooCommerce reads them
#: the code of WooCommerce's authentication refusals
AUTH_ERROR = "woocommerce_rest_authentication_error"
OAUTH_HEADER = re.compile(r'(oauth_[a-z_-]*)=(?:"([^"]*)"|([^,]*))')


def answer(sandbox, request):
    """The :class:`HttpAnswer` of ``sandbox`` (a :class:`~.server.WooCommerceSandbox`) to one request."""
    path = request.path.rstrip("/")
    try:
        if path in ("/wp-json", ""):
            return _send(200, site_index(sandbox.site))
        if path == API_PREFIX:
            return _send(200, {"namespace": "wc/v3", "routes": {}})
        if not path.startswith(API_PREFIX + "/"):
            raise ApiAnswer(404, "rest_no_route", NO_ROUTE)
        api_route = path[len(API_PREFIX) + 1 :]
        with sandbox.lock:
            sandbox.requests.append((request.method, api_route, dict(request.query)))
        fault = sandbox.faults.next_fault()
        if fault == 429:
            raise ApiAnswer(429, "woocommerce_rest_too_many_requests", "Too many requests.")
        if fault:
            raise ApiAnswer(fault, "sandbox_fault", f"Injected failure {fault}")
        authenticate(sandbox, request, write=request.method != "GET")
        body = json.loads(request.body) if request.body else {}
        with sandbox.lock:
            status, payload, headers = route(sandbox, request.method, api_route, request.query, body)
        return _send(status, payload, headers)
    except ApiAnswer as error:
        headers = {"Retry-After": sandbox.faults.retry_after} if error.status == 429 else {}
        return _send(error.status, error.body, headers)
    except ValueError as exc:
        return _send(400, {"code": "rest_invalid_json", "message": f"Invalid JSON body: {exc}", "data": {}})


def _send(status, payload, headers=None):
    return HttpAnswer(status, wp_json_encode(payload), dict(headers or {}), "application/json; charset=UTF-8")


def oauth_parameters(request):
    """The request's parameters with its ``oauth_*`` ones, as WooCommerce reads them (query, then header).

    :return: the parameters, or None when the request carries none of the OAuth parameters
    :raise ApiAnswer: when it carries some but not all
    """
    params = dict(request.query)
    header = (request.headers.get("Authorization") or "").strip()
    if header.startswith("OAuth "):
        for name, quoted, bare in OAUTH_HEADER.findall(header):
            params[name] = unquote(quoted or bare)
    missing = [name for name in OAUTH_PARAMETERS if not params.get(name)]
    if len(missing) == len(OAUTH_PARAMETERS):
        return None
    if missing:
        label = "Missing OAuth parameter" if len(missing) == 1 else "Missing OAuth parameters"
        raise ApiAnswer(401, "woocommerce_rest_authentication_missing_parameter", f"{label} {', '.join(missing)}")
    return params


def authenticate(sandbox, request, write):
    """Verify the request's OAuth 1.0a signature, timestamp and nonce, then the keys' permissions."""
    params = oauth_parameters(request)
    if params is None:
        # no signature: HTTP Basic and keys in the query string are not read over plain HTTP
        raise ApiAnswer(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
    if not hmac.compare_digest(params["oauth_consumer_key"].encode(), sandbox.consumer_key.encode()):
        raise ApiAnswer(401, AUTH_ERROR, "Consumer key is invalid.")
    given = params.pop("oauth_signature").replace(" ", "+")
    method = params["oauth_signature_method"]
    if method not in SIGNATURE_METHODS:
        raise ApiAnswer(401, AUTH_ERROR, "Invalid signature - signature method is invalid.")
    expected = signature(sandbox.consumer_secret, request.method, f"{sandbox.url}{request.path}", params, method)
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise ApiAnswer(401, AUTH_ERROR, "Invalid signature - provided signature does not match.")
    check_timestamp_and_nonce(sandbox, params["oauth_timestamp"], params["oauth_nonce"])
    if write and sandbox.read_only:
        raise ApiAnswer(401, AUTH_ERROR, "The API key provided does not have write permissions.")


def check_timestamp_and_nonce(sandbox, timestamp, nonce):
    """A timestamp within 15 minutes of the sandbox's clock, a nonce not used in that window (then remembered)."""
    now = sandbox.clock()
    try:
        moment = int(timestamp)
    except ValueError:
        moment = None
    if moment is None or not now - VALID_WINDOW <= moment <= now + VALID_WINDOW:
        raise ApiAnswer(401, AUTH_ERROR, "Invalid timestamp.")
    with sandbox.lock:
        for used, stamp in list(sandbox.nonces.items()):
            if stamp < now - VALID_WINDOW:
                del sandbox.nonces[used]
        if nonce in sandbox.nonces:
            raise ApiAnswer(401, AUTH_ERROR, "Invalid nonce - nonce has already been used.")
        sandbox.nonces[nonce] = moment


def route(sandbox, method, route, query, body):
    """``(status, payload, headers)`` of an API route (the path after ``/wp-json/wc/v3/``)."""
    site = sandbox.site
    segments = route.split("/")
    if method == "GET" and route == "system_status":
        return 200, system_status(site), {}
    if segments[0] == "orders":
        if method != "GET":
            raise ApiAnswer(404, "rest_no_route", NO_ROUTE)
        if len(segments) == 1:
            return collection(sandbox, list(site.orders.values()), query, "orders")
        order = site.orders.get(_int(segments[1]))
        if order is None:
            raise ApiAnswer(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        if len(segments) == 2:
            return 200, malformed(sandbox.faults, copy.deepcopy(order)), {}
        if segments[2] == "refunds":
            refunds = site.refunds.get(order["id"], [])
            if len(segments) == 3:
                return collection(sandbox, refunds, query, f"orders/{order['id']}/refunds")
            refund = next((r for r in refunds if r["id"] == _int(segments[3])), None)
            if refund is None:
                raise ApiAnswer(404, "woocommerce_rest_invalid_id", "Invalid ID.")
            return 200, copy.deepcopy(refund), {}
    if segments[0] == "products":
        if len(segments) == 1 and method == "GET":
            return collection(sandbox, list(site.products.values()), query, "products")
        if segments[1:] == ["batch"] and method in ("POST", "PUT"):
            return 200, batch(sandbox, route, body, variations_of=None), {}
        product_id = _int(segments[1])
        if len(segments) == 2:
            if method == "GET":
                return 200, malformed(sandbox.faults, product_view(site, product_id)), {}
            if method in ("PUT", "POST"):
                return 200, update_item(sandbox, route, product_id, body, parent=None), {}
        if len(segments) >= 3 and segments[2] == "variations":
            parent = site.products.get(product_id)
            if parent is None:
                raise ApiAnswer(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
            if len(segments) == 3 and method == "GET":
                variations = [site.variations[v] for v in parent["variations"]]
                status, items, headers = collection(sandbox, variations, query, f"products/{product_id}/variations")
                return status, [variation_view(item) for item in items], headers
            if segments[3:] == ["batch"] and method in ("POST", "PUT"):
                return 200, batch(sandbox, route, body, variations_of=parent), {}
            variation_id = _int(segments[3]) if len(segments) == 4 else None
            if variation_id not in parent["variations"]:
                raise ApiAnswer(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
            if method == "GET":
                return 200, variation_view(site.variations[variation_id]), {}
            if method in ("PUT", "POST"):
                return 200, update_item(sandbox, route, variation_id, body, parent=parent), {}
    raise ApiAnswer(404, "rest_no_route", NO_ROUTE)


def collection(sandbox, items, query, path):
    """One page of a collection, as WooCommerce filters, sorts and pages it, with its headers."""
    try:
        page = int(query.get("page", 1))
        per_page = int(query.get("per_page", 10))
    except ValueError:
        raise ApiAnswer(400, "rest_invalid_param", "Invalid parameter(s): page, per_page") from None
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ApiAnswer(400, "rest_invalid_param", "Invalid parameter(s): per_page")
    if page < 1:
        raise ApiAnswer(400, "rest_invalid_param", "Invalid parameter(s): page")
    gmt = str(query.get("dates_are_gmt", "")).lower() in ("1", "true")
    suffix = "_gmt" if gmt else ""
    selected = list(items)
    # the date filters: (parameter, the items' date it bounds, how an item's date compares to keep it)
    bounds = (
        ("modified_after", "date_modified", operator.gt),
        ("modified_before", "date_modified", operator.lt),
        ("after", "date_created", operator.gt),
        ("before", "date_created", operator.lt),
    )
    for parameter, date, keeps in bounds:
        if not query.get(parameter):
            continue
        try:
            moment = _parse_moment(query[parameter])
            selected = [item for item in selected if keeps(_parse_moment(item[date + suffix]), moment)]
        except ValueError:
            raise ApiAnswer(400, "rest_invalid_param", f"Invalid parameter(s): {parameter}") from None
    status = query.get("status", "any")
    if status and status != "any":
        wanted = set(status.split(","))
        selected = [item for item in selected if item.get("status") in wanted]
    else:
        selected = [item for item in selected if item.get("status") != "trash"]
    if query.get("include"):
        wanted_ids = {_int(value) for value in query["include"].split(",")}
        selected = [item for item in selected if item["id"] in wanted_ids]
    orderby = query.get("orderby", "date")
    keys = {
        "date": lambda item: (item.get("date_created_gmt") or "", item["id"]),
        "modified": lambda item: (item.get("date_modified_gmt") or "", item["id"]),
        "id": lambda item: item["id"],
        "include": lambda item: item["id"],
    }
    if orderby not in keys:
        raise ApiAnswer(400, "rest_invalid_param", "Invalid parameter(s): orderby")
    descending = query.get("order", "desc") == "desc"
    selected.sort(key=keys[orderby], reverse=descending)
    total = len(selected)
    total_pages = ceil(total / per_page) if total else 0
    if page > 1 and page > total_pages:
        raise ApiAnswer(
            400,
            "rest_post_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
        )
    chunk = selected[(page - 1) * per_page : page * per_page]
    links = []
    base = f"{sandbox.url}{API_PREFIX}/{path}?per_page={per_page}"
    if page > 1:
        links.append(f'<{base}&page={page - 1}>; rel="prev"')
    if page < total_pages:
        links.append(f'<{base}&page={page + 1}>; rel="next"')
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(total_pages)}
    if links:
        headers["Link"] = ", ".join(links)
    payloads = [malformed(sandbox.faults, copy.deepcopy(item)) for item in chunk]
    return 200, payloads, headers


def batch(sandbox, route, body, variations_of):
    """``<collection>/batch``: updates only, at most :data:`BATCH_LIMIT`, answered item by item."""
    if not isinstance(body, dict):
        raise ApiAnswer(400, "rest_invalid_json", "The batch body must be an object.")
    if body.get("create") or body.get("delete"):
        raise ApiAnswer(400, "sandbox_batch_updates_only", "This sandbox accepts batch updates only.")
    updates = body.get("update") or []
    if len(updates) > BATCH_LIMIT:
        raise ApiAnswer(
            413,
            "woocommerce_rest_request_entity_too_large",
            "Unable to accept more than 100 items for this request.",
        )
    answers = []
    for update in updates:
        item_id = _int(update.get("id")) if isinstance(update, dict) else None
        valid = (
            item_id in variations_of["variations"] if variations_of is not None else item_id in sandbox.site.products
        )
        if not valid:
            answers.append(
                {
                    "id": update.get("id") if isinstance(update, dict) else None,
                    "error": {
                        "code": "woocommerce_rest_product_invalid_id",
                        "message": "Invalid ID.",
                        "data": {"status": 400},
                    },
                }
            )
            continue
        answers.append(update_item(sandbox, route, item_id, update, parent=variations_of, record=False))
    sandbox.pushes.append((route, body))
    return {"update": answers}


def update_item(sandbox, route, item_id, update, parent, record=True):
    """``PUT`` of a product or variation (or one item of a batch): its stock."""
    site = sandbox.site
    if record:
        sandbox.pushes.append((route, update))
    item = site.item(item_id)
    if item is None:
        raise ApiAnswer(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    if "stock_quantity" in update or "manage_stock" in update:
        manage = update.get("manage_stock", item.get("manage_stock"))
        quantity = update.get("stock_quantity", item.get("stock_quantity") or 0)
        if not isinstance(quantity, int) and not str(quantity).lstrip("-").isdigit():
            raise ApiAnswer(400, "rest_invalid_param", "Invalid parameter(s): stock_quantity")
        site.set_stock(item_id, int(quantity), manage_stock=manage)
    if parent is not None:
        return variation_view(site.variations[item_id])
    return product_view(site, item_id)


def _parse_moment(value):
    text = str(value).strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
