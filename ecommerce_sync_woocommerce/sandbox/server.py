"""A local HTTP server speaking the WooCommerce REST API subset the connector uses.

Routes (``/wp-json/wc/v3/`` unless said otherwise):

* ``GET /wp-json/`` (site index, public) and ``GET /wp-json/wc/v3`` (namespace index, public)
* ``GET system_status``
* ``GET orders``, ``orders/<id>``, ``orders/<id>/refunds``, ``orders/<id>/refunds/<id>``
* ``GET products``, ``products/<id>``, ``products/<id>/variations``, ``products/<id>/variations/<id>``
* ``POST products/batch``, ``products/<id>/variations/batch`` (updates, at most 100 items)
* ``PUT products/<id>``, ``products/<id>/variations/<id>``

Collections honour ``page``, ``per_page`` (1 to 100), ``orderby`` (date, id,
modified), ``order``, ``modified_after``/``modified_before`` with
``dates_are_gmt``, ``status`` and ``include``, and answer with
``X-WP-Total``/``X-WP-TotalPages`` and a ``Link`` header. Every ``wc/v3``
route wants HTTP Basic auth with the consumer key and secret (or the
``consumer_key``/``consumer_secret`` query parameters) and answers 401
otherwise, with WooCommerce's error bodies.

Faults (:class:`Faults`, changeable while running): a share of 5xx answers
(seeded, so reproducible), latency, an explicit list of statuses for the next
requests (a 5xx burst), 429 answers with ``Retry-After``, and records served
malformed.

Webhooks: :meth:`WooCommerceSandbox.deliver` posts a resource to a URL the
way WooCommerce does (JSON as PHP encodes it, ``X-WC-Webhook-*`` headers, the
base64 HMAC-SHA256 signature of the raw body); :meth:`deliver_ping` sends the
unsigned ping WooCommerce sends when a webhook is saved.

Start it in a thread (``with WooCommerceSandbox() as sandbox: ...``) or as
a process (``python -m odoo.addons.ecommerce_sync_woocommerce.sandbox``).
"""

import base64
import copy
import hashlib
import hmac
import json
import logging
import random
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from math import ceil
from urllib.parse import parse_qs, urlsplit

from .generator import WC_VERSION, WP_VERSION, generate_site

_logger = logging.getLogger(__name__)

API_PREFIX = "/wp-json/wc/v3"
MAX_PER_PAGE = 100
BATCH_LIMIT = 100
DEFAULT_KEY = "ck_sandbox_0123456789abcdef0123456789abcdef01234567"
DEFAULT_SECRET = "cs_sandbox_76543210fedcba9876543210fedcba9876543210"


@dataclass
class Faults:
    """What goes wrong, on purpose. Every field can be changed while the server runs."""

    #: share (0..1) of API requests answered 503, drawn from a seeded generator
    error_rate: float = 0.0
    #: seconds added before every API answer
    latency: float = 0.0
    #: statuses answered to the next API requests, one each (e.g. ``[503, 503]``)
    fail_next: list = field(default_factory=list)
    #: the next N API requests are answered 429
    rate_limit_next: int = 0
    #: the ``Retry-After`` of those 429 answers
    retry_after: str = "1"
    #: ids of orders and products served with an unreadable amount
    malformed: set = field(default_factory=set)
    seed: int = 0

    def __post_init__(self):
        self.rng = random.Random(self.seed)


class ApiAnswer(Exception):
    """An error answer with WooCommerce's body shape."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.body = {"code": code, "message": message, "data": {"status": status}}


def wp_json_encode(value):
    """JSON as WordPress's ``wp_json_encode`` writes it: compact, ``\\/`` and ``\\uXXXX`` escapes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


