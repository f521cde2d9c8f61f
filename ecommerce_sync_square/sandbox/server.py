"""The sandbox HTTP server: a local Square API, with OAuth, fault knobs and a request log.

Start it in a thread for tests (``with SandboxServer(seller) as server:``)
or as a process (``python -m ...sandbox``). Knobs, changeable while it runs:

* ``latency``: seconds added to every answer;
* ``error_rate``: share of calls answered 503 SERVICE_UNAVAILABLE (the same draws every run);
* :meth:`fail_next`: the next N calls fail with a 5xx;
* :meth:`throttle_next`: the next N calls are refused with 429 RATE_LIMITED;
* :meth:`expire_token`: the access token expires (401 ACCESS_TOKEN_EXPIRED)
  until a client refreshes it through ``POST /oauth2/token``;
* ``max_page_size``: caps every page, so paging is exercised on small data.
"""

import json
import re
import secrets
import threading
from datetime import datetime, timedelta, timezone

from odoo.addons.ecommerce_sync.sandbox_support import FaultKnobs, Faults, HttpAnswer, SandboxHttpServer

from .routes import Request, dispatch, envelope
from .serializers import stamp

DEFAULT_TOKEN = "EAAAsandbox-access-token-0001"
CLIENT_ID = "sandbox-sq0idb-ecommerce-sync"
CLIENT_SECRET = "sandbox-sq0csb-secret-0001"
REFRESH_TOKEN = "EQAAsandbox-refresh-token-0001"
VERSION_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FAULT_CODES = {429: "RATE_LIMITED", 503: "SERVICE_UNAVAILABLE"}


class SandboxServer(FaultKnobs, SandboxHttpServer):
    """Serves a :class:`~.state.SandboxSeller` on ``host:port`` (port 0: any free port).

    :param str token: the access token it accepts
    :param int seed: seed of the ``error_rate`` draws
    """

    name = "square-sandbox"

    def __init__(self, seller, host="127.0.0.1", port=0, token=DEFAULT_TOKEN, seed=0):
        super().__init__(host, port)
        self.seller = seller
        self.tokens = {token}
        self.expired = set()
        self.refresh_tokens = {REFRESH_TOKEN}
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.max_page_size = None
        self.faults = Faults(seed=seed)
        #: every request: {"method", "path", "query", "body", "status", "version"}
        self.requests = []
        self._lock = threading.Lock()

    # ------------------------------------------------------------------
    # knobs (latency, error_rate, fail_next, throttle_next: the base's FaultKnobs)
    def expire_token(self):
        """Every access token issued so far expires."""
        with self._lock:
            self.expired |= self.tokens

    def calls(self, path=None, status=None):
        """How many requests were received (under a path prefix, answered with a status)."""
        return sum(
            1
            for item in list(self.requests)
            if (path is None or item["path"].startswith(path)) and (status is None or item["status"] == status)
        )

    # ------------------------------------------------------------------
    def answer(self, request):
        record = {
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "body": None,
            "status": 0,
            "version": request.headers.get("Square-Version") or "",
        }
        self.requests.append(record)
        status, body = self._answer(request, record)
        record["status"] = status
        return HttpAnswer.json(status, body, content_type="application/json")

    def _answer(self, request, record):
        body = None
        if request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                return 400, envelope("INVALID_REQUEST_ERROR", "EXPECTED_JSON_BODY", "The body is not valid JSON")
        record["body"] = body
        if request.path == "/oauth2/token" and request.method == "POST":
            return self._token(body or {})
        version = record["version"]
        if version and not VERSION_PATTERN.match(version):
            return 400, envelope("INVALID_REQUEST_ERROR", "INVALID_SQUARE_VERSION_FORMAT", "Bad Square-Version")
        auth = request.headers.get("Authorization") or ""
        token = auth[7:] if auth.startswith("Bearer ") else ""
        if token in self.expired:
            return 401, envelope("AUTHENTICATION_ERROR", "ACCESS_TOKEN_EXPIRED", "The access token has expired.")
        if token not in self.tokens:
            return 401, envelope(
                "AUTHENTICATION_ERROR", "UNAUTHORIZED", "This request could not be authorized.", "Authorization"
            )
        fault = self.faults.next_fault()
        if fault == 429:
            return 429, envelope("RATE_LIMITED_ERROR", "RATE_LIMITED", "Rate limit exceeded; retry later.")
        if fault:
            code = FAULT_CODES.get(fault, "INTERNAL_SERVER_ERROR")
            return fault, envelope("API_ERROR", code, "The server is temporarily unable to answer.")
        return dispatch(Request(self.seller, request.method, request.path, request.query, body, self.max_page_size))

    def _token(self, body):
        if body.get("client_id") != self.client_id or body.get("client_secret") != self.client_secret:
            return 401, envelope("AUTHENTICATION_ERROR", "UNAUTHORIZED", "Invalid client credentials.", "client_secret")
        if body.get("grant_type") != "refresh_token":
            return 400, envelope("INVALID_REQUEST_ERROR", "INVALID_VALUE", "Only refresh_token grants", "grant_type")
        if body.get("refresh_token") not in self.refresh_tokens:
            return 401, envelope("AUTHENTICATION_ERROR", "UNAUTHORIZED", "Invalid refresh token.", "refresh_token")
        token = "EAAA" + secrets.token_urlsafe(30)
        with self._lock:
            self.tokens.add(token)
        expires = datetime.now(timezone.utc) + timedelta(days=30)
        return 200, {
            "access_token": token,
            "token_type": "bearer",
            "expires_at": stamp(expires).replace(".000Z", "Z"),
            "merchant_id": self.seller.merchant["id"],
            "refresh_token": body["refresh_token"],
            "short_lived": False,
        }
