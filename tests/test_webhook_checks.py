"""The checks every webhook passes before it is stored, logged or used in a URL."""

import json

import pytest

from odoo.addons.ecommerce_sync.connector import (
    MAX_WEBHOOK_NESTING,
    WebhookError,
    WebhookEvent,
    check_webhook_event,
    json_nesting,
    safe_id,
    safe_text,
)


@pytest.mark.parametrize(
    "value",
    ["820982911946154508", "b54557e4-0001-4a2d-9b3c-000000000001", "31@72", "gid:shopify:Order:1", "w-1"],
)
def test_ids_platforms_send_are_safe(value):
    assert safe_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1/../../shop",
        "..",
        "1/2",
        "1\\2",
        "1?fields=token",
        "1#x",
        "%2e%2e%2fshop",
        "1 2",
        "12\x00",
        "12\n",
        "\t12",
        "\ud800",
        "1\x7f",
        "é1",
        "9" * 256,
        None,
        12,
    ],
)
def test_ids_that_could_change_a_url_or_break_an_index_are_not(value):
    assert not safe_id(value)


def test_texts_may_hold_slashes_but_nothing_unprintable():
    assert safe_text("order/727@2017-03-22T19:28:08")
    assert safe_text("orders/create")
    assert not safe_text("2025-01-01T00:00:00Z\x00")
    assert not safe_text("\udfff")
    assert not safe_text("x" * 256)
    assert safe_text("x" * 255)


def test_check_webhook_event_names_the_value_it_refuses_without_repeating_it():
    check_webhook_event(WebhookEvent("d-1", "orders/create", "orders", "820982911946154508", "2025-01-01T00:00:00Z"))
    check_webhook_event(WebhookEvent("ping-31", "ping"))
    cases = {
        "delivery id": WebhookEvent("d/1", "orders/create"),
        "object id": WebhookEvent("d-1", "orders/create", "orders", "1/../../shop"),
        "topic": WebhookEvent("d-1", "orders\x00create"),
        "revision": WebhookEvent("d-1", "orders/create", "orders", "1", "2025\ud800"),
    }
    for name, event in cases.items():
        with pytest.raises(WebhookError) as refused:
            check_webhook_event(event)
        assert name in str(refused.value)
        assert "../../shop" not in str(refused.value)
    with pytest.raises(WebhookError):
        check_webhook_event(WebhookEvent("d-1", ""))


def test_json_nesting_is_measured_without_parsing():
    assert json_nesting(b"{}") == 1
    assert json_nesting(json.dumps({"a": [{"b": "[[[[{{{{"}], "c": 'say "[" '}).encode()) == 3
    assert json_nesting(b"webhook_id=31") == 0
    assert json_nesting(b"") == 0
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(RecursionError):
        json.loads(deep)
    assert json_nesting(deep, limit=MAX_WEBHOOK_NESTING) == MAX_WEBHOOK_NESTING + 1
    assert json_nesting(deep) == 100_000
