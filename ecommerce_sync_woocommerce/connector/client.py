"""HTTP access to a WooCommerce site's REST API (``/wp-json/wc/v3``).

:class:`WooCommerceClient` is the base :class:`HttpClient` (timeouts,
retries on 5xx and timeouts, ``Retry-After`` on 429, call counting) with
what WooCommerce adds:

* the site URL checked: HTTPS only, unless the store is explicitly marked
  as a local test site (credentials travel in every request);
* HTTP Basic authentication with the REST API consumer key and secret, or
  the keys as query parameters for servers that strip the ``Authorization``
  header (WooCommerce accepts both over HTTPS);
* collection pages read with their ``X-WP-Total`` / ``X-WP-TotalPages``
  headers;
* batch updates (``<collection>/batch``) split into calls of at most
  :data:`BATCH_LIMIT` items, WooCommerce's own limit.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from requests.auth import HTTPBasicAuth

from odoo.addons.ecommerce_sync.connector import ConnectorError, HttpClient

DEFAULT_NAMESPACE = "wc/v3"
PER_PAGE = 100
BATCH_LIMIT = 100


class SiteUrlError(ConnectorError):
    """The site settings cannot be used (URL not HTTPS, no host, keys missing)."""


def check_site_url(url, allow_plain_http=False):
    """Validate a WooCommerce site URL and return it without trailing slash.

    :param str url: the WordPress site address, e.g. ``https://shop.example.com``
        or ``https://example.com/shop`` for a site in a sub-folder
    :param bool allow_plain_http: accept ``http://`` (local test sites only)
    :rtype: str
    :raise SiteUrlError: when the URL is empty, not HTTP(S), plain HTTP
        without permission, has no host, or carries credentials
    """
    url = (url or "").strip()
    if not url:
        raise SiteUrlError("The WooCommerce site URL is missing.")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SiteUrlError(f"The WooCommerce site URL must look like https://shop.example.com, not {url!r}.")
    if parts.username or parts.password:
        raise SiteUrlError("The WooCommerce site URL must not contain a user name or password.")
    if parts.query or parts.fragment:
        raise SiteUrlError("The WooCommerce site URL must not contain a query or a fragment.")
    if parts.scheme == "http" and not allow_plain_http:
        raise SiteUrlError(
            "The WooCommerce site URL must use HTTPS: the API keys are sent with every request. "
            "Plain HTTP is only accepted for a store marked as a local test site."
        )
    return url.rstrip("/")


@dataclass
class CollectionPage:
    """One page of a WooCommerce collection and its pagination headers."""

    items: list
    total: int
    total_pages: int


def _header_int(response, name, default):
    try:
        return int(response.headers.get(name, default))
    except (TypeError, ValueError):
        return default


class WooCommerceClient(HttpClient):
    """An :class:`HttpClient` bound to one WooCommerce site and its API keys.

    :param str site_url: the WordPress site address
    :param str consumer_key: REST API consumer key (``ck_...``)
    :param str consumer_secret: REST API consumer secret (``cs_...``)
    :param str namespace: REST namespace, ``wc/v3``
    :param bool allow_plain_http: the site is a local test site reached over HTTP
    :param bool query_string_auth: send the keys as query parameters instead
        of an ``Authorization`` header
    :param http_options: passed to :class:`HttpClient` (timeouts, retries, sleep)

    A refused URL or missing keys do not raise here (a store being set up
    must still load): every request raises :class:`SiteUrlError` instead.
    """

    def __init__(
        self,
        site_url,
        consumer_key,
        consumer_secret,
        namespace=DEFAULT_NAMESPACE,
        allow_plain_http=False,
        query_string_auth=False,
        **http_options,
    ):
        #: why this client cannot call the site (raised by every request), or None
        self.config_error = None
        try:
            site = check_site_url(site_url, allow_plain_http)
            if not consumer_key or not consumer_secret:
                raise SiteUrlError("The WooCommerce consumer key and secret are both required.")
        except SiteUrlError as exc:
            self.config_error = str(exc)
            site = "https://invalid.invalid"
        namespace = (namespace or DEFAULT_NAMESPACE).strip("/")
        self.site_url = site
        self.namespace = namespace
        self._query_auth = {"consumer_key": consumer_key, "consumer_secret": consumer_secret}
        self.query_string_auth = query_string_auth
        auth = None if query_string_auth else HTTPBasicAuth(consumer_key, consumer_secret)
        super().__init__(
            base_url=f"{site}/wp-json/{namespace}/",
            headers={"Accept": "application/json"},
            auth=auth,
            **http_options,
        )

    def request(self, method, path, params=None, json=None, data=None, headers=None):
        if self.config_error:
            raise SiteUrlError(self.config_error)
        if self.query_string_auth:
            params = {**(params or {}), **self._query_auth}
        return super().request(method, path, params=params, json=json, data=data, headers=headers)

    # ------------------------------------------------------------------
    def get_json(self, path, params=None):
        """GET a resource and decode it."""
        return self.json("GET", path, params=params)

    def get_page(self, path, params=None, page=1, per_page=PER_PAGE):
        """GET one page of a collection.

        :rtype: CollectionPage
        :raise ApiError: when the answer is not a JSON list
        """
        query = {**(params or {}), "page": page, "per_page": per_page}
        response = self.request("GET", path, params=query)
        try:
            items = response.json()
        except ValueError as exc:
            raise ConnectorError(f"GET {path} page {page}: the answer is not JSON") from exc
        if not isinstance(items, list):
            raise ConnectorError(f"GET {path} page {page}: expected a list, got {type(items).__name__}")
        total = _header_int(response, "X-WP-Total", len(items))
        total_pages = _header_int(response, "X-WP-TotalPages", 1 if items else 0)
        return CollectionPage(items, total, total_pages)

    def get_all(self, path, params=None, per_page=PER_PAGE):
        """Every item of a (small) collection, page after page until ``X-WP-TotalPages``."""
        items = []
        page = 1
        while True:
            result = self.get_page(path, params, page=page, per_page=per_page)
            items.extend(result.items)
            if page >= result.total_pages or not result.items:
                return items
            page += 1

    def batch_update(self, path, updates):
        """POST ``{"update": [...]}`` to a batch endpoint, :data:`BATCH_LIMIT` items per call.

        :param str path: e.g. ``products/batch``
        :param list updates: dicts with an ``id``
        :return: the ``update`` answers in the order of ``updates`` (an
            answer with an ``error`` key is an item WooCommerce refused)
        :rtype: list
        """
        answers = []
        for start in range(0, len(updates), BATCH_LIMIT):
            chunk = updates[start : start + BATCH_LIMIT]
            body = self.json("POST", path, json={"update": chunk})
            answered = body.get("update") if isinstance(body, dict) else None
            if not isinstance(answered, list):
                raise ConnectorError(f"POST {path}: the answer has no 'update' list")
            answers.extend(answered)
        return answers
