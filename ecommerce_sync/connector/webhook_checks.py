"""What a webhook must look like before anything stores it, logs it or puts its ids in a URL.

A signature proves who sent a delivery, not that its values are safe: the
platform (or whoever holds its secret) may send ids that would change the path
of an API call (``1/../../shop``), text PostgreSQL refuses (NUL, lone
surrogates), values too long for an index (about 2.7 KB), or JSON nested deep
enough to exhaust the parser's recursion. The webhook controller checks every
delivery with :func:`json_nesting` before parsing it and every parsed event
with :func:`check_webhook_event` before storing it, and answers 400 otherwise.
"""

import re

from .errors import WebhookError
from .ids import checked_event, external_id

#: the longest delivery id, object id, revision or topic an event may carry (indexed and logged)
MAX_WEBHOOK_TEXT = 255
#: the deepest nesting of arrays and objects a webhook body may have (real payloads: under 10)
MAX_WEBHOOK_NESTING = 64
#: characters an id never holds: they would change the path or the query of a URL it is put in
ID_FORBIDDEN = frozenset("/\\?#%")

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def safe_text(value, max_length=MAX_WEBHOOK_TEXT):
    """True for printable text of at most ``max_length`` characters.

    Printable excludes NUL and every other control character, line breaks and
    tabs, and lone surrogates (which PostgreSQL cannot store).
    """
    return isinstance(value, str) and len(value) <= max_length and value.isprintable()


def safe_id(value):
    """True for a non-empty id the engine can keep (:func:`~.ids.external_id`) that holds no path
    or query characters (``/\\?#%``) nor ``..``, so that it cannot change a URL it is put in."""
    return (
        isinstance(value, str)
        and bool(value)
        and external_id(value) == value
        and ".." not in value
        and not ID_FORBIDDEN.intersection(value)
    )


def check_webhook_event(event):
    """Refuse a parsed event whose delivery id, object id, revision or topic is not safe to use.

    :param event: a :class:`~.base.WebhookEvent`
    :raise WebhookError: saying which value is refused (never the value itself)
    """
    rule = f"printable, at most {MAX_WEBHOOK_TEXT} characters"
    id_rule = f"ASCII letters, digits and ._:@|=+-, without '..' or any of {''.join(sorted(ID_FORBIDDEN))}"
    if not safe_id(event.delivery_id):
        raise WebhookError(f"the delivery id is not a valid id ({id_rule})")
    if event.external_id and not safe_id(event.external_id):
        raise WebhookError(f"the object id is not a valid id ({id_rule})")
    if not safe_text(event.topic) or not event.topic:
        raise WebhookError(f"the topic is not valid ({rule})")
    if event.revision and not safe_text(event.revision):
        raise WebhookError(f"the revision (the object's date) is not valid ({rule})")
    checked_event(event)  # the rule of every id the engine keeps


def json_nesting(body, limit=None):
    """How deeply the arrays and objects of a JSON text nest, found without parsing it.

    Strings are skipped (brackets inside them do not count), so a body of any
    size is measured in one pass and no recursion.

    :param bytes body: the raw request body
    :param int limit: stop counting once the nesting is deeper than this
    :rtype: int
    """
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', bytes(body or b""))):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if limit is not None and deepest > limit:
                break
        else:
            depth -= 1
    return deepest
