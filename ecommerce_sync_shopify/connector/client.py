"""The Shopify Admin API client: REST with Link pagination, GraphQL, rate limits.

Every call goes through :class:`ShopifyClient` (an
:class:`~odoo.addons.ecommerce_sync.connector.HttpClient`), which adds to the
shared retries and call counting:

* the ``X-Shopify-Access-Token`` header;
* the REST leaky bucket: after each answer the ``X-Shopify-Shop-Api-Call-Limit``
  header ("used/capacity") is read and the client waits before the bucket is
  full, so that Shopify never has to answer 429 (it still honours 429 and
  ``Retry-After`` when another app shares the bucket);
* the GraphQL cost budget (``extensions.cost.throttleStatus``) and its
  ``THROTTLED`` errors;
* cursor pagination by the ``Link`` header (``rel="next"``, ``page_info``),
  and the ``updated_at_min`` walk of the flows that pull what changed;
* 401/403 turned into an :class:`AuthenticationError` that says what to check.
"""

import logging

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    HttpClient,
    RecordError,
    TransientError,
    to_datetime,
)

_logger = logging.getLogger(__name__)

DEFAULT_API_VERSION = "2025-01"
#: objects per REST list call (Shopify's maximum)
PAGE_SIZE = 250
CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
#: share of the REST bucket the client keeps free for other apps and webhooks
BUCKET_HEADROOM = 0.2
#: Shopify leaks a bucket of 40 at 2 calls/s, 80 at 4/s, 400 at 20/s: capacity / 20
LEAK_DIVISOR = 20.0
GRAPHQL_THROTTLE_RETRIES = 5


def parse_call_limit(value):
    """``(used, capacity)`` from a call-limit header like "32/40", or None."""
    if not value or "/" not in value:
        return None
    used, _sep, capacity = value.partition("/")
    try:
        used, capacity = int(used.strip()), int(capacity.strip())
    except ValueError:
        return None
    if capacity <= 0:
        return None
    return used, capacity


def next_page_url(response):
    """The ``rel="next"`` URL of a response's Link header, or None."""
    link = response.links.get("next") if response is not None else None
    return link.get("url") if link else None


