"""The paths the sandbox serves, with PayPal's authentication, paging, validation and error envelopes.

* ``POST /v1/oauth2/token``: client credentials (HTTP Basic), a Bearer
  token valid ``token_lifetime`` seconds; OAuth's error shape on refusal;
* ``GET /v1/reporting/transactions``: ``start_date`` and ``end_date``
  required and at most 31 days apart (``INVALID_REQUEST`` otherwise),
  ``page_size`` 1 to 500, ``page`` from 1, ``fields``, ``transaction_id`` and
  ``transaction_status`` filters (a filter empties ``ending_balance``, as
  PayPal documents), ``last_refreshed_datetime``;
* ``GET /v1/reporting/balances``; ``GET /v2/checkout/orders/{id}``,
  ``/v2/payments/captures/{id}``, ``/v2/payments/refunds/{id}``,
  ``/v1/customer/disputes/{id}``;
* ``GET /v1/notifications/certs/{id}`` (no token: PayPal serves certificates
  openly) and ``POST /v1/notifications/verify-webhook-signature``.

Errors have PayPal's envelope (``name``, ``message``, ``debug_id``,
``details``); faults come from :class:`~odoo.addons.ecommerce_sync.sandbox_support.Faults`.
"""

import base64
import copy
import hmac
import itertools
import json
import secrets
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

from odoo.addons.ecommerce_sync.sandbox_support import HttpAnswer

from . import serializers as shapes
from .webhooks import signed_text

MAX_WINDOW = timedelta(days=31)
FILTERS = ("transaction_id", "transaction_type", "transaction_status", "transaction_amount", "transaction_currency")
MALFORMED = "Request is not well-formed, syntactically incorrect, or violates schema."


class Refusal(Exception):
    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def _time(value, field):
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(field)
    return moment.astimezone(timezone.utc)


