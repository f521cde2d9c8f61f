"""HTTP access to PayPal's REST APIs.

:class:`PayPalClient` is the base :class:`HttpClient` (timeouts, retries on
5xx and timeouts, ``Retry-After`` on 429, call counting) with what PayPal
adds:

* the environment: live (``https://api-m.paypal.com``) or sandbox
  (``https://api-m.sandbox.paypal.com``); a local address only for a store
  marked as a local test account (the credentials travel with every request);
* OAuth 2 client credentials: ``POST /v1/oauth2/token`` with the REST app's
  client id and secret (HTTP Basic), the access token kept until shortly
  before it expires (shared by the connectors of one app in this process)
  and fetched again once when PayPal answers 401; the token is never logged;
* PayPal's error envelope (``name``, ``message``, ``debug_id``, ``details``)
  and OAuth's (``error``, ``error_description``) read into clear messages.
"""

import base64
import hashlib
import re
import threading
import time
from urllib.parse import urlsplit

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    ConnectorError,
    HttpClient,
    NotFoundError,
)

from .money import iso

ENVIRONMENTS = {"live": "https://api-m.paypal.com", "sandbox": "https://api-m.sandbox.paypal.com"}
LOCAL_HOSTS = ("127.0.0.1", "localhost")
TOKEN_PATH = "v1/oauth2/token"
#: a token is renewed this many seconds before PayPal says it expires
TOKEN_MARGIN = 300
#: PayPal transaction, capture, refund and order ids: letters and digits (17 to 19 in practice, 24 at most)
TRANSACTION_ID = re.compile(r"^[A-Za-z0-9]{1,24}$")
#: other PayPal ids: webhook events (WH-...), disputes (PP-D-...), certificates (CERT-...)
OBJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,79}$")
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,128}$")

_tokens = {}
_tokens_lock = threading.Lock()


class PayPalSettingsError(ConnectorError):
    """The store's PayPal settings cannot be used (credentials missing, environment or address refused)."""


def valid_id(value, what="id", pattern=TRANSACTION_ID):
    """``value`` when it has the shape of a PayPal id (before it reaches a URL or a log), else raise.

    :raise NotFoundError: when it does not
    """
    text = str(value or "").strip()
    if not pattern.match(text):
        raise NotFoundError(f"{what}: {text[:40]!r} is not a PayPal id", 404)
    return text


def check_base(environment, api_base="", local_test_account=False):
    """The API address to call for ``environment`` ("live" or "sandbox").

    :param str api_base: another address: only a local one (the sandbox on
        this machine), and only for a store marked as a local test account
    :raise PayPalSettingsError: for an unknown environment or a refused address
    """
    environment = (environment or "live").strip().lower()
    if environment not in ENVIRONMENTS:
        raise PayPalSettingsError(f"The PayPal environment must be 'live' or 'sandbox', not {environment!r}.")
    url = (api_base or "").strip().rstrip("/")
    if not url or url == ENVIRONMENTS[environment]:
        return ENVIRONMENTS[environment]
    if not local_test_account:
        raise PayPalSettingsError(
            f"The PayPal API address must be {ENVIRONMENTS[environment]}; another address is only accepted "
            "for a store marked as a local test account."
        )
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS or parts.path or parts.query:
        raise PayPalSettingsError(
            "The address of a local test account must be http://127.0.0.1:<port> or http://localhost:<port>."
        )
    return url