def chunks(values, size):
    """``values`` in lists of at most ``size`` (Shopify limits the ids of one call)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def cursor_of(objects, previous=None, field="updated_at"):
    """The latest ``field`` (``updated_at``) of ``objects`` (UTC ISO), never before ``previous``.

    An unreadable timestamp is left out (its record fails on its own when parsed).
    """
    stamps = []
    for value in [previous] + [obj.get(field) for obj in objects if isinstance(obj, dict)]:
        try:
            stamp = to_datetime(value)
        except RecordError:
            continue
        if stamp is not None:
            stamps.append(stamp)
    return max(stamps).isoformat() if stamps else previous


def _created_within(obj, window):
    try:
        created = to_datetime(obj.get("created_at")) if isinstance(obj, dict) else None
    except RecordError:
        return True
    return created is None or window.holds(created)


class ShopifyClient(HttpClient):
    """HTTP client of one shop's Admin API.

    :param str shop_domain: ``<name>.myshopify.com`` (used in messages)
    :param str base_url: ``https://<shop>/admin/api/<version>/``
    :param str access_token: the Admin API access token
    """

    def __init__(self, shop_domain, base_url, access_token, **kwargs):
        headers = {
            "X-Shopify-Access-Token": access_token or "",
            "Accept": "application/json",
            "User-Agent": "ecommerce_sync (Odoo)",
        }
        super().__init__(base_url=base_url, headers=headers, **kwargs)
        self.shop_domain = shop_domain
        self.throttle = self.throttle_rest

    # ------------------------------------------------------------------
    # rate limits
    def throttle_rest(self, response):
        """Wait before the REST bucket is full, as the call-limit header tells."""
        limit = parse_call_limit(response.headers.get(CALL_LIMIT_HEADER))
        if limit is None:
            return
        used, capacity = limit
        threshold = capacity * (1 - BUCKET_HEADROOM)
        if used < threshold:
            return
        leak_rate = capacity / LEAK_DIVISOR
        delay = (used - threshold + 1) / leak_rate
        _logger.debug("Shopify bucket at %s/%s: waiting %.2fs", used, capacity, delay)
        self.wait(delay)

    def throttle_graphql(self, body):
        """Wait when the GraphQL cost budget runs low (``extensions.cost``)."""
        cost = (body.get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        available = status.get("currentlyAvailable")
        maximum = status.get("maximumAvailable")
        restore = status.get("restoreRate") or 50
        if available is None or not maximum:
            return
        wanted = max(cost.get("requestedQueryCost") or 0, maximum * BUCKET_HEADROOM)
        if available >= wanted:
            return
        self.wait((wanted - available) / restore)

    # ------------------------------------------------------------------
    def request(self, method, path, params=None, json=None, data=None, headers=None):
        try:
            return super().request(method, path, params=params, json=json, data=data, headers=headers)
        except AuthenticationError as exc:
            if exc.status == 403:
                message = (
                    f"Shopify shop {self.shop_domain} refused the call {method} {path} (HTTP 403): the app's "
                    f"access token lacks the access scope it needs. Details: {exc}"
                )
            else:
                message = (
                    f"Shopify shop {self.shop_domain} refused the Admin API access token (HTTP {exc.status}): "
                    f"check the token of the store's custom app and that the app is still installed. "
                    f"Details: {exc}"
                )
            raise AuthenticationError(message, exc.status) from None

    def get_object(self, path, key):
        """GET a single-object answer (``{"order": {...}}``) and return the object.

        :raise ApiError: when the answer is not such an object
        """
        body = self.get_json(path)
        found = body.get(key) if isinstance(body, dict) else None
        if not isinstance(found, dict):
            raise ApiError(f"GET {path}: the answer has no {key!r} object", 200)
        return found

    def paginate(self, path, params, key):
        """Yield ``(objects, response)`` page by page, following ``Link: rel="next"``.

        Only the first request carries the filters: Shopify refuses them next
        to a ``page_info`` token, which already encodes them.

        :param str key: the list's key in the body ("orders", "products", ...)
        """
        url, query = path, params
        while url:
            response = self.request("GET", url, params=query)
            try:
                body = response.json()
            except ValueError as exc:
                raise ApiError(f"GET {path}: the answer is not JSON", response.status_code) from exc
            objects = body.get(key) if isinstance(body, dict) else None
            if not isinstance(objects, list):
                raise ApiError(f"GET {path}: the answer has no {key!r} list", response.status_code)
            yield objects, response
            url, query = next_page_url(response), None

    def changed(self, path, key, cursor, params):
        """Yield ``(objects, cursor)`` page by page: the objects of ``path`` changed since ``cursor``.

        ``params`` must sort by ``updated_at asc``; the cursor of a page is the
        latest ``updated_at`` in it. ``updated_at_min`` is inclusive: objects at
        the boundary come again, and the engine recognises them by revision.
        """
        params = dict(params)
        if cursor:
            params["updated_at_min"] = cursor
        for objects, _response in self.paginate(path, params, key):
            cursor = cursor_of(objects, cursor)
            yield objects, cursor

    def created_within(self, path, key, window, cursor, params):
        """Yield the objects of ``path`` created within ``window`` (from ``cursor`` on when given), page by page.

        ``params`` must sort by ``created_at asc``. Shopify's ``created_at_max`` is inclusive: the
        objects created at the window's end are left to the next window. An object whose
        ``created_at`` cannot be read is yielded (its record fails on its own when parsed).
        """
        params = dict(params, created_at_max=window.end.isoformat())
        floor = window.floor(to_datetime(cursor, "cursor") if cursor else None)
        if floor is not None:
            params["created_at_min"] = floor.isoformat()
        for objects, _response in self.paginate(path, params, key):
            kept = [obj for obj in objects if _created_within(obj, window)]
            if kept:
                yield kept

    def graphql(self, query, variables=None):
        """Run a GraphQL Admin query; return its ``data``.

        Waits and retries when Shopify answers ``THROTTLED``; other errors
        become an :class:`ApiError` carrying Shopify's messages.
        """
        for attempt in range(GRAPHQL_THROTTLE_RETRIES + 1):
            body = self.json("POST", "graphql.json", json={"query": query, "variables": variables or {}})
            if not isinstance(body, dict):
                raise ApiError("Shopify GraphQL: the answer is not a JSON object", 200)
            errors = body.get("errors") or []
            if not isinstance(errors, list):
                errors = [errors]
            errors = [error if isinstance(error, dict) else {"message": str(error)} for error in errors]
            if errors and any((error.get("extensions") or {}).get("code") == "THROTTLED" for error in errors):
                if attempt == GRAPHQL_THROTTLE_RETRIES:
                    raise TransientError("Shopify GraphQL: still throttled after retries", 429)
                self.retries += 1
                self.wait(self._throttled_delay(body))
                continue
            if errors:
                messages = "; ".join(str(error.get("message", error)) for error in errors)
                raise ApiError(f"Shopify GraphQL error: {messages}", 200)
            self.throttle_graphql(body)
            data = body.get("data")
            return data if isinstance(data, dict) else {}
        raise TransientError("Shopify GraphQL: no answer", 0)  # pragma: no cover

    @staticmethod
    def _throttled_delay(body):
        """Seconds until the query's cost is available again (1 s when Shopify does not say)."""
        cost = (body.get("extensions") or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        missing = (cost.get("requestedQueryCost") or 0) - (status.get("currentlyAvailable") or 0)
        restore = float(status.get("restoreRate") or 0)
        if missing > 0 and restore > 0:
            return missing / restore
        return 1.0


def base_url(config):
    """``<origin>/admin/api/<version>/`` of the store (its own domain, or a local test shop)."""
    origin = (config.get("api_base_url") or "").rstrip("/") or f"https://{config.get('shop_domain', '')}"
    return f"{origin}/admin/api/{config.get('api_version') or DEFAULT_API_VERSION}/"


def build_client(config, **kwargs):
    """A :class:`ShopifyClient` for ``config`` (``kwargs`` go to HttpClient: sleep, retries...)."""
    return ShopifyClient(config.get("shop_domain", ""), base_url(config), config.get("access_token", ""), **kwargs)
