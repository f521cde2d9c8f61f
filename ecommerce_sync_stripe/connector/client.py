"""HTTP access to Stripe's API (``/v1``).

:class:`StripeClient` is the base :class:`HttpClient` (timeouts, retries on
5xx and timeouts, ``Retry-After`` on 429, call counting) with what Stripe
adds:

* the secret or restricted key as a Bearer token, its mode (test or live)
  read from its prefix, and a pinned ``Stripe-Version``;
* the API address checked: Stripe's own, or a local test account on
  127.0.0.1 when the store is marked as one (the key travels with every
  request);
* parameters form-encoded the way Stripe reads them (``expand[]``,
  ``created[gte]``, ``metadata[key]``);
* list envelopes (``object: list``, ``data``, ``has_more``) read page by
  page with ``starting_after`` / ``ending_before``, 100 objects a page;
* Stripe's error envelope read into clear messages (never the key), and
  ``Stripe-Should-Retry: false`` on a 429 or 5xx answer honoured: such a
  call is not retried.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    ConnectorError,
    HttpClient,
    NotFoundError,
    TransientError,
)

DEFAULT_API_BASE = "https://api.stripe.com"
#: the version this connector is written against (the one stripe-python 16.1 pins)
DEFAULT_API_VERSION = "2026-10-28.endive"
PAGE_LIMIT = 100
LOCAL_HOSTS = ("127.0.0.1", "localhost")
KEY_PATTERN = re.compile(r"^(sk|rk)_(test|live)_[A-Za-z0-9]{8,247}$")
KEY_IN_TEXT = re.compile(r"\b([spr]k)_(test|live)_[A-Za-z0-9*]+")
VERSION_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")
#: Stripe object ids: a lower-case prefix (ch_, txn_, po_, cs_test_ ...) and letters or digits
ID_PATTERN = re.compile(r"^[a-z]{2,8}_(?:(?:test|live)_)?[A-Za-z0-9]{1,200}$")
PERMISSION_IN_TEXT = re.compile(r"'rak_([a-z_]+)'")


class StripeSettingsError(ConnectorError):
    """The store's Stripe settings cannot be used (key missing or malformed, API address refused)."""


class PermissionRefused(AuthenticationError):
    """A restricted key lacks a permission (HTTP 403); ``permission`` names it when Stripe does."""

    def __init__(self, message, status=403, permission=""):
        super().__init__(message, status)
        self.permission = permission


def scrub(text):
    """``text`` with anything that looks like a Stripe key masked."""
    return KEY_IN_TEXT.sub(lambda match: f"{match.group(1)}_{match.group(2)}_***", str(text or ""))


def valid_id(value, what="id"):
    """``value`` when it has the shape of a Stripe object id, else raise.

    Ids from payloads and webhooks pass here before they reach a URL or a log.

    :raise NotFoundError: when the value is not a Stripe id
    """
    text = str(value or "")
    if not ID_PATTERN.match(text):
        raise NotFoundError(f"{what}: {scrub(text)[:60]!r} is not a Stripe id", 404)
    return text


def key_mode(secret_key):
    """ "test" or "live", as the key's prefix says.

    :raise StripeSettingsError: when the key is missing or not a secret or restricted key
    """
    key = (secret_key or "").strip()
    if not key:
        raise StripeSettingsError("The Stripe secret key is missing.")
    match = KEY_PATTERN.match(key)
    if not match:
        if key.startswith("pk_"):
            raise StripeSettingsError(
                "This is a publishable key (pk_...): the store needs a secret key (sk_...) "
                "or a restricted key (rk_...)."
            )
        raise StripeSettingsError(
            "The Stripe key must be a secret key (sk_test_... or sk_live_...) or a restricted key (rk_...)."
        )
    return match.group(2)


def check_api_base(url, local_test_account=False):
    """The API address to call: Stripe's, or a local test account's on this machine.

    :raise StripeSettingsError: for any other address
    """
    url = (url or "").strip().rstrip("/") or DEFAULT_API_BASE
    if url == DEFAULT_API_BASE:
        return url
    parts = urlsplit(url)
    if not local_test_account:
        raise StripeSettingsError(
            f"The Stripe API address must be {DEFAULT_API_BASE}; another address is only accepted "
            "for a store marked as a local test account."
        )
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS or parts.path or parts.query:
        raise StripeSettingsError(
            "The address of a local test account must be http://127.0.0.1:<port> or http://localhost:<port>."
        )
    return url


