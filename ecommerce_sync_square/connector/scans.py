"""Scans of lists Square does not sort by change time: a cursor that is safe after every page.

The catalog list and the inventory counts come in Square's own order, not by
``updated_at``: the time of the latest change read is a safe cursor only once
the whole list has been read. So that a run stopped by its page budget resumes
where it stopped (rather than at the start of the scan, forever), the cursor
after each page names the scan and where it stands:

``{"since": <start of the scan>, "latest": <latest change read>, "stream": <location>, "next": <Square cursor>}``

as JSON; once the scan is complete it is the plain timestamp of the latest
change read, the ``since`` of the next scan. A Square cursor that has expired
in between starts that list again from its beginning (records read twice are
recognised by their revision).
"""

import json
from dataclasses import dataclass

from odoo.addons.ecommerce_sync.connector import ApiError


@dataclass
class Scan:
    since: str | None = None
    latest: str | None = None
    stream: str | None = None
    next: str | None = None


def read_scan(cursor):
    """The :class:`Scan` a stored cursor stands for (a plain timestamp: a new scan since then)."""
    text = str(cursor or "").strip()
    if not text:
        return Scan()
    if not text.startswith("{"):
        return Scan(since=text, latest=text)
    try:
        values = json.loads(text)
    except ValueError:
        return Scan()
    if not isinstance(values, dict):
        return Scan()
    return Scan(*(str(values[key]) if values.get(key) else None for key in ("since", "latest", "stream", "next")))


def scan_cursor(scan, stream=None, next_cursor=None):
    """The cursor to store after a page: where ``scan`` resumes, or its end (``stream`` and ``next`` empty)."""
    if not stream and not next_cursor:
        return scan.latest or scan.since
    values = {"since": scan.since, "latest": scan.latest, "stream": stream, "next": next_cursor}
    return json.dumps({key: value for key, value in values.items() if value}, sort_keys=True)


def resumed(open_pages, resume):
    """The pages ``open_pages(cursor)`` yields from ``resume``; from the beginning when Square refuses it.

    :param open_pages: a function of a Square cursor (None: the first page) returning an iterator of pages
    """
    pages = open_pages(resume)
    if resume:
        try:
            first = next(pages)
        except StopIteration:
            return
        except ApiError as exc:
            if exc.status != 400:
                raise
            pages = open_pages(None)  # an expired cursor: that list again from its start
        else:
            yield first
    yield from pages
