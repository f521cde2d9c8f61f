"""Walking Transaction Search in windows of at most 31 days, with a cursor safe to store after every page.

Transaction Search answers the transactions *initiated* between
``start_date`` and ``end_date`` (31 days apart at most), page by page
(``page``, ``total_pages``), and up to three hours late
(``last_refreshed_datetime`` says how far it is complete). A pending
transaction (status P) changes later without a new initiation date.

So a flow's cursor is ``t=<time>;p=<time>``: ``t`` is the time up to which
every transaction was read (kept behind now by :data:`LATE_MARGIN` and never
past PayPal's refresh time), ``p`` the initiation of the oldest transaction
still pending at the last read (within :data:`PENDING_LOOKBACK`). A run reads
from the earlier of the two up to now; what it reads again is recognised by
its revision (``transaction_updated_date`` and status). A bare time means
"from that time"; no cursor, :data:`DEFAULT_HISTORY` back.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from odoo.addons.ecommerce_sync.connector import ConnectorError, to_datetime

from .money import iso, text
from .payments import info

WINDOW = timedelta(days=31)
LATE_MARGIN = timedelta(hours=3)
PENDING_LOOKBACK = timedelta(days=31)
DEFAULT_HISTORY = timedelta(days=90)
PAGE_SIZE = 500


def _moment(value):
    try:
        return to_datetime(value, "cursor") if text(value) else None
    except ConnectorError:
        return None


@dataclass
class SearchCursor:
    since: datetime | None = None
    pending: datetime | None = None

    @classmethod
    def parse(cls, text_):
        cursor = cls()
        value = text(text_)
        if not value:
            return cursor
        if "=" not in value:
            cursor.since = _moment(value)
            return cursor
        for part in value.split(";"):
            key, _sep, item = part.partition("=")
            if key == "t":
                cursor.since = _moment(item)
            elif key == "p":
                cursor.pending = _moment(item)
        return cursor

    def __str__(self):
        parts = [f"t={iso(self.since)}"] if self.since else []
        if self.pending:
            parts.append(f"p={iso(self.pending)}")
        return ";".join(parts)


def windows(start, end):
    """``[(window start, window end)]`` covering ``start`` to ``end``, 31 days each at most."""
    spans = []
    while start < end:
        stop = min(start + WINDOW, end)
        spans.append((start, stop))
        start = stop
    return spans


def initiated(detail):
    return _moment(info(detail).get("transaction_initiation_date"))


def walk(client, text_, now=None, history=DEFAULT_HISTORY, page_size=PAGE_SIZE):
    """Yield ``(transaction details, cursor text, more, window start)`` page by page, oldest window first.

    The cursor of a page inside a window is the window's start; the last page
    of a window moves it to the window's end (never past now less the margin,
    nor past PayPal's refresh time).
    """
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    cursor = SearchCursor.parse(text_)
    start = cursor.since or now - history
    if cursor.pending and cursor.pending < start:
        start = max(cursor.pending, now - PENDING_LOOKBACK)
    start = min(start, now)
    safe_limit = now - LATE_MARGIN
    pending = None
    spans = windows(start, now) or [(start, now)]
    for number, (window_start, window_end) in enumerate(spans):
        page, pages = 1, 1
        while page <= pages:
            body = client.search(window_start, window_end, page=page, page_size=page_size)
            pages = max(int(body.get("total_pages") or 1), 1)
            details = [detail for detail in body.get("transaction_details") or [] if isinstance(detail, dict)]
            for detail in details:
                if text(info(detail).get("transaction_status")) == "P":
                    moment = initiated(detail)
                    if moment and (pending is None or moment < pending):
                        pending = moment
            refreshed = _moment(body.get("last_refreshed_datetime"))
            if refreshed:
                safe_limit = min(safe_limit, refreshed)
            last_of_window = page >= pages
            reached = min(window_end, safe_limit) if last_of_window else window_start
            stored = SearchCursor(since=max(min(reached, now), start) if last_of_window else window_start)
            stored.pending = pending if pending and pending >= now - PENDING_LOOKBACK else None
            yield details, str(stored), not (last_of_window and number == len(spans) - 1), window_start
            page += 1
