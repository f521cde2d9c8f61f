"""Shopify's cursor pagination: ``page_info`` tokens and the ``Link`` header.

A token remembers the filters, the sort and the sort key of the last object
served (keyset pagination, as Shopify does), so objects changing between two
pages are neither skipped nor repeated because of an offset.
"""

import base64
import json

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
