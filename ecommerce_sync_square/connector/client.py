"""The Square API client: Bearer auth, pinned version, error envelopes, cursors, OAuth refresh.

Every call goes through :class:`SquareClient` (an
:class:`~odoo.addons.ecommerce_sync.connector.HttpClient`), which adds to the
shared retries (5xx, timeouts, 429 ``RATE_LIMITED`` with backoff) and call
counting:

* ``Authorization: Bearer <token>`` and the pinned ``Square-Version`` header;
* Square's error envelope (``errors: [{category, code, detail, field}]``)
  turned into messages that say what Square refused and why;
* cursor paging, in the query (GET lists) or in the body (search and batch
  calls), until Square sends no ``cursor``;
* OAuth: when the access token has expired (or a 401 says so) and the store
  has a refresh token, a new access token is obtained once through
  ``POST /oauth2/token`` and the call is sent again; the new token is kept in
  :attr:`SquareClient.refreshed` and handed to :attr:`SquareClient.on_refresh`
  for the store to save.
"""

import logging
from datetime import datetime, timezone

from odoo.addons.ecommerce_sync.connector import ApiError, AuthenticationError, HttpClient, RecordError, to_datetime

_logger = logging.getLogger(__name__)

#: the Square API version every call is pinned to
SQUARE_VERSION = "2026-09-16"
PRODUCTION_URL = "https://connect.squareup.com"
SANDBOX_URL = "https://connect.squareupsandbox.com"
#: error codes of a 401 that a refreshed token cures
REFRESHABLE_CODES = frozenset(("ACCESS_TOKEN_EXPIRED", "UNAUTHORIZED"))