def encode_params(params):
    """Parameters as Stripe reads them from a query or form body.

    ``{"expand": ["data.source"], "created": {"gte": 1}}`` becomes
    ``[("expand[]", "data.source"), ("created[gte]", "1")]``; booleans are
    ``true``/``false``.
    """
    pairs = []

    def walk(key, value):
        if value is None:
            return
        if isinstance(value, dict):
            for sub, item in value.items():
                walk(f"{key}[{sub}]", item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(f"{key}[]", item)
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        else:
            pairs.append((key, str(value)))

    for key, value in (params or {}).items():
        walk(key, value)
    return pairs


def read_error(response):
    """``(type, code, message)`` of Stripe's error envelope, safe to show."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        text = " ".join((response.text or "").split())[:200]
        return "", "", scrub(text) or f"HTTP {response.status_code}"
    message = scrub(error.get("message") or "")
    return str(error.get("type") or ""), str(error.get("code") or ""), message or f"HTTP {response.status_code}"


@dataclass
class ListPage:
    """One page of a Stripe list: its objects (newest first, as Stripe sorts) and ``has_more``."""

    data: list
    has_more: bool
    url: str = ""


class StripeClient(HttpClient):
    """An :class:`HttpClient` bound to one Stripe account's key.

    :param str secret_key: ``sk_test_``/``sk_live_`` or a restricted ``rk_`` key
    :param str api_version: the ``Stripe-Version`` every call pins
    :param str api_base: Stripe's address, or a local test account's
    :param bool local_test_account: the store is a local test account (allows a local ``api_base``)
    :param http_options: passed to :class:`HttpClient` (timeouts, retries, sleep)

    Unusable settings do not raise here (a store being set up must still
    load): every request raises :class:`StripeSettingsError` instead.
    """

    def __init__(
        self,
        secret_key,
        api_version=DEFAULT_API_VERSION,
        api_base=DEFAULT_API_BASE,
        local_test_account=False,
        **http_options,
    ):
        #: why this client cannot call Stripe (raised by every request), or None
        self.config_error = None
        self.mode = ""
        try:
            self.mode = key_mode(secret_key)
            base = check_api_base(api_base, local_test_account)
            if api_version and not VERSION_PATTERN.match(api_version):
                raise StripeSettingsError(f"{api_version!r} is not a Stripe API version (e.g. {DEFAULT_API_VERSION}).")
        except StripeSettingsError as exc:
            self.config_error = str(exc)
            base = "https://invalid.invalid"
        self.api_version = api_version or DEFAULT_API_VERSION
        super().__init__(
            base_url=f"{base}/v1/",
            headers={
                "Authorization": f"Bearer {(secret_key or '').strip()}",
                "Stripe-Version": self.api_version,
                "Accept": "application/json",
                "User-Agent": "ecommerce_sync (Odoo)",
            },
            **http_options,
        )
        self.restricted = (secret_key or "").startswith("rk_")
        self.session.hooks["response"].append(self._check_answer)

    def request(self, method, path, params=None, json=None, data=None, headers=None):
        if self.config_error:
            raise StripeSettingsError(self.config_error)
        return super().request(method, path, params=encode_params(params), json=json, data=data, headers=headers)

    # ------------------------------------------------------------------
    def _check_answer(self, response, *args, **kwargs):
        """Turn Stripe's error answers into connector errors (a requests response hook).

        429 and 5xx answers are left to :class:`HttpClient`'s retries unless
        Stripe says ``Stripe-Should-Retry: false``.
        """
        status = response.status_code
        if status < 400:
            return response
        kind, code, message = read_error(response)
        where = f"{response.request.method} {urlsplit(response.url).path}"
        detail = f"{message} ({'/'.join(part for part in (kind, code) if part)})" if kind or code else message
        if status == 429 or status >= 500:
            if response.headers.get("Stripe-Should-Retry", "").lower() == "false":
                raise TransientError(f"Stripe {where}: HTTP {status}, not to be retried now: {detail}", status)
            return response
        if status == 401:
            raise AuthenticationError(
                f"Stripe refused the API key (HTTP 401) on {where}: {detail}. Check the store's secret key "
                "and that it belongs to the right mode (test or live).",
                status,
            )
        if status == 403:
            found = PERMISSION_IN_TEXT.search(message)
            raise PermissionRefused(
                f"Stripe refused {where} (HTTP 403): {detail}", status, permission=found.group(1) if found else ""
            )
        if status == 404:
            raise NotFoundError(f"Stripe {where}: HTTP 404: {detail}", status)
        raise ApiError(f"Stripe {where}: HTTP {status}: {detail}", status)

    # ------------------------------------------------------------------
    def get_object(self, path, params=None):
        """GET one object (a JSON object with an ``object`` key)."""
        body = self.json("GET", path, params=params)
        if not isinstance(body, dict) or "object" not in body:
            raise ApiError(f"Stripe GET {path}: the answer is not a Stripe object", 200)
        return body

    def list_page(self, path, params=None, limit=PAGE_LIMIT, starting_after=None, ending_before=None):
        """GET one page of a list.

        :rtype: ListPage
        :raise ApiError: when the answer is not a list envelope
        """
        query = {**(params or {}), "limit": limit}
        if starting_after:
            query["starting_after"] = starting_after
        if ending_before:
            query["ending_before"] = ending_before
        body = self.json("GET", path, params=query)
        if not isinstance(body, dict) or body.get("object") != "list" or not isinstance(body.get("data"), list):
            raise ApiError(f"Stripe GET {path}: the answer is not a list", 200)
        return ListPage(body["data"], bool(body.get("has_more")), str(body.get("url") or ""))

    def list_all(self, path, params=None):
        """Every object of a list, newest first, page after page with ``starting_after``."""
        after = None
        while True:
            page = self.list_page(path, params, starting_after=after)
            yield from page.data
            if not page.has_more or not page.data:
                return
            after = page.data[-1].get("id") if isinstance(page.data[-1], dict) else None
            if not after:
                raise ApiError(f"Stripe GET {path}: a listed object has no id", 200)
