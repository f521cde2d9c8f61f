"""What every REST list route of the sandbox shares: requests, error answers, filters, sorting and paging.

Paging is Shopify's cursor pagination: ``page_info`` tokens and the ``Link``
header. A token remembers the filters, the sort and the sort key of the last
object served (keyset pagination, as Shopify does), so objects changing
between two pages are neither skipped nor repeated because of an offset.
"""

import base64
import copy
import json
from dataclasses import dataclass
from datetime import datetime, timezone

DEFAULT_LIMIT = 50
MAX_LIMIT = 250


class PageError(ValueError):
    """An invalid ``limit`` or ``page_info``."""


def encode(state):
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(token):
    try:
        padded = token + "=" * (-len(token) % 4)
        state = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PageError("page_info - Invalid value.") from exc
    if not isinstance(state, dict) or "filters" not in state:
        raise PageError("page_info - Invalid value.")
    return state


def read_limit(query):
    raw = query.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(raw)
    except ValueError as exc:
        raise PageError("limit - Invalid value.") from exc
    if not 1 <= limit <= MAX_LIMIT:
        raise PageError(f"limit - Must be between 1 and {MAX_LIMIT}.")
    return limit


def paginate(objects, sort_key, descending, query, filters, url):
    """One page of ``objects`` (already filtered) and its Link header.

    :param sort_key: object -> JSON-able sortable list
    :param dict query: the request's query (``limit``, ``page_info``)
    :param dict filters: the filters of the first request, kept in the token
    :param str url: absolute URL of the endpoint, for the Link header
    :return: ``(page objects, Link header value or None)``
    """
    limit = read_limit(query)
    after = None
    if "page_info" in query:
        after = decode(query["page_info"]).get("after")
    ordered = sorted(objects, key=sort_key, reverse=descending)
    if after is not None:
        if descending:
            ordered = [obj for obj in ordered if sort_key(obj) < after]
        else:
            ordered = [obj for obj in ordered if sort_key(obj) > after]
    page = ordered[:limit]
    link = None
    if len(ordered) > limit:
        token = encode({"filters": filters, "after": sort_key(page[-1])})
        link = f'<{url}?limit={limit}&page_info={token}>; rel="next"'
    return page, link


@dataclass
class Request:
    shop: object
    method: str
    query: dict
    body: object
    #: absolute URL of the resource without query, for Link headers
    url: str
    budget: object


class ApiAnswer(Exception):
    """An error answer: ``status`` and Shopify's ``{"errors": ...}`` body."""

    def __init__(self, status, errors):
        super().__init__(errors)
        self.status = status
        self.errors = errors


def utc(value):
    """A timestamp (with offset) in UTC ISO form, comparable as text."""
    text = str(value).replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ApiAnswer(400, {"updated_at": [f"invalid date {value!r}"]}) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def filters_of(request, allowed):
    """The filters of a list request: from the query, or from the page_info token."""
    query = request.query
    if "page_info" in query:
        extra = set(query) - {"page_info", "limit", "fields"}
        if extra:
            raise ApiAnswer(400, {"page_info": [f"cannot be combined with {', '.join(sorted(extra))}"]})
        try:
            return decode(query["page_info"])["filters"]
        except PageError as exc:
            raise ApiAnswer(400, {"page_info": [str(exc)]}) from exc
    return {key: query[key] for key in allowed if key in query}


def ids_of(value):
    try:
        return {int(part) for part in str(value).split(",") if part.strip()}
    except ValueError as exc:
        raise ApiAnswer(400, {"ids": ["expected comma-separated ids"]}) from exc


def listing(request, key, objects, sort_key, descending, filters):
    try:
        page, link = paginate(objects, sort_key, descending, request.query, filters, request.url)
    except PageError as exc:
        raise ApiAnswer(400, {"limit": [str(exc)]}) from exc
    fields = request.query.get("fields")
    if fields:
        wanted = {field.strip() for field in fields.split(",")}
        page = [{name: value for name, value in obj.items() if name in wanted} for obj in page]
    return 200, {key: copy.deepcopy(page)}, {"Link": link} if link else {}


def window(objects, filters, field, name="updated_at"):
    """Objects whose ``field`` is within the ``<name>_min`` / ``<name>_max`` filters."""
    if f"{name}_min" in filters:
        floor = utc(filters[f"{name}_min"])
        objects = [obj for obj in objects if utc(obj[field]) >= floor]
    if f"{name}_max" in filters:
        ceiling = utc(filters[f"{name}_max"])
        objects = [obj for obj in objects if utc(obj[field]) <= ceiling]
    return objects


SORTS = {
    "updated_at asc": (lambda obj: [utc(obj["updated_at"]), obj["id"]], False),
    "updated_at desc": (lambda obj: [utc(obj["updated_at"]), obj["id"]], True),
    "created_at asc": (lambda obj: [utc(obj["created_at"]), obj["id"]], False),
    "created_at desc": (lambda obj: [utc(obj["created_at"]), obj["id"]], True),
}


def sort_of(filters, default):
    order = str(filters.get("order") or default).replace("+", " ").strip()
    if order not in SORTS:
        raise ApiAnswer(400, {"order": [f"unsupported order {order!r}"]})
    return SORTS[order]