def wc_signature(secret, body):
    """``X-WC-Webhook-Signature``: base64 of the HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _parse_moment(value):
    text = str(value).strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


class WooCommerceSandbox:
    """A WooCommerce site on 127.0.0.1.

    :param site: a :class:`~.generator.SiteData` (generated from ``profile``,
        ``orders`` and ``seed`` when None)
    :param int port: 0 for any free port
    :param bool read_only: the keys only have Read permission (writes get 401)
    :param catalogue: :class:`~.generator.Article` objects to sell instead of the default catalogue
    """

    def __init__(
        self,
        site=None,
        profile="us",
        orders=40,
        seed=7,
        consumer_key=DEFAULT_KEY,
        consumer_secret=DEFAULT_SECRET,
        host="127.0.0.1",
        port=0,
        faults=None,
        read_only=False,
        catalogue=None,
    ):
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.read_only = read_only
        self.faults = faults or Faults(seed=seed)
        self.lock = threading.RLock()
        #: every API request received: (method, path, query dict)
        self.requests = []
        #: every batch/PUT update received: (path, body)
        self.pushes = []
        handler = type("BoundHandler", (_Handler,), {"sandbox": self})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.site = site or generate_site(profile, orders=orders, seed=seed, site_url=self.url, catalogue=catalogue)
        self._thread = None

    # ------------------------------------------------------------------
    def start(self):
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="woocommerce-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self):
        try:
            self.server.serve_forever()
        finally:
            self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def api_requests(self, path_prefix=""):
        """The API requests received whose path starts with ``path_prefix`` (after ``/wp-json/wc/v3/``)."""
        return [entry for entry in self.requests if entry[1].startswith(path_prefix)]

    # ------------------------------------------------------------------
    # webhooks
    def webhook_payload(self, resource, resource_id, event="updated"):
        """The body WooCommerce would deliver for ``<resource>.<event>``."""
        if event == "deleted":
            return {"id": int(resource_id)}
        with self.lock:
            if resource == "order":
                return copy.deepcopy(self.site.orders[int(resource_id)])
            if resource == "product":
                return self._product_view(int(resource_id))
        raise KeyError(f"no {resource} webhooks in this sandbox")

    def deliver(self, url, topic, resource_id, secret, webhook_id=1, delivery_id=None, body=None, timeout=30):
        """POST a webhook as WooCommerce's ``WC_Webhook::deliver`` does.

        :param str topic: e.g. "order.updated"
        :param bytes body: send this raw body instead of the resource
        :return: ``(HTTP status, answer body bytes, delivery id)``
        """
        resource, _sep, event = topic.partition(".")
        raw = body if body is not None else wp_json_encode(self.webhook_payload(resource, resource_id, event))
        delivery_id = delivery_id or hashlib.md5(f"{webhook_id}{int(time.time())}".encode()).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})",
            "X-WC-Webhook-Source": f"{self.site.site_url}/",
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": wc_signature(secret, raw),
            "X-WC-Webhook-ID": str(webhook_id),
            "X-WC-Webhook-Delivery-ID": delivery_id,
        }
        status, answer = _post(url, raw, headers, timeout)
        return status, answer, delivery_id

    def deliver_ping(self, url, webhook_id=1, timeout=30):
        """The unsigned ``webhook_id=<n>`` ping WooCommerce sends when a webhook is saved.

        :return: ``(HTTP status, answer body bytes)``
        """
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})",
        }
        return _post(url, f"webhook_id={webhook_id}".encode(), headers, timeout)

    # ------------------------------------------------------------------
    # views of the data
    def _variation_view(self, variation):
        view = {key: value for key, value in variation.items() if key not in ("type", "parent_id")}
        return copy.deepcopy(view)

    def _product_view(self, product_id):
        site = self.site
        if product_id in site.products:
            return copy.deepcopy(site.products[product_id])
        variation = site.variations.get(product_id)
        if variation is None:
            raise ApiAnswer(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        view = copy.deepcopy(variation)
        parent = site.products[variation["parent_id"]]
        options = ", ".join(attribute["option"] for attribute in variation["attributes"])
        view["name"] = f"{parent['name']} - {options}"
        return view

    def _malformed(self, payload):
        if payload.get("id") in self.faults.malformed:
            payload = copy.deepcopy(payload)
            payload["total" if "line_items" in payload else "price"] = "12,50"
        return payload


def _post(url, body, headers, timeout):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# ----------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    sandbox = None
    server_version = "nginx"
    protocol_version = "HTTP/1.1"
    # headers and body leave in two writes: without this, each answer waits for a delayed ACK
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        _logger.debug("sandbox: " + format, *args)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    # ------------------------------------------------------------------
    def _dispatch(self, method):
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = parts.path.rstrip("/")
        try:
            if path in ("/wp-json", ""):
                return self._send(200, self._site_index())
            if path == API_PREFIX:
                return self._send(200, {"namespace": "wc/v3", "routes": {}})
            if not path.startswith(API_PREFIX + "/"):
                raise ApiAnswer(404, "rest_no_route", "No route was found matching the URL and request method.")
            route = path[len(API_PREFIX) + 1 :]
            sandbox = self.sandbox
            with sandbox.lock:
                sandbox.requests.append((method, route, dict(query)))
            self._faults()
            self._authenticate(query, write=method != "GET")
            body = json.loads(raw) if raw else {}
            with sandbox.lock:
                status, payload, headers = self._route(method, route, query, body)
            return self._send(status, payload, headers)
        except ApiAnswer as answer:
            headers = {"Retry-After": self.sandbox.faults.retry_after} if answer.status == 429 else {}
            return self._send(answer.status, answer.body, headers)
        except ValueError as exc:
            return self._send(400, {"code": "rest_invalid_json", "message": f"Invalid JSON body: {exc}", "data": {}})

    def _send(self, status, payload, headers=None):
        body = wp_json_encode(payload)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _site_index(self):
        site = self.sandbox.site
        return {
            "name": site.profile.title,
            "description": "A WooCommerce sandbox",
            "url": site.site_url,
            "home": site.site_url,
            "gmt_offset": str(site.profile.utc_offset),
            "timezone_string": "",
            "namespaces": ["oembed/1.0", "wc/store/v1", "wc/v1", "wc/v2", "wc/v3", "wp/v2"],
            "authentication": [],
            "routes": {},
        }

    def _faults(self):
        faults = self.sandbox.faults
        if faults.latency:
            time.sleep(faults.latency)
        with self.sandbox.lock:
            if faults.fail_next:
                status = faults.fail_next.pop(0)
                raise ApiAnswer(status, "sandbox_fault", f"Injected failure {status}")
            if faults.rate_limit_next > 0:
                faults.rate_limit_next -= 1
                raise ApiAnswer(429, "woocommerce_rest_too_many_requests", "Too many requests.")
            if faults.error_rate and faults.rng.random() < faults.error_rate:
                raise ApiAnswer(503, "sandbox_fault", "Service temporarily unavailable")

    def _authenticate(self, query, write):
        sandbox = self.sandbox
        key = secret = None
        header = self.headers.get("Authorization") or ""
        if header.startswith("Basic "):
            try:
                key, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                key = secret = None
        elif "consumer_key" in query:
            key, secret = query.get("consumer_key"), query.get("consumer_secret")
        if key is None:
            raise ApiAnswer(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        if not hmac.compare_digest(key.encode(), sandbox.consumer_key.encode()):
            raise ApiAnswer(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
        if not hmac.compare_digest((secret or "").encode(), sandbox.consumer_secret.encode()):
            raise ApiAnswer(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.")
        if write and sandbox.read_only:
            raise ApiAnswer(
                401, "woocommerce_rest_authentication_error", "The API key provided does not have write permissions."
            )

    # ------------------------------------------------------------------
    def _route(self, method, route, query, body):
        sandbox = self.sandbox
        site = sandbox.site
        segments = route.split("/")
        if method == "GET" and route == "system_status":
            return 200, self._system_status(), {}
        if segments[0] == "orders":
            if method != "GET":
                raise ApiAnswer(404, "rest_no_route", "No route was found matching the URL and request method.")
            if len(segments) == 1:
                return self._collection(list(site.orders.values()), query, "orders")
            order = site.orders.get(_int(segments[1]))
            if order is None:
                raise ApiAnswer(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
            if len(segments) == 2:
                return 200, sandbox._malformed(copy.deepcopy(order)), {}
            if segments[2] == "refunds":
                refunds = site.refunds.get(order["id"], [])
                if len(segments) == 3:
                    return self._collection(refunds, query, f"orders/{order['id']}/refunds")
                refund = next((r for r in refunds if r["id"] == _int(segments[3])), None)
                if refund is None:
                    raise ApiAnswer(404, "woocommerce_rest_invalid_id", "Invalid ID.")
                return 200, copy.deepcopy(refund), {}
        if segments[0] == "products":
            if len(segments) == 1 and method == "GET":
                return self._collection(list(site.products.values()), query, "products")
            if segments[1:] == ["batch"] and method in ("POST", "PUT"):
                return 200, self._batch(route, body, variations_of=None), {}
            product_id = _int(segments[1])
            if len(segments) == 2:
                if method == "GET":
                    return 200, sandbox._malformed(sandbox._product_view(product_id)), {}
                if method in ("PUT", "POST"):
                    return 200, self._update(route, product_id, body, parent=None), {}
            if len(segments) >= 3 and segments[2] == "variations":
                parent = site.products.get(product_id)
                if parent is None:
                    raise ApiAnswer(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
                if len(segments) == 3 and method == "GET":
                    variations = [site.variations[v] for v in parent["variations"]]
                    status, items, headers = self._collection(variations, query, f"products/{product_id}/variations")
                    return status, [sandbox._variation_view(item) for item in items], headers
                if segments[3:] == ["batch"] and method in ("POST", "PUT"):
                    return 200, self._batch(route, body, variations_of=parent), {}
                variation_id = _int(segments[3]) if len(segments) == 4 else None
                if variation_id not in parent["variations"]:
                    raise ApiAnswer(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
                if method == "GET":
                    return 200, sandbox._variation_view(site.variations[variation_id]), {}
                if method in ("PUT", "POST"):
                    return 200, self._update(route, variation_id, body, parent=parent), {}
        raise ApiAnswer(404, "rest_no_route", "No route was found matching the URL and request method.")

    def _system_status(self):
        site = self.sandbox.site
        return {
            "environment": {
                "home_url": site.site_url,
                "site_url": site.site_url,
                "version": WC_VERSION,
                "wp_version": WP_VERSION,
                "wp_multisite": False,
                "language": "en_US",
                "php_version": "8.2.26",
                "default_timezone": "UTC",
            },
            "database": {"wc_database_version": WC_VERSION, "database_prefix": "wp_", "database_tables": {}},
            "active_plugins": [],
            "theme": {"name": "Storefront", "version": "4.6.0"},
            "settings": {
                "api_enabled": True,
                "force_ssl": False,
                "currency": site.profile.currency,
                "currency_symbol": "&#36;" if site.profile.currency == "USD" else "&euro;",
                "currency_position": "left" if site.profile.currency == "USD" else "right_space",
                "thousand_separator": "," if site.profile.currency == "USD" else " ",
                "decimal_separator": "." if site.profile.currency == "USD" else ",",
                "number_of_decimals": 2,
                "geolocation_enabled": False,
                "taxonomies": {
                    "external": "external",
                    "grouped": "grouped",
                    "simple": "simple",
                    "variable": "variable",
                },
            },
            "security": {"secure_connection": False, "hide_errors": True},
            "pages": [],
        }

    def _collection(self, items, query, path):
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
        column = "date_modified_gmt" if gmt else "date_modified"
        selected = list(items)
        try:
            if query.get("modified_after"):
                after = _parse_moment(query["modified_after"])
                selected = [item for item in selected if _parse_moment(item[column]) > after]
            if query.get("modified_before"):
                before = _parse_moment(query["modified_before"])
                selected = [item for item in selected if _parse_moment(item[column]) < before]
        except ValueError:
            raise ApiAnswer(400, "rest_invalid_param", "Invalid parameter(s): modified_after") from None
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
        base = f"{self.sandbox.url}{API_PREFIX}/{path}?per_page={per_page}"
        if page > 1:
            links.append(f'<{base}&page={page - 1}>; rel="prev"')
        if page < total_pages:
            links.append(f'<{base}&page={page + 1}>; rel="next"')
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(total_pages)}
        if links:
            headers["Link"] = ", ".join(links)
        payloads = [self.sandbox._malformed(copy.deepcopy(item)) for item in chunk]
        return 200, payloads, headers

    def _batch(self, route, body, variations_of):
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
                item_id in variations_of["variations"]
                if variations_of is not None
                else item_id in self.sandbox.site.products
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
            answers.append(self._update(route, item_id, update, parent=variations_of, record=False))
        self.sandbox.pushes.append((route, body))
        return {"update": answers}

    def _update(self, route, item_id, update, parent, record=True):
        sandbox = self.sandbox
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
            return sandbox._variation_view(site.variations[item_id])
        return sandbox._product_view(item_id)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
