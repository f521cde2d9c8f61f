"""The ``/v1`` resources the sandbox serves, with Stripe's list, expansion and error rules.

* Lists answer ``{"object": "list", "data": [...], "has_more": ..., "url": ...}``,
  newest first; ``limit`` (1 to 100, default 10), ``starting_after`` (older
  objects), ``ending_before`` (newer ones), ``created[gt|gte|lt|lte]`` and
  each resource's own filters.
* ``expand[]`` replaces ids by their objects, along dotted paths
  (``data.source``, ``data.price.product``); a path that cannot be expanded
  is refused as Stripe refuses it. Fields Stripe only includes on request
  (line items' ``taxes`` and ``discounts``) are left out otherwise.
* Errors have Stripe's envelope ``{"error": {"type", "code", "message",
  "param"}}``.

Query strings are read the way Stripe reads them: ``expand[]=a``,
``expand[0]=a`` and ``created[gte]=1`` alike.
"""

import copy
import re
from urllib.parse import parse_qsl

from . import serializers as shapes
from .state import UnknownObject

MAX_LIMIT = 100
DEFAULT_LIMIT = 10
KEY_PART = re.compile(r"^([a-z_]+)(?:\[([a-z_0-9]*)\])?$")
#: fields whose id can be replaced by the object
EXPANDABLE = frozenset(
    (
        "source",
        "balance_transaction",
        "failure_balance_transaction",
        "charge",
        "payment_intent",
        "latest_charge",
        "product",
        "shipping_rate",
    )
)
#: fields left out unless expanded: resource -> fields
INCLUDABLE = {"item": ("taxes", "discounts")}
#: the permission a restricted key needs per resource (Stripe's names, without "rak_")
PERMISSIONS = {
    "account": "accounts_kyc_basic_read",
    "balance": "balance_read",
    "balance_transactions": "balance_transaction_source_read",
    "charges": "charge_read",
    "refunds": "charge_read",
    "disputes": "charge_read",
    "payouts": "payout_read",
    "payment_intents": "payment_intent_read",
    "checkout": "checkout_session_read",
    "events": "event_read",
}
#: the equality filters of each list
FILTERS = {
    "balance_transactions": ("type", "source", "currency"),
    "charges": ("customer", "payment_intent"),
    "refunds": ("charge", "payment_intent"),
    "disputes": ("charge", "payment_intent"),
    "payouts": ("status",),
    "payment_intents": ("customer",),
    "checkout_sessions": ("payment_intent", "payment_link", "status", "customer"),
}
NAMES = {
    "balance_transactions": "balance transaction",
    "charges": "charge",
    "refunds": "refund",
    "disputes": "dispute",
    "payouts": "payout",
    "payment_intents": "payment_intent",
    "checkout_sessions": "checkout.session",
    "events": "event",
}


class ApiAnswer(Exception):
    """An error answer: HTTP status and Stripe's error envelope."""

    def __init__(self, status, kind, message, code=None, param=None):
        super().__init__(message)
        self.status = status
        self.body = shapes.error(kind, message, code, param)


def parse_query(text):
    """A query string as Stripe reads it: lists for ``name[]``/``name[0]``, dicts for ``name[key]``."""
    query = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        match = KEY_PART.match(key)
        if not match:
            raise ApiAnswer(400, "invalid_request_error", f"Received unknown parameter: {key}", param=key)
        name, sub = match.groups()
        if sub is None:
            query[name] = value
        elif sub == "" or sub.isdigit():
            query.setdefault(name, [])
            if not isinstance(query[name], list):
                raise ApiAnswer(400, "invalid_request_error", f"Invalid array: {name}", param=name)
            query[name].append(value)
        else:
            query.setdefault(name, {})
            if not isinstance(query[name], dict):
                raise ApiAnswer(400, "invalid_request_error", f"Invalid hash: {name}", param=name)
            query[name][sub] = value
    return query


def _integer(value, param):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiAnswer(400, "invalid_request_error", f"Invalid integer: {value}", param=param) from None


