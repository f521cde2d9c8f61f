"""Walking Stripe lists oldest first, with a cursor safe to store after every page.

Stripe lists newest first. A flow must hand records over in the order they
happened and store a cursor after each page, so lists are walked forward in
time with ``ending_before``: given the last object handled (the *anchor*),
``ending_before=<anchor>`` answers the (up to) 100 objects created right
after it; reversed, they are the next page, and its newest object is the
next anchor. Nothing at the boundary is read twice.

A first sync has no anchor, only a start time: the list is scanned back
from now to that time with ``starting_after`` (ids only, one call per 100
objects) to find the oldest object, and the walk starts there.

Events (``/v1/events``, kept 30 days) fill the gaps the lists cannot show
(a payout paid, a dispute won, a refund failed after it was listed): they
are read from their own position, ``created[gte]`` plus the ids already
seen in that second.

A flow cursor holds both: ``obj=<created>|<id>;ev=<created>|<id>,<id>``. A
bare Unix timestamp or ISO date (e.g. set by hand) means "from that time".
"""

import logging
import time
from dataclasses import dataclass, field

from odoo.addons.ecommerce_sync.connector import ApiError, ConnectorError, to_datetime

from .client import ID_PATTERN

_logger = logging.getLogger(__name__)

#: events are read back from a little before the run started (clocks differ)
CLOCK_MARGIN = 300


def _stamp(text):
    text = str(text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    try:
        moment = to_datetime(text, "cursor")
    except ConnectorError:
        return None
    return int(moment.timestamp()) if moment else None


@dataclass
class FlowCursor:
    """Where a flow stands: the last object handled, and the events position."""

    anchor_created: int | None = None
    anchor_id: str = ""
    #: start of a first sync (no anchor yet)
    since: int | None = None
    events_at: int | None = None
    events_seen: set = field(default_factory=set)

    @classmethod
    def parse(cls, text):
        """Read a stored cursor; anything unreadable starts from the beginning."""
        cursor = cls()
        text = str(text or "").strip()
        if not text:
            return cursor
        if "=" not in text:
            cursor.since = _stamp(text)
            return cursor
        for part in text.split(";"):
            key, _sep, value = part.partition("=")
            stamp, _sep, ids = value.partition("|")
            if key == "obj":
                cursor.anchor_created = _stamp(stamp)
                cursor.anchor_id = ids if ID_PATTERN.match(ids) else ""
                if not cursor.anchor_id:
                    cursor.since = cursor.anchor_created
            elif key == "ev":
                cursor.events_at = _stamp(stamp)
                cursor.events_seen = {item for item in ids.split(",") if ID_PATTERN.match(item)}
        return cursor

    def __str__(self):
        parts = []
        if self.anchor_id:
            parts.append(f"obj={self.anchor_created or 0}|{self.anchor_id}")
        elif self.since is not None:
            parts.append(f"obj={self.since}|")
        if self.events_at is not None:
            parts.append(f"ev={self.events_at}|{','.join(sorted(self.events_seen))}")
        return ";".join(parts)

    def moved_to(self, obj):
        """Anchor on ``obj`` (the newest object handled)."""
        self.anchor_id = str(obj["id"])
        self.anchor_created = int(obj.get("created") or 0)
        self.since = None


def walk_forward(client, path, params, cursor):
    """Yield ``[objects]`` oldest first, page by page, moving ``cursor``'s anchor.

    An anchor Stripe no longer lists (a cursor of another account, after the
    store's key was changed) is replaced by its time: the list is read again
    from that second, and what was handled already is recognised downstream.

    :param FlowCursor cursor: updated in place after each page (store it then)
    :param dict params: the list's filters and expansions
    """
    page = _after_anchor(client, path, params, cursor) if cursor.anchor_id else None
    if page is None:
        first = _first_page(client, path, params, cursor.since)
        if not first:
            return
        objects = list(reversed(first))
        cursor.moved_to(objects[-1])
        yield objects
        page = client.list_page(path, params, ending_before=cursor.anchor_id)
    while True:
        objects = [obj for obj in reversed(page.data) if isinstance(obj, dict) and obj.get("id")]
        if not objects:
            return
        cursor.moved_to(objects[-1])
        yield objects
        if not page.has_more:
            return
        page = client.list_page(path, params, ending_before=cursor.anchor_id)


def _after_anchor(client, path, params, cursor):
    """The page right after the cursor's anchor, or None when Stripe does not know the anchor."""
    try:
        return client.list_page(path, params, ending_before=cursor.anchor_id)
    except ApiError as exc:
        if exc.status != 400:
            raise
        _logger.warning("Stripe %s: the cursor's object is not listed (%s); reading again from its time", path, exc)
        cursor.since, cursor.anchor_id = cursor.anchor_created, ""
        return None


def _first_page(client, path, params, since):
    """The oldest page of objects created at or after ``since`` (newest first, as listed)."""
    scan = {key: value for key, value in params.items() if key != "expand"}
    if since is not None:
        scan["created"] = {"gte": since}
    oldest, oldest_after = [], None
    after = None
    while True:
        page = client.list_page(path, scan, starting_after=after)
        if page.data:
            oldest, oldest_after = page.data, after
        if not page.has_more or not page.data:
            break
        after = page.data[-1].get("id")
    if not oldest or scan == params:
        return oldest
    return client.list_page(path, {**scan, **params}, starting_after=oldest_after).data


def read_events(client, types, events_at, seen):
    """Events of ``types`` since an events position, oldest first, and the position after them.

    On a first sync (no position yet) nothing is read: the lists give the
    current state, and events are read from about now on.

    :param int events_at: Unix time of the position (None on a first sync)
    :param set seen: ids of the events at that second already handled
    :return: ``(events, new position, ids seen at it)``
    """
    if events_at is None:
        return [], int(time.time()) - CLOCK_MARGIN, set()
    params = {"types": list(types), "created": {"gte": events_at}}
    fresh = [
        event
        for event in client.list_all("events", params)
        if isinstance(event, dict) and event.get("id") and event["id"] not in seen
    ]
    fresh.sort(key=lambda event: int(event.get("created") or 0))
    if not fresh:
        return [], events_at, set(seen)
    newest = int(fresh[-1].get("created") or 0)
    at_newest = {str(event["id"]) for event in fresh if int(event.get("created") or 0) == newest}
    return fresh, newest, (set(seen) | at_newest) if newest == events_at else at_newest