def read_error(response):
    """A message safe to show from PayPal's error envelope (never a token or a secret)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return " ".join((response.text or "").split())[:200] or f"HTTP {response.status_code}"
    if "error" in body and isinstance(body.get("error"), str):
        return " ".join(part for part in (body["error"], str(body.get("error_description") or "")) if part)
    parts = [str(body.get("name") or ""), str(body.get("message") or "")]
    details = []
    for item in body.get("details") or []:
        if isinstance(item, dict):
            issue = str(item.get("issue") or "")
            where = str(item.get("field") or item.get("location") or "")
            description = str(item.get("description") or "")
            details.append(": ".join(part for part in (where, issue, description) if part))
    message = " ".join(part for part in parts if part)
    if details:
        message += " (" + "; ".join(details) + ")"
    if body.get("debug_id"):
        message += f" [debug_id {body['debug_id']}]"
    return message or f"HTTP {response.status_code}"


class PayPalClient(HttpClient):
    """An :class:`HttpClient` bound to one REST app's credentials.

    Unusable settings do not raise here (a store being set up must still
    load): every request raises :class:`PayPalSettingsError` instead.

    :param http_options: passed to :class:`HttpClient` (timeouts, retries, sleep)
    """

    def __init__(
        self, client_id, client_secret, environment="live", api_base="", local_test_account=False, **http_options
    ):
        self.config_error = None
        self.environment = (environment or "live").strip().lower()
        try:
            base = check_base(self.environment, api_base, local_test_account)
            if not (client_id or "").strip() or not (client_secret or "").strip():
                raise PayPalSettingsError("The PayPal REST app's client id and secret are both needed.")
            if not CLIENT_ID.match(client_id.strip()):
                raise PayPalSettingsError("The PayPal client id has an unexpected shape (letters, digits, - and _).")
        except PayPalSettingsError as exc:
            self.config_error = str(exc)
            base = "https://invalid.invalid"
        self.api_base = base
        self.local_test_account = bool(local_test_account)
        super().__init__(
            base_url=f"{base}/",
            headers={"Accept": "application/json", "User-Agent": "ecommerce_sync (Odoo)"},
            **http_options,
        )
        self._client_id = (client_id or "").strip()
        self._secret = (client_secret or "").strip()
        digest = hashlib.sha256(f"{self._client_id}:{self._secret}".encode()).hexdigest()
        self._token_key = (base, self._client_id, digest)
        self.token_calls = 0
        self.session.hooks["response"].append(self._check_answer)

    # ------------------------------------------------------------------
    # token
    def _token(self, renew=False):
        with _tokens_lock:
            cached = _tokens.get(self._token_key)
            if cached and not renew and cached[1] > time.time():
                return cached[0]
            _tokens.pop(self._token_key, None)
        basic = base64.b64encode(f"{self._client_id}:{self._secret}".encode()).decode()
        self.token_calls += 1
        response = super().request(
            "POST",
            TOKEN_PATH,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not body.get("access_token"):
            raise ApiError("PayPal POST /v1/oauth2/token: the answer holds no access token", response.status_code)
        lifetime = int(body.get("expires_in") or 0)
        with _tokens_lock:
            _tokens[self._token_key] = (str(body["access_token"]), time.time() + max(lifetime - TOKEN_MARGIN, 0))
        return str(body["access_token"])

    def forget_token(self):
        with _tokens_lock:
            _tokens.pop(self._token_key, None)

    def request(self, method, path, params=None, json=None, data=None, headers=None):
        """Send one API request with the app's access token; a 401 renews the token and tries once more."""
        if self.config_error:
            raise PayPalSettingsError(self.config_error)
        renewed = False
        while True:
            token = self._token(renew=renewed)
            sent = {**(headers or {}), "Authorization": f"Bearer {token}"}
            try:
                return super().request(method, path, params=params, json=json, data=data, headers=sent)
            except AuthenticationError as exc:
                if exc.status != 401 or renewed:
                    raise
                renewed = True

    # ------------------------------------------------------------------
    def _check_answer(self, response, *args, **kwargs):
        """PayPal's refusals as connector errors (a requests response hook); 429 and 5xx are retried."""
        status = response.status_code
        if status < 400 or status == 429 or status >= 500:
            return response
        path = urlsplit(response.url).path
        where = f"{response.request.method} {path}"
        message = read_error(response)
        if status == 401 and path.rstrip("/").endswith("/oauth2/token"):
            raise AuthenticationError(
                f"PayPal refused the REST app's client id and secret (HTTP 401): {message}. Check them, and that "
                f"they belong to the {self.environment} environment.",
                status,
            )
        if status == 401:
            raise AuthenticationError(f"PayPal {where}: the access token was refused (HTTP 401): {message}", status)
        if status == 403:
            raise AuthenticationError(
                f"PayPal refused {where} (HTTP 403): {message}. The REST app may lack this feature "
                "(e.g. Transaction search) in its settings.",
                status,
            )
        if status == 404:
            raise NotFoundError(f"PayPal {where}: HTTP 404: {message}", status)
        raise ApiError(f"PayPal {where}: HTTP {status}: {message}", status)

    # ------------------------------------------------------------------
    def get_object(self, path, params=None):
        body = self.json("GET", path, params=params)
        if not isinstance(body, dict):
            raise ApiError(f"PayPal GET {path}: the answer is not a JSON object", 200)
        return body

    def search(self, start, end, page=1, page_size=500, **filters):
        """One page of ``GET /v1/reporting/transactions`` between ``start`` and ``end`` (at most 31 days apart).

        :param filters: more query parameters (``transaction_id``...)
        :return: the answer (``transaction_details``, ``page``, ``total_pages``, ``last_refreshed_datetime``...)
        """
        params = {
            "start_date": iso(start),
            "end_date": iso(end),
            "fields": "all",
            "balance_affecting_records_only": "Y",
            "page_size": page_size,
            "page": page,
            **filters,
        }
        body = self.get_object("v1/reporting/transactions", params)
        if not isinstance(body.get("transaction_details", []), list):
            raise ApiError("PayPal GET /v1/reporting/transactions: transaction_details is not a list", 200)
        return body
