"""The sandbox HTTP server: a local Square API, with OAuth, fault knobs and a request log.

Start it in a thread for tests (``with SandboxServer(seller) as server:``)
or as a process (``python -m ...sandbox``). Knobs, changeable while it runs:

* ``latency``: seconds added to every answer;
* ``error_rate``: share of calls answered 503 SERVICE_UNAVAILABLE (deterministic per seed);
* :meth:`fail_next`: the next N calls fail with a 5xx;
* :meth:`throttle_next`: the next N calls are refused with 429 RATE_LIMITED;
* :meth:`expire_token`: the access token expires (401 ACCESS_TOKEN_EXPIRED)
  until a client refreshes it through ``POST /oauth2/token``;
* ``max_page_size``: caps every page, so paging is exercised on small data.
"""

import json
import logging
import random
import re
import secrets
import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .routes import Request, dispatch, envelope
from .serializers import stamp

_logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "EAAAsandbox-access-token-0001"
CLIENT_ID = "sandbox-sq0idb-ecommerce-sync"
CLIENT_SECRET = "sandbox-sq0csb-secret-0001"
REFRESH_TOKEN = "EQAAsandbox-refresh-token-0001"
VERSION_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self.server.sandbox.handle(self, "GET")

    def do_POST(self):
        self.server.sandbox.handle(self, "POST")

    def do_PUT(self):
        self.server.sandbox.handle(self, "PUT")

    def do_DELETE(self):
        self.server.sandbox.handle(self, "DELETE")

    def log_message(self, format, *args):
        _logger.debug("square sandbox: " + format, *args)


class SandboxServer:
    """Serves a :class:`~.state.SandboxSeller` on ``host:port`` (port 0: any free port).

    :param str token: the access token it accepts
    :param int seed: seed of the ``error_rate`` draws
    """

    def __init__(self, seller, host="127.0.0.1", port=0, token=DEFAULT_TOKEN, seed=0):
        self.seller = seller
        self.tokens = {token}
        self.expired = set()
        self.refresh_tokens = {REFRESH_TOKEN}
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.latency = 0.0
        self.error_rate = 0.0
        self.max_page_size = None
        self.rng = random.Random(seed)
        #: every request: {"method", "path", "query", "body", "status", "version"}
        self.requests = []
        self._failures = []
        self._throttled = 0
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.sandbox = self
        self.thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="square-sandbox", daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # ------------------------------------------------------------------
    # knobs
    def fail_next(self, count, status=503):
        with self._lock:
            self._failures.extend([status] * count)

    def throttle_next(self, count):
        with self._lock:
            self._throttled += count

    def expire_token(self):
        """Every access token issued so far expires."""
        with self._lock:
            self.expired |= self.tokens

    def calls(self, path=None, status=None):
        return sum(
            1
            for item in list(self.requests)
            if (path is None or item["path"].startswith(path)) and (status is None or item["status"] == status)
        )

    # ------------------------------------------------------------------
    def handle(self, handler, method):
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        record = {
            "method": method,
            "path": parts.path,
            "query": query,
            "body": None,
            "status": 0,
            "version": handler.headers.get("Square-Version") or "",
        }
        self.requests.append(record)
        status, body = self._answer(handler, method, parts.path, query, raw, record)
        record["status"] = status
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(self, handler, method, path, query, raw, record):
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return 400, envelope("INVALID_REQUEST_ERROR", "EXPECTED_JSON_BODY", "The body is not valid JSON")
        record["body"] = body
        if path == "/oauth2/token" and method == "POST":
            return self._token(body or {})
        version = record["version"]
        if version and not VERSION_PATTERN.match(version):
            return 400, envelope("INVALID_REQUEST_ERROR", "INVALID_SQUARE_VERSION_FORMAT", "Bad Square-Version")
        auth = handler.headers.get("Authorization") or ""
        token = auth[7:] if auth.startswith("Bearer ") else ""
        if token in self.expired:
            return 401, envelope("AUTHENTICATION_ERROR", "ACCESS_TOKEN_EXPIRED", "The access token has expired.")
        if token not in self.tokens:
            return 401, envelope(
                "AUTHENTICATION_ERROR", "UNAUTHORIZED", "This request could not be authorized.", "Authorization"
            )
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            throttled = self._throttled > 0
            if throttled:
                self._throttled -= 1
            failure = self._failures.pop(0) if self._failures and not throttled else None
            if failure is None and not throttled and self.error_rate and self.rng.random() < self.error_rate:
                failure = 503
        if throttled:
            return 429, envelope("RATE_LIMITED_ERROR", "RATE_LIMITED", "Rate limit exceeded; retry later.")
        if failure:
            code = "SERVICE_UNAVAILABLE" if failure == 503 else "INTERNAL_SERVER_ERROR"
            return failure, envelope("API_ERROR", code, "The server is temporarily unable to answer.")
        request = Request(self.seller, method, path, query, body, self.max_page_size)
        return dispatch(request)

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
