"""The sandbox HTTP server: a local Shopify Admin API, with rate limits and fault knobs.

Start it in a thread for tests (``with SandboxServer(shop) as server:``) or
as a process (``python -m ...sandbox``). Knobs, changeable while it runs:

* ``latency``: seconds added to every answer;
* ``error_rate``: share of calls answered 503 (deterministic per seed);
* :meth:`fail_next`: the next N calls fail with a 5xx;
* :meth:`throttle_next`: the next N calls are refused with 429 and ``Retry-After``;
* the REST leaky bucket (``bucket``) answers 429 when the client exceeds it;
* :meth:`SandboxShop.corrupt_order` makes one record unreadable.
"""

import json
import logging
import random
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .bucket import LeakyBucket
from .graphql import CostBudget
from .routes import Request, dispatch

_logger = logging.getLogger(__name__)

API_PATH = re.compile(r"^/admin/api/(\d{4}-\d{2}|unstable)/(.+)$")
CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
DEFAULT_TOKEN = "shpat_sandbox_0123456789abcdef"
THROTTLED = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # headers and body are written separately: without this, Nagle's algorithm and delayed
        # ACKs add ~40 ms to every keep-alive answer
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
        _logger.debug("sandbox: " + format, *args)


class SandboxServer:
    """Serves a :class:`~.shop.SandboxShop` on ``host:port`` (port 0: any free port).

    :param str token: the Admin API access token it accepts
    :param LeakyBucket bucket: the REST rate limit (Shopify's 40 calls, 2/s by default)
    :param int seed: seed of the ``error_rate`` draws
    """

    def __init__(self, shop, host="127.0.0.1", port=0, token=DEFAULT_TOKEN, bucket=None, budget=None, seed=0):
        self.shop = shop
        self.token = token
        self.bucket = bucket or LeakyBucket()
        self.budget = budget or CostBudget()
        self.latency = 0.0
        self.error_rate = 0.0
        self.throttle_retry_after = "2.0"
        self.rng = random.Random(seed)
        #: every request: {"method", "resource", "query", "status", "body"}
        self.requests = []
        self._failures = []
        self._throttled = 0
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.sandbox = self
        self.thread = None

    # ------------------------------------------------------------------
    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def api_url(self, version="2025-01"):
        return f"{self.url}/admin/api/{version}/"

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="shopify-sandbox", daemon=True)
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
        """The next ``count`` calls answer ``status`` (a 5xx burst)."""
        with self._lock:
            self._failures.extend([status] * count)

    def throttle_next(self, count, retry_after=None):
        """The next ``count`` calls answer 429 with ``Retry-After`` (a 429 storm)."""
        with self._lock:
            self._throttled += count
            if retry_after is not None:
                self.throttle_retry_after = str(retry_after)

    def calls(self, resource=None, status=None):
        """How many requests were received (for a resource prefix, with a status)."""
        return sum(
            1
            for item in list(self.requests)
            if (resource is None or item["resource"].startswith(resource))
            and (status is None or item["status"] == status)
        )

    # ------------------------------------------------------------------
    def handle(self, handler, method):
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        match = API_PATH.match(parts.path)
        resource = match.group(2) if match else parts.path
        record = {"method": method, "resource": resource, "query": query, "status": 0, "body": None}
        self.requests.append(record)
        status, body, headers = self._answer(handler, method, match, query, raw, record)
        record["status"] = status
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def _answer(self, handler, method, match, query, raw, record):
        if not match:
            return 404, {"errors": "Not Found"}, {}
        if handler.headers.get("X-Shopify-Access-Token") != self.token:
            return 401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}, {}
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
            headers = {
                "Retry-After": self.throttle_retry_after,
                CALL_LIMIT_HEADER: self.bucket.header(self.bucket.size),
            }
            return 429, {"errors": THROTTLED}, headers
        if failure:
            return failure, {"errors": "Internal Server Error"}, {}
        resource = match.group(2)
        headers = {}
        if resource != "graphql.json":
            allowed, used = self.bucket.take()
            headers[CALL_LIMIT_HEADER] = self.bucket.header(used)
            if not allowed:
                return 429, {"errors": THROTTLED}, {**headers, "Retry-After": f"{self.bucket.retry_after:.3f}"}
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return 400, {"errors": "The body is not valid JSON"}, headers
        record["body"] = body
        request = Request(self.shop, method, query, body, f"{self.url}{handler.path.split('?')[0]}", self.budget)
        status, answer, extra = dispatch(request, resource)
        return status, answer, {**headers, **extra}
