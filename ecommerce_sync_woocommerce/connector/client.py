"""HTTP access to a WooCommerce site's REST API (``/wp-json/wc/v3``).

:class:`WooCommerceClient` is the base :class:`HttpClient` (timeouts,
retries on 5xx and timeouts, ``Retry-After`` on 429, call counting) with
what WooCommerce adds:

* the site URL checked: HTTPS only, unless the store is explicitly marked
  as a local test site (credentials travel in every request);
* authentication as WooCommerce has it (``WC_REST_Authentication``): over
  HTTPS, HTTP Basic with the REST API consumer key and secret, or the keys
  as query parameters for servers that strip the ``Authorization`` header;
  over plain HTTP (a local test site), where WooCommerce reads neither,
  OAuth 1.0a signatures (:mod:`.oauth`): the secret never travels;
* 401 answers explained: WooCommerce's message, and what to check;
* collection pages read with their ``X-WP-Total`` / ``X-WP-TotalPages``
  headers, and the ``modified_after`` walk of the flows that pull what
  changed (see :meth:`WooCommerceClient.changed`);
* sub-collections (an order's refunds, a product's variations) attached to
  their record's payload;
* batch updates (``<collection>/batch``) split into calls of at most
  :data:`BATCH_LIMIT` items, WooCommerce's own limit.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from requests.auth import HTTPBasicAuth

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    ConnectorError,
    HttpClient,
    TransientError,
    to_datetime,
)

from .oauth import OAuth1Signature
from .payloads import format_gmt, revision_of

#: the REST namespace the connector speaks (WooCommerce 3.5 and later)
API_NAMESPACE = "wc/v3"
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


#: what WooCommerce's refusals mean for the store's settings, by the text of its message
REFUSAL_HINTS = (
    (
        "provided signature does not match",
        "Consumer secret is invalid, or the request was changed on its way: WooCommerce could not verify its "
        "OAuth 1.0a signature",
    ),
    ("Invalid timestamp", "this server's clock differs from the site's by more than 15 minutes"),
    ("nonce has already been used", "a signed request was sent twice"),
)


def refusal_hint(message, auth_method):
    """What to check when WooCommerce refused the credentials with ``message`` ("" when it says enough)."""
    for text, hint in REFUSAL_HINTS:
        if text in message:
            return hint
    if "woocommerce_rest_cannot_view" in message and auth_method == "oauth1":
        return "the site saw no OAuth 1.0a signature: a proxy may have dropped the query string"
    return ""


@dataclass
class CollectionPage:
    """One page of a WooCommerce collection and its pagination headers."""

    items: list
    total: int
    total_pages: int


def read_cursor(cursor):
    """``(datetime or None, {ids seen at that second})`` from a stored cursor."""
    if not cursor:
        return None, set()
    stamp, _sep, ids = str(cursor).partition("|")
    try:
        moment = to_datetime(stamp.strip(), "cursor")
    except ConnectorError:
        return None, set()
    return moment, {item for item in ids.split(",") if item}


def write_cursor(moment, ids):
    """The cursor of a second and the ids already seen in it: ``<GMT stamp>|<id>,<id>``."""
    if moment is None:
        return None
    stamp = format_gmt(moment)
    return f"{stamp}|{','.join(sorted(ids, key=lambda item: (len(item), item)))}" if ids else stamp


def _stamp(payload):
    try:
        return to_datetime(revision_of(payload) or None)
    except ConnectorError:
        return None


def _created(payload):
    """When a listed record was created (aware UTC), or None when unreadable (it fails when parsed)."""
    if not isinstance(payload, dict):
        return None
    try:
        return to_datetime(payload.get("date_created_gmt") or None)
    except ConnectorError:
        return None


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
    :param bool allow_plain_http: the site is a local test site reached over HTTP (requests are then
        signed with OAuth 1.0a)
    :param bool query_string_auth: over HTTPS, send the keys as query parameters instead
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
        self.site_url = site
        self.namespace = API_NAMESPACE
        self._query_auth = {"consumer_key": consumer_key, "consumer_secret": consumer_secret}
        #: "oauth1" over plain HTTP, "query_string" or "basic" over HTTPS
        self.auth_method = "oauth1" if site.startswith("http://") else "query_string" if query_string_auth else "basic"
        if self.auth_method == "oauth1":
            auth = OAuth1Signature(consumer_key, consumer_secret)
        elif self.auth_method == "basic":
            auth = HTTPBasicAuth(consumer_key, consumer_secret)
        else:
            auth = None
        super().__init__(
            base_url=f"{site}/wp-json/{API_NAMESPACE}/",
            headers={"Accept": "application/json"},
            auth=auth,
            **http_options,
        )

    @property
    def query_string_auth(self):
        return self.auth_method == "query_string"

    def request(self, method, path, params=None, json=None, data=None, headers=None):
        if self.config_error:
            raise SiteUrlError(self.config_error)
        if self.query_string_auth:
            params = {**(params or {}), **self._query_auth}
        try:
            return super().request(method, path, params=params, json=json, data=data, headers=headers)
        except AuthenticationError as exc:
            hint = refusal_hint(str(exc), self.auth_method)
            if not hint:
                raise
            raise AuthenticationError(f"{exc} ({hint})", exc.status) from None

    # ------------------------------------------------------------------
    def get_object(self, path):
        """GET one resource (an order, a product) and return it.

        :raise ApiError: when the answer is not a JSON object
        """
        body = self.get_json(path)
        if not isinstance(body, dict):
            raise ApiError(f"GET {path}: the answer is not an object", 200)
        return body

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

    def changed(self, path, cursor, params=None):
        """Yield ``(payloads, cursor)`` for the records of ``path`` modified after ``cursor``.

        Records come in ``orderby=modified&order=asc`` order (GMT), 100 per
        page. Each request starts from the newest modification already seen
        (less one second: ``modified_after`` is strict and stamps have whole
        seconds) instead of walking page numbers, so a record modified while a
        long pull runs cannot shift an unseen one out of the pages; records
        already seen at that second are recognised and not yielded again, and
        page numbers are only walked while more than a page of records share
        one second. The cursor is that second plus the ids already seen in it.
        """
        since, seen = read_cursor(cursor)
        page = 1
        while True:
            query = {**(params or {}), "orderby": "modified", "order": "asc", "dates_are_gmt": "true"}
            if since is not None:
                query["modified_after"] = format_gmt(since - timedelta(seconds=1))
            result = self.get_page(path, query, page=page, per_page=PER_PAGE)
            fresh = []
            newest = since
            for payload in result.items:
                if not isinstance(payload, dict):
                    continue
                stamp = _stamp(payload)
                record_id = str(payload.get("id", ""))
                if stamp is not None and stamp == since and record_id in seen:
                    continue
                fresh.append(payload)
                if stamp is not None and (newest is None or stamp > newest):
                    newest = stamp
            more = page < result.total_pages and bool(result.items)
            if newest is not None and newest != since:
                seen = {str(p.get("id", "")) for p in result.items if isinstance(p, dict) and _stamp(p) == newest}
                since, page = newest, 1
            else:
                seen |= {str(p.get("id", "")) for p in fresh if _stamp(p) == since}
                page += 1
            if fresh:
                yield fresh, write_cursor(since, seen)
            if not more:
                return

    def created_within(self, path, window, cursor=None, params=None):
        """Yield ``(payloads, cursor)`` for the records of ``path`` created within ``window``, oldest first.

        ``after`` is strict and stamps have whole seconds: listing asks from one second before
        the window's start (or the resume stamp ``cursor``) and keeps the records created from
        it on; ``before`` is strict, as the window's end. The cursor of a page is the newest
        creation stamp in it (GMT); resuming from it reads the records created at it again.
        """
        floor = window.floor(to_datetime(cursor, "cursor") if cursor else None)
        query = {**(params or {}), "orderby": "date", "order": "asc", "dates_are_gmt": "true"}
        query["before"] = format_gmt(window.end)
        if floor is not None:
            query["after"] = format_gmt(floor - timedelta(seconds=1))
        page = 1
        newest = floor
        while True:
            result = self.get_page(path, query, page=page, per_page=PER_PAGE)
            kept = []
            for payload in result.items:
                created = _created(payload)
                if created is not None and (not window.holds(created) or (floor and created < floor)):
                    continue
                kept.append(payload)
                if created is not None and (newest is None or created > newest):
                    newest = created
            if kept:
                yield kept, format_gmt(newest) if newest is not None else cursor
            if page >= result.total_pages or not result.items:
                return
            page += 1

    def attach(self, payload, key, path):
        """Attach the collection at ``path`` to ``payload[key]``.

        A refusal concerning this one record is kept in ``payload[key + "_error"]``
        for its parser (the record fails alone); refused credentials and outages
        stop the run.
        """
        try:
            payload[key] = self.get_all(path)
        except (AuthenticationError, TransientError):
            raise
        except ApiError as exc:
            payload[key] = None
            payload[f"{key}_error"] = str(exc)
        return payload

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
