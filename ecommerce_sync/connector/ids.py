"""Ids read from payloads, checked before they reach a URL, a database index or a log.

Every id a connector reads from a payload, a webhook or a stored record is
untrusted text, even in a signed payload: an order id such as
``1/../../shop`` would make a call to another path of the store's API with
the store's credentials, and an id of 100,000 characters would be stored,
indexed and logged. Three rules, one per use:

* :func:`numeric_id`: a platform's numeric id, the only ids that go into a
  URL path or query: ASCII digits, at most :data:`MAX_NUMERIC_ID_DIGITS` of them;
* :func:`gid_id` and :func:`to_gid`: GraphQL global ids
  (``gid://<app>/Order/123``) of one app and kind, read and written from numeric ids;
* :func:`external_id`: what any id handed to the engine must look like (a
  canonical record's id, a webhook's object id): printable ASCII from a small
  set, at most :data:`MAX_EXTERNAL_ID_LENGTH` characters; composite ids
  (``<item>@<location>``, ``refund-<id>``) and other platforms' ids
  (``ch_3Mx...``) fit it.

Each gives "" for a value that does not qualify; :func:`required_id` raises a
:class:`~.errors.RecordError` that shows the bad value shortened
(:func:`describe`), never whole.
"""

import dataclasses
import re

from .errors import RecordError, WebhookError

#: digits of the largest 64-bit unsigned number: no platform id is longer
MAX_NUMERIC_ID_DIGITS = 20
MAX_EXTERNAL_ID_LENGTH = 128
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@|/#=+-]*")
#: ``gid://<app>/<Kind>/<number>``, with the query some kinds carry (``InventoryLevel/1?inventory_item_id=2``)
GID = re.compile(r"gid://([a-z][a-z0-9-]*)/([A-Za-z][A-Za-z0-9]*)/([0-9]{1,20})(\?[A-Za-z0-9_=&]*)?")
#: canonical record fields that hold ids (besides every field whose name ends with "external_id")
ID_FIELDS = frozenset(("parent_id", "inventory_item_id"))
#: how much of a bad value a message shows
SHOWN = 24


def _text(value):
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def numeric_id(value):
    """``value`` as the text of a numeric platform id, or "" when it is not one.

    Only ASCII digits are let through (an int, or a string of 1 to
    :data:`MAX_NUMERIC_ID_DIGITS` digits, surrounding spaces ignored), so that
    no id can change the path or the query of a call.
    """
    text = _text(value)
    if text.isascii() and text.isdigit() and len(text) <= MAX_NUMERIC_ID_DIGITS:
        return text
    return ""


def external_id(value):
    """``value`` as an id the engine can store, index and log, or "" when it is not one.

    Ints and strings of printable ASCII letters, digits and ``._:@|/#=+-``,
    starting with a letter or digit, at most :data:`MAX_EXTERNAL_ID_LENGTH`
    characters. Such an id is safe to keep, not to put in a URL: URLs take
    :func:`numeric_id` (or :func:`gid_id`) only.
    """
    text = _text(value)
    if len(text) <= MAX_EXTERNAL_ID_LENGTH and SAFE_ID.fullmatch(text):
        return text
    return ""


def gid_id(value, kind, app):
    """The numeric id of a global id of ``app`` and ``kind`` (``gid://<app>/Order/12`` -> "12"), or "".

    A plain numeric id is taken as it is; a global id of another kind or app,
    or anything else, gives "".
    """
    number = numeric_id(value)
    if number:
        return number
    match = GID.fullmatch(_text(value))
    if not match or match.group(1) != app or match.group(2) != kind:
        return ""
    return match.group(3)


def to_gid(kind, value, app):
    """The global id of ``kind`` for a numeric id (or a global id of that kind), "" when it is neither."""
    number = gid_id(value, kind, app)
    return f"gid://{app}/{kind}/{number}" if number else ""


def describe(value):
    """A short, printable form of a value for messages and logs, never the whole value.

    A short id that :func:`external_id` accepts is shown as it is, anything
    else quoted, escaped and cut to :data:`SHOWN` characters.
    """
    if value is None:
        return "no value"
    if isinstance(value, int | str) and not isinstance(value, bool):
        text = str(value)
        if len(text) <= SHOWN and external_id(text) == text:
            return text
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= SHOWN:
        return repr(text)
    return f"{text[:SHOWN]!r}... ({len(text)} characters)"


def required_id(value, what, rule=numeric_id):
    """``value`` checked by ``rule`` (:func:`numeric_id` by default).

    :param str what: what the id is, for the message ("order id", "refund 12 order_id")
    :raise RecordError: when the value is missing or does not qualify
    """
    checked = rule(value)
    if checked:
        return checked
    if value is None or value == "":
        raise RecordError(f"{what[:-3]} without id" if what.endswith(" id") else f"{what} is missing")
    raise RecordError(f"{what}: {describe(value)} is not a valid id")


def optional_id(value, what, rule=numeric_id):
    """Like :func:`required_id`, but a missing value (None, "", 0) gives "" instead of an error."""
    if value in (None, "", 0, "0"):
        return ""
    return required_id(value, what, rule)


def check_record_ids(records):
    """Refuse canonical records holding an id the engine could not safely keep.

    Walks the records (and the records, lists and dicts they hold) and checks
    every field named ``*external_id`` (and ``parent_id``,
    ``inventory_item_id``): empty, or :func:`external_id`.

    :raise RecordError: naming the field and the bad value, shortened
    """
    pending = list(records)
    while pending:
        item = pending.pop()
        if isinstance(item, list | tuple):
            pending.extend(item)
            continue
        if not dataclasses.is_dataclass(item) or isinstance(item, type):
            continue
        for field in dataclasses.fields(item):
            value = getattr(item, field.name)
            if field.name.endswith("external_id") or field.name in ID_FIELDS:
                if value not in (None, "") and external_id(value) != value:
                    raise RecordError(f"{type(item).__name__}.{field.name}: {describe(value)} is not a valid id")
            elif isinstance(value, list | tuple) or dataclasses.is_dataclass(value):
                pending.append(value)


def checked_event(event):
    """``event`` (a :class:`~.base.WebhookEvent`) when every id in it is one the engine can keep.

    Its delivery id, object id and revision are stored, indexed (the de-duplication key) and logged.

    :raise WebhookError: naming the value, shortened
    """
    for name in ("delivery_id", "external_id", "revision"):
        value = getattr(event, name)
        if value and external_id(value) != value:
            raise WebhookError(f"the webhook's {name.replace('_', ' ')} {describe(value)} cannot be kept")
    return event