def _time_filter(objects, query, field):
    value = query.get(field)
    if value is None:
        return objects
    if not isinstance(value, dict):
        value = {"eq": value}
    tests = {
        "eq": lambda a, b: a == b,
        "gt": lambda a, b: a > b,
        "gte": lambda a, b: a >= b,
        "lt": lambda a, b: a < b,
        "lte": lambda a, b: a <= b,
    }
    for operator, bound in value.items():
        if operator not in tests:
            raise ApiAnswer(400, "invalid_request_error", f"Received unknown parameter: {field}[{operator}]")
        bound = _integer(bound, f"{field}[{operator}]")
        objects = [obj for obj in objects if tests[operator](int(obj.get(field) or 0), bound)]
    return objects


class Router:
    """Answers the API requests of one :class:`~.state.StripeAccount`."""

    def __init__(self, account):
        self.account = account

    # ------------------------------------------------------------------
    def answer(self, path, query):
        """``(status, body)`` of ``GET path``; raises :class:`ApiAnswer` for errors."""
        account = self.account
        parts = [part for part in path.split("/") if part]
        if not parts or parts[0] != "v1":
            raise ApiAnswer(404, "invalid_request_error", f"Unrecognized request URL (GET: {path}).")
        parts = parts[1:]
        expand = query.get("expand") or []
        if isinstance(expand, str):
            expand = [expand]
        with account.lock:
            if parts == ["account"]:
                return 200, copy.deepcopy(account.info)
            if parts == ["balance"]:
                return 200, account.balance()
            if parts[:2] == ["checkout", "sessions"]:
                return self._sessions(parts[2:], query, expand)
            resource = parts[0] if parts else ""
            if resource not in NAMES:
                raise ApiAnswer(404, "invalid_request_error", f"Unrecognized request URL (GET: {path}).")
            if len(parts) == 1:
                return 200, self.listing(resource, self._filtered(resource, query), query, expand, f"/v1/{resource}")
            if len(parts) == 2:
                return 200, self.retrieve(resource, parts[1], expand)
        raise ApiAnswer(404, "invalid_request_error", f"Unrecognized request URL (GET: {path}).")

    def _sessions(self, rest, query, expand):
        account = self.account
        if not rest:
            objects = self._filtered("checkout_sessions", query)
            return 200, self.listing("checkout_sessions", objects, query, expand, "/v1/checkout/sessions")
        session = self.retrieve("checkout_sessions", rest[0], [])
        if len(rest) == 1:
            return 200, self.retrieve("checkout_sessions", rest[0], expand)
        if rest[1:] == ["line_items"]:
            items = account.line_items.get(session["id"], [])
            url = f"/v1/checkout/sessions/{session['id']}/line_items"
            return 200, self.listing(None, items, query, expand, url)
        raise ApiAnswer(404, "invalid_request_error", "Unrecognized request URL.")

    # ------------------------------------------------------------------
    def view(self, obj):
        """An object as served: computed fields filled, malformed when the fault knob says so."""
        account = self.account
        view = copy.deepcopy(obj)
        if view.get("object") == "balance_transaction":
            view["status"] = account.transaction_status(obj)
        if view.get("object") == "dispute":
            for txn in view.get("balance_transactions") or []:
                txn["status"] = account.transaction_status(txn)
        if view.get("id") in account.malformed:
            view["amount"] = "12,50"
        return view

    def retrieve(self, resource, object_id, expand):
        try:
            obj = self.account.get(object_id)
        except UnknownObject:
            obj = None
        if obj is None or (resource and obj["id"] not in set(self.account.lists[resource])):
            raise ApiAnswer(
                404,
                "invalid_request_error",
                f"No such {NAMES.get(resource, 'object')}: '{object_id}'",
                code="resource_missing",
                param="id",
            )
        return self.expand(self.view(obj), expand)

    def _filtered(self, resource, query):
        account = self.account
        objects = [account.objects[object_id] for object_id in account.lists[resource]]
        for field in FILTERS.get(resource, ()):
            if field in query:
                objects = [obj for obj in objects if str(obj.get(field) or "") == query[field]]
        if resource == "events" and query.get("type"):
            pattern = re.compile("^" + re.escape(query["type"]).replace(r"\*", ".*") + "$")
            objects = [obj for obj in objects if pattern.match(obj["type"])]
        if resource == "events" and query.get("types"):
            wanted = set(query["types"])
            objects = [obj for obj in objects if obj["type"] in wanted]
        if resource == "balance_transactions" and query.get("payout"):
            payout_id = query["payout"]
            payout = account.objects.get(payout_id)
            if payout is None or payout.get("object") != "payout":
                raise ApiAnswer(400, "invalid_request_error", f"No such payout: '{payout_id}'", "resource_missing")
            if not payout.get("automatic"):
                raise ApiAnswer(
                    400,
                    "invalid_request_error",
                    "Balance transaction history can only be filtered on automatic transfers, not manual.",
                    param="payout",
                )
            wanted = set(account.payout_lines.get(payout_id, []))
            objects = [obj for obj in objects if obj["id"] in wanted]
        if resource == "payouts":
            objects = _time_filter(objects, query, "arrival_date")
        return _time_filter(objects, query, "created")

    def listing(self, resource, objects, query, expand, url):
        """A list envelope of ``objects`` (newest first), paginated as Stripe paginates."""
        account = self.account
        limit = _integer(query.get("limit", DEFAULT_LIMIT), "limit")
        if not 1 <= limit <= MAX_LIMIT:
            raise ApiAnswer(400, "invalid_request_error", "This value must be between 1 and 100.", param="limit")
        if resource is not None:
            objects = sorted(objects, key=lambda obj: account.position(obj["id"]), reverse=True)
        ids = [obj["id"] for obj in objects]
        after, before = query.get("starting_after"), query.get("ending_before")
        if after and before:
            raise ApiAnswer(
                400, "invalid_request_error", "You may only specify one of starting_after and ending_before."
            )
        for param, cursor in (("starting_after", after), ("ending_before", before)):
            if cursor and cursor not in ids:
                raise ApiAnswer(
                    400,
                    "invalid_request_error",
                    f"No such {NAMES.get(resource, 'object')}: '{cursor}'",
                    code="resource_missing",
                    param=param,
                )
        if before:
            end = ids.index(before)
            start = max(0, end - limit)
            chunk, has_more = objects[start:end], start > 0
        else:
            start = ids.index(after) + 1 if after else 0
            chunk, has_more = objects[start : start + limit], start + limit < len(objects)
        paths = [path.removeprefix("data.") for path in expand if path.startswith("data.")]
        if len(paths) != len(expand):
            bad = next(path for path in expand if not path.startswith("data."))
            raise ApiAnswer(400, "invalid_request_error", f"This property cannot be expanded ({bad}).", param="expand")
        data = [self.expand(self.view(obj), paths) for obj in chunk]
        return {"object": "list", "data": data, "has_more": has_more, "url": url}

    # ------------------------------------------------------------------
    def expand(self, obj, paths):
        """``obj`` with the fields of ``paths`` expanded and the includable fields kept only when asked."""
        paths = list(paths)
        for field in INCLUDABLE.get(obj.get("object"), ()):
            if field not in paths and not any(path.startswith(f"{field}.") for path in paths):
                obj.pop(field, None)
        for path in paths:
            self._expand_path(obj, path.split("."), path)
        return obj

    def _expand_path(self, obj, steps, path):
        if isinstance(obj, list):
            for item in obj:
                self._expand_path(item, steps, path)
            return
        if not isinstance(obj, dict):
            return
        field, rest = steps[0], steps[1:]
        if field not in obj:
            raise ApiAnswer(400, "invalid_request_error", f"This property cannot be expanded ({path}).", param="expand")
        value = obj[field]
        if isinstance(value, str):
            if field not in EXPANDABLE:
                raise ApiAnswer(
                    400, "invalid_request_error", f"This property cannot be expanded ({path}).", param="expand"
                )
            try:
                value = obj[field] = self.view(self.account.get(value))
            except UnknownObject:
                return
        if rest:
            self._expand_path(value, rest, path)