class Router:
    """Answers the requests of one :class:`~.state.PayPalAccount`."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.account = sandbox.account
        self._debug = itertools.count(1)

    def debug_id(self):
        return f"{next(self._debug):013x}"

    def fail(self, status, name, message, details=None, headers=None):
        raise Refusal(status, shapes.error(name, message, self.debug_id(), details), headers)

    # ------------------------------------------------------------------
    def answer(self, request):
        try:
            status, body = self._route(request)
        except Refusal as refusal:
            return HttpAnswer.json(
                refusal.status, refusal.body, {"Paypal-Debug-Id": self.debug_id(), **refusal.headers}
            )
        if isinstance(body, bytes):
            return HttpAnswer(status, body, {}, "application/x-pem-file")
        return HttpAnswer.json(status, body, {"Paypal-Debug-Id": self.debug_id()})

    def _route(self, request):
        path = request.path.rstrip("/")
        sandbox = self.sandbox
        if request.method == "GET" and path.startswith("/v1/notifications/certs/"):
            if path.rsplit("/", 1)[-1] != sandbox.certificate.cert_id:
                self.fail(404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.")
            return 200, sandbox.certificate.pem_chain
        if request.method == "POST" and path == "/v1/oauth2/token":
            return 200, self._token(request)
        self._authenticate(request)
        self._faults()
        with self.account.lock:
            if request.method == "GET" and path == "/v1/reporting/transactions":
                return 200, self._search(request.query)
            if request.method == "GET" and path == "/v1/reporting/balances":
                return 200, shapes.balances(self.account.account_id, self.account.balances(), self.account.clock())
            if request.method == "POST" and path == "/v1/notifications/verify-webhook-signature":
                return 200, self._verify(request.body)
            for prefix, store in (
                ("/v2/checkout/orders/", self.account.orders),
                ("/v2/payments/captures/", self.account.captures),
                ("/v2/payments/refunds/", self.account.refunds),
                ("/v1/customer/disputes/", self.account.disputes),
            ):
                if request.method == "GET" and path.startswith(prefix) and path.count("/") == prefix.count("/"):
                    found = store.get(path[len(prefix) :])
                    if found is None:
                        self.fail(404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.",
                                  [{"issue": "INVALID_RESOURCE_ID", "description": "Specified resource ID does not "
                                    "exist. Please check the resource ID and try again."}])  # fmt: skip
                    return 200, copy.deepcopy(found)
        self.fail(404, "NOT_FOUND", f"No route for {request.method} {request.path}.")

    # ------------------------------------------------------------------
    def _token(self, request):
        sandbox = self.sandbox
        header = request.headers.get("Authorization") or ""
        try:
            user, _sep, secret = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            user = secret = ""
        known = hmac.compare_digest(user.encode(), sandbox.client_id.encode()) and hmac.compare_digest(
            secret.encode(), sandbox.client_secret.encode()
        )
        if not header.startswith("Basic ") or not known:
            raise Refusal(401, {"error": "invalid_client", "error_description": "Client Authentication failed"})
        form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
        if form.get("grant_type") != "client_credentials":
            raise Refusal(400, {"error": "unsupported_grant_type", "error_description": "Grant Type is NULL"})
        token = f"A21AA{secrets.token_urlsafe(48)}"
        with sandbox.lock:
            sandbox.tokens[token] = time.time() + sandbox.token_lifetime
            sandbox.token_requests += 1
        return {
            "scope": "https://uri.paypal.com/services/reporting/search/read https://uri.paypal.com/services/payments/"
            "payment/authcapture openid",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": "APP-80W284485P519543T",
            "expires_in": sandbox.token_lifetime,
            "nonce": f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ}{secrets.token_hex(8)}",
        }

    def _authenticate(self, request):
        header = request.headers.get("Authorization") or ""
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        with self.sandbox.lock:
            expiry = self.sandbox.tokens.get(token)
        if not token or expiry is None or expiry < time.time():
            raise Refusal(401, {"error": "invalid_token", "error_description": "The token passed in was not found in "
                                "the system"})  # fmt: skip

    def _faults(self):
        status = self.sandbox.faults.next_fault()
        if status == 429:
            self.fail(429, "RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting.",
                      headers={"Retry-After": self.sandbox.faults.retry_after})  # fmt: skip
        if status:
            self.fail(status, "INTERNAL_SERVER_ERROR", "An internal server error occurred.")

    # ------------------------------------------------------------------
    def _search(self, query):
        account = self.account
        missing = [field for field in ("start_date", "end_date") if not query.get(field)]
        if missing:
            issue = {"field": missing[0], "location": "query", "issue": "MISSING_REQUIRED_PARAMETER"}
            self.fail(400, "INVALID_REQUEST", MALFORMED, [issue])
        try:
            start, end = _time(query["start_date"], "start_date"), _time(query["end_date"], "end_date")
        except ValueError as exc:
            self.fail(400, "INVALID_REQUEST", MALFORMED, [{"field": str(exc), "location": "query",
                      "issue": "INVALID_PARAMETER_SYNTAX", "description": "Invalid date format."}])  # fmt: skip
        if end < start or end - start > MAX_WINDOW:
            self.fail(400, "INVALID_REQUEST", MALFORMED, [{"field": "start_date", "value": query["start_date"],
                      "location": "query", "issue": "Date range is greater than 31 days"}])  # fmt: skip
        try:
            page, size = int(query.get("page") or 1), int(query.get("page_size") or 100)
        except ValueError:
            self.fail(400, "INVALID_REQUEST", MALFORMED, [{"field": "page_size", "issue": "INVALID_PARAMETER_SYNTAX"}])
        if not 1 <= size <= 500 or page < 1:
            self.fail(400, "INVALID_REQUEST", MALFORMED, [{"field": "page_size" if page >= 1 else "page",
                      "location": "query", "issue": "INVALID_PARAMETER_VALUE"}])  # fmt: skip
        now = account.clock()
        rows = account.listed(start, end, now)
        filters = {field: query[field] for field in FILTERS if query.get(field)}
        if "transaction_id" in filters:
            rows = [row for row in rows if row["transaction_info"]["transaction_id"] == filters["transaction_id"]]
        if "transaction_status" in filters:
            rows = [
                row for row in rows if row["transaction_info"]["transaction_status"] == filters["transaction_status"]
            ]
        total_pages = max(1, -(-len(rows) // size))
        chunk = [copy.deepcopy(row) for row in rows[(page - 1) * size : page * size]]
        fields = {part.strip() for part in str(query.get("fields") or "transaction_info").split(",")}
        for row in chunk:
            info = row["transaction_info"]
            if filters:
                info.pop("ending_balance", None)
                info.pop("available_balance", None)
            if info["transaction_id"] in account.malformed:
                info["transaction_amount"]["value"] = "12,50"
            if "all" not in fields:
                for key in list(row):
                    if key != "transaction_info" and key not in fields:
                        row.pop(key)
        refreshed = now - timedelta(seconds=account.reporting_delay)
        return {
            "transaction_details": chunk,
            "account_number": account.account_id,
            "start_date": shapes.search_time(start),
            "end_date": shapes.search_time(end),
            "last_refreshed_datetime": shapes.search_time(refreshed),
            "page": page,
            "total_items": len(rows),
            "total_pages": total_pages,
            "links": [],
        }

    def _verify(self, body):
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self.fail(400, "INVALID_REQUEST", MALFORMED)
        sender = self.account.webhooks
        sent = sender.bodies.get(str(data.get("transmission_id"))) if sender is not None else None
        # PayPal checks the event it is given: the body as delivered when it is that event
        same = sent is not None and json.loads(sent) == data.get("webhook_event")
        raw = sent if same else json.dumps(data.get("webhook_event")).encode()
        text = signed_text(data.get("transmission_id"), data.get("transmission_time"), data.get("webhook_id"), raw)
        expected = self.sandbox.certificate.sign(text)
        ok = data.get("cert_url", "").endswith(self.sandbox.certificate.cert_id) and hmac.compare_digest(
            expected.encode(), str(data.get("transmission_sig") or "").encode()
        )
        return {"verification_status": "SUCCESS" if ok else "FAILURE"}