def error_text(body):
    """Square's error envelope as one line: ``CATEGORY/CODE: detail (field x); ...``."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return ""
    parts = []
    for error in errors[:5]:
        if not isinstance(error, dict):
            continue
        text = f"{error.get('category') or 'ERROR'}/{error.get('code') or 'UNKNOWN'}"
        if error.get("detail"):
            text += f": {str(error['detail'])[:200]}"
        if error.get("field"):
            text += f" (field {str(error['field'])[:80]})"
        parts.append(text)
    return "; ".join(parts)


def error_codes(body):
    errors = body.get("errors") if isinstance(body, dict) else None
    return {str(error.get("code")) for error in errors or [] if isinstance(error, dict)}


class SquareClient(HttpClient):
    """HTTP client of one Square seller account.

    :param str base_url: ``https://connect.squareup.com`` (or the sandbox's)
    :param str access_token: a personal access token or an OAuth access token
    :param dict oauth: ``refresh_token``, ``client_id``, ``client_secret`` and
        optionally ``expires_at`` of the OAuth token; None for personal tokens
    """

    def __init__(self, base_url, access_token, version=SQUARE_VERSION, oauth=None, **kwargs):
        headers = {
            "Square-Version": version or SQUARE_VERSION,
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": "ecommerce_sync (Odoo)",
        }
        super().__init__(base_url=base_url, headers=headers, **kwargs)
        self._set_token(access_token)
        self.oauth = dict(oauth or {})
        #: the new OAuth credentials after a refresh: access_token, expires_at, refresh_token
        self.refreshed = None
        #: called with :attr:`refreshed` as soon as a refresh succeeds (the store saves them)
        self.on_refresh = None
        self._last_response = None
        self.throttle = self._remember

    def _set_token(self, token):
        self.session.headers["Authorization"] = f"Bearer {token or ''}"

    def _remember(self, response):
        self._last_response = response

    # ------------------------------------------------------------------
    @property
    def can_refresh(self):
        return all(self.oauth.get(key) for key in ("refresh_token", "client_id", "client_secret"))

    def token_expired(self, now=None):
        """True when the OAuth token's ``expires_at`` has passed (False when unknown)."""
        try:
            expires = to_datetime(self.oauth.get("expires_at"))
        except RecordError:
            return False
        if expires is None:
            return False
        return expires <= (now or datetime.now(timezone.utc))

    def refresh_token(self):
        """Obtain a new access token with the refresh token; keep it in :attr:`refreshed`."""
        body = {
            "client_id": self.oauth["client_id"],
            "client_secret": self.oauth["client_secret"],
            "grant_type": "refresh_token",
            "refresh_token": self.oauth["refresh_token"],
        }
        try:
            answer = self.json("POST", "/oauth2/token", json=body, headers={"Authorization": None})
        except ApiError as exc:
            raise AuthenticationError(
                f"Square refused to refresh the OAuth access token (HTTP {exc.status}): "
                f"{self._envelope() or 'reconnect the store to Square'}",
                exc.status or 401,
            ) from None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise AuthenticationError("Square's token refresh answer has no access token", 401)
        self._set_token(token)
        self.oauth["expires_at"] = answer.get("expires_at") or ""
        self.oauth["refresh_token"] = answer.get("refresh_token") or self.oauth["refresh_token"]
        self.refreshed = {
            "access_token": token,
            "expires_at": self.oauth["expires_at"],
            "refresh_token": self.oauth["refresh_token"],
        }
        _logger.info("Square OAuth access token refreshed (expires %s)", self.oauth["expires_at"] or "unknown")
        if self.on_refresh is not None:
            self.on_refresh(dict(self.refreshed))

    def _envelope(self):
        response = self._last_response
        if response is None:
            return ""
        try:
            return error_text(response.json())
        except ValueError:
            return ""

    def _codes(self):
        try:
            return error_codes(self._last_response.json()) if self._last_response is not None else set()
        except ValueError:
            return set()

    # ------------------------------------------------------------------
    def request(self, method, path, params=None, json=None, data=None, headers=None):
        if path != "/oauth2/token" and self.can_refresh and self.refreshed is None and self.token_expired():
            self.refresh_token()
        try:
            return self._send(method, path, params, json, data, headers)
        except AuthenticationError as exc:
            refreshable = exc.status == 401 and (not self._codes() or self._codes() & REFRESHABLE_CODES)
            if path == "/oauth2/token" or not refreshable or not self.can_refresh or self.refreshed is not None:
                raise
        self.refresh_token()
        return self._send(method, path, params, json, data, headers)

    def _send(self, method, path, params, json, data, headers):
        self._last_response = None
        try:
            return super().request(method, path, params=params, json=json, data=data, headers=headers)
        except ApiError as exc:
            detail = self._envelope()
            if not detail or exc.status in (0, 429) or exc.status >= 500:
                raise
            if isinstance(exc, AuthenticationError):
                hint = (
                    "the access token lacks a permission this call needs"
                    if exc.status == 403
                    else "check the store's access token, or reconnect it to Square"
                )
                message = f"Square refused {method} {path} (HTTP {exc.status}): {hint}. {detail}"
            else:
                message = f"Square {method} {path}: HTTP {exc.status}: {detail}"
            raise type(exc)(message, exc.status) from None

    # ------------------------------------------------------------------
    def get_json(self, path, params=None):
        return self.json("GET", path, params=params)

    def post_json(self, path, body):
        return self.json("POST", path, json=body)

    def paginate_get(self, path, params, key):
        """Yield ``(objects, body)`` of a GET list, page by page, following ``cursor`` in the query."""
        return self._paginate("GET", path, params, key)

    def paginate_post(self, path, request, key):
        """Yield ``(objects, body)`` of a POST search or batch call, following ``cursor`` in the body."""
        return self._paginate("POST", path, request, key)

    def _paginate(self, method, path, values, key):
        values = dict(values or {})
        while True:
            if method == "GET":
                body = self.get_json(path, values)
            else:
                body = self.post_json(path, values)
            yield self._objects(body, key, method, path), body
            cursor = body.get("cursor")
            if not cursor:
                return
            values = {**values, "cursor": cursor}

    @staticmethod
    def _objects(body, key, method, path):
        if not isinstance(body, dict):
            raise ApiError(f"Square {method} {path}: the answer is not a JSON object", 200)
        objects = body.get(key, [])
        if not isinstance(objects, list):
            raise ApiError(f"Square {method} {path}: the answer's {key!r} is not a list", 200)
        return objects
