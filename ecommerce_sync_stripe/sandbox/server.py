"""The sandbox HTTP server: a local Stripe API (``/v1``, GET) with keys, versions and fault knobs.

Start it in a thread for tests (``with StripeSandbox() as sandbox:``) or as
a process (``python -m odoo.addons.ecommerce_sync_stripe.sandbox``).

* Authentication as Stripe's: ``Authorization: Bearer <key>`` (or HTTP
  Basic with the key as user name); a wrong key is answered 401. A
  restricted key (``rk_``) with its permissions is answered 403 for the
  resources it cannot read, naming the ``rak_`` permission as Stripe does.
* ``Stripe-Version`` is echoed (the sandbox's version when none is sent),
  every answer has a ``Request-Id``.
* Faults (:class:`Faults`, changeable while running): a share of 500
  answers (seeded), latency, the next answers' statuses (with or without
  ``Stripe-Should-Retry``), 429 bursts, objects served malformed
  (:attr:`StripeAccount.malformed`).
"""

import base64
import hmac
import itertools
import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import serializers as shapes
from .data import generate
from .routes import PERMISSIONS, ApiAnswer, Router, parse_query
from .state import API_VERSION

_logger = logging.getLogger(__name__)

DEFAULT_KEY = "sk_test_51SandboxSupplyKey0123456789abcdefABCDEF"
RATE_LIMITED = "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."


@dataclass
class Faults:
    """What goes wrong, on purpose. Every field can be changed while the server runs."""

    #: share (0..1) of API requests answered 500 (Stripe-Should-Retry: true), from a seeded generator
    error_rate: float = 0.0
    #: seconds added before every API answer
    latency: float = 0.0
    #: the next answers, one each: ``(status, Stripe-Should-Retry value or None)``
    fail_next: list = field(default_factory=list)
    #: the next N API requests are answered 429
    rate_limit_next: int = 0
    #: ``Retry-After`` of those 429 answers ("" for none: Stripe usually sends none)
    retry_after: str = ""
    seed: int = 0

    def __post_init__(self):
        self.rng = random.Random(self.seed)


class StripeSandbox:
    """A Stripe account on 127.0.0.1.

    :param account: a :class:`~.state.StripeAccount` (generated from ``seed`` and ``days`` when None)
    :param str secret_key: the secret key it accepts
    :param dict restricted_keys: ``{rk_ key: set of permissions (without "rak_")}``
    """

    def __init__(
        self, account=None, seed=1, days=14, secret_key=DEFAULT_KEY, restricted_keys=None, host="127.0.0.1", port=0
    ):
        self.account = account or generate(seed=seed, days=days)
        self.router = Router(self.account)
        self.secret_key = secret_key
        self.restricted_keys = dict(restricted_keys or {})
        self.faults = Faults(seed=seed)
        #: every API request: {"path", "query", "status", "version"}
        self.requests = []
        self._request_ids = itertools.count(1)
        self._lock = threading.Lock()
        handler = type("BoundHandler", (_Handler,), {"sandbox": self})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self._thread = None

    # ------------------------------------------------------------------
    def start(self):
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="stripe-sandbox", daemon=True
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

    def calls(self, prefix=""):
        """The requests received whose path starts with ``/v1/<prefix>``."""
        return [entry for entry in list(self.requests) if entry["path"].startswith(f"/v1/{prefix}")]

    # ------------------------------------------------------------------
    def answer(self, headers, raw_path):
        """``(status, body, headers)`` of one GET request."""
        parts = urlsplit(raw_path)
        extra = {"Request-Id": f"req_sandbox{next(self._request_ids):010d}"}
        version = headers.get("Stripe-Version") or API_VERSION
        entry = {"path": parts.path, "query": parts.query, "status": 0, "version": version}
        with self._lock:
            self.requests.append(entry)
        try:
            key = self._authenticate(headers.get("Authorization") or "")
            self._check_permission(key, parts.path)
            self._faults()
            status, body = self.router.answer(parts.path, parse_query(parts.query))
        except ApiAnswer as answer:
            status, body = answer.status, answer.body
            if status == 429:
                extra["Stripe-Should-Retry"] = "true"
                if self.faults.retry_after:
                    extra["Retry-After"] = self.faults.retry_after
            should_retry = getattr(answer, "should_retry", None)
            if should_retry is not None:
                extra["Stripe-Should-Retry"] = should_retry
        entry["status"] = status
        extra["Stripe-Version"] = version
        return status, body, extra

    def _authenticate(self, header):
        key = ""
        if header.startswith("Bearer "):
            key = header[7:].strip()
        elif header.startswith("Basic "):
            try:
                key = base64.b64decode(header[6:]).decode().partition(":")[0]
            except (ValueError, UnicodeDecodeError):
                key = ""
        if not key:
            raise ApiAnswer(
                401,
                "invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the Authorization header, "
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        known = [self.secret_key, *self.restricted_keys]
        if not any(hmac.compare_digest(key.encode(), candidate.encode()) for candidate in known):
            masked = f"{key[:8]}{'*' * max(0, len(key) - 12)}{key[-4:]}"
            raise ApiAnswer(401, "invalid_request_error", f"Invalid API Key provided: {masked}")
        return key

    def _check_permission(self, key, path):
        if key not in self.restricted_keys:
            return
        segments = [part for part in path.split("/") if part]
        resource = segments[1] if len(segments) > 1 else ""
        needed = PERMISSIONS.get(resource)
        if needed and needed not in self.restricted_keys[key]:
            masked = f"{key[:8]}{'*' * 24}{key[-6:]}"
            error = ApiAnswer(
                403,
                "invalid_request_error",
                f"The provided key '{masked}' does not have the required permissions for this endpoint on account "
                f"'{self.account.account_id}'. Having the 'rak_{needed}' permission would allow this request to "
                "continue.",
            )
            raise error

    def _faults(self):
        faults = self.faults
        if faults.latency:
            time.sleep(faults.latency)
        with self._lock:
            if faults.fail_next:
                status, should_retry = faults.fail_next.pop(0)
                error = ApiAnswer(status, "api_error", f"Sandbox fault {status}: please retry the request.")
                error.should_retry = should_retry
                raise error
            if faults.rate_limit_next > 0:
                faults.rate_limit_next -= 1
                raise ApiAnswer(429, "invalid_request_error", RATE_LIMITED, code="rate_limit")
            if faults.error_rate and faults.rng.random() < faults.error_rate:
                error = ApiAnswer(500, "api_error", "An unknown error occurred (sandbox fault).")
                error.should_retry = "true"
                raise error


class _Handler(BaseHTTPRequestHandler):
    sandbox = None
    server_version = "nginx"
    protocol_version = "HTTP/1.1"
    # headers and body leave in two writes: without this, each answer waits for a delayed ACK
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        _logger.debug("sandbox: " + format, *args)

    def do_GET(self):
        status, body, headers = self.sandbox.answer(self.headers, self.path)
        self._send(status, body, headers)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = shapes.error("invalid_request_error", "This sandbox account is read-only: it answers GET requests.")
        self._send(405, body, {})

    def _send(self, status, body, headers):
        payload = json.dumps(body, indent=2).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)
