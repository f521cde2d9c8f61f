"""What the refusal suites of every connector share: a real payload broken in one place, and its refusal."""

import copy

import pytest

from odoo.addons.ecommerce_sync.connector import RecordError

#: ids that are not a platform's numeric id: text, paths, queries, 100,000 characters, other JSON types
BAD_IDS = ["abc", "1/../../shop", "7" * 100_000, "12?fields=id", -3, 1.5, True]


def with_value(payload, path, value):
    """A copy of ``payload`` whose value at ``path`` (keys and list positions) is ``value``."""
    broken = copy.deepcopy(payload)
    target = broken
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return broken


def assert_bad_id_refused(parse, payload, path, bad):
    """``parse`` refuses ``payload`` with ``bad`` at ``path``, showing the id shortened."""
    with pytest.raises(RecordError, match="is not a valid id") as raised:
        parse(with_value(payload, path, bad))
    assert len(str(raised.value)) < 120, "the message shows the bad id shortened"


def assert_webhook_refused(connector, headers, body, match):
    """``connector`` verifies the signed delivery but refuses to read it, with a short message."""
    from odoo.addons.ecommerce_sync.connector import WebhookError

    assert connector.verify_webhook(headers, body)
    with pytest.raises(WebhookError, match=match) as raised:
        connector.parse_webhook(headers, body)
    assert len(str(raised.value)) < 120, "the message shows the bad value shortened"
