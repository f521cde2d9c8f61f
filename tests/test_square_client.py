"""The Square client and connector under faults: 429, 5xx, refused tokens, OAuth refresh, bad ids, webhooks."""

import json
from decimal import Decimal

import pytest
import responses
from square_support import NOTIFICATION_URL, Sleeps, connector_for, oauth_config, start_sandbox

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    StockUpdate,
    TransientError,
    WebhookError,
)
from odoo.addons.ecommerce_sync_square.connector import SANDBOX_URL, SquareConnector, base_url, build_client
from odoo.addons.ecommerce_sync_square.connector.ids import MAX_ID_LENGTH, is_valid_id

BASE = "https://connect.squareup.com"


@pytest.fixture
def server():
    server = start_sandbox(seed=9, orders=18)
    yield server
    server.stop()


def test_rate_limits_and_server_errors_are_retried_with_backoff(server):
    sleeps = Sleeps()
    square = connector_for(server, sleeps=sleeps)
    server.throttle_next(3)
    server.fail_next(2, 503)
    assert square.test_connection().name == "Harbor Coffee Roasters"
    assert server.calls(status=429) == 3 and server.calls(status=503) == 2
    assert sleeps == [0.5, 1.0, 2.0, 0.5, 1.0]
    assert square.api_calls == server.calls()


def test_exhausted_retries_stop_with_a_transient_error(server):
    square = connector_for(server)
    server.fail_next(10, 500)
    with pytest.raises(TransientError, match="HTTP 500 after 5 attempts"):
        square.test_connection()


def test_a_refused_token_says_so_and_is_not_refreshed_without_oauth(server):
    square = connector_for(server, access_token="EAAA-wrong")
    with pytest.raises(AuthenticationError) as caught:
        square.test_connection()
    message = str(caught.value)
    assert "AUTHENTICATION_ERROR/UNAUTHORIZED" in message and "EAAA-wrong" not in message
    assert server.calls("/oauth2/token") == 0


def test_an_expired_oauth_token_is_refreshed_once_and_kept(server):
    square = connector_for(server, **oauth_config())
    saved = []
    square.client.on_refresh = saved.append
    server.expire_token()
    assert len(list(square.fetch_stock_levels())) == len(server.seller.data["counts"])
    assert server.calls("/oauth2/token") == 1 and server.calls(status=401) == 1
    credentials = square.refreshed_credentials
    assert saved == [credentials], "handed over as soon as Square gave them"
    assert credentials["access_token"] in server.tokens and credentials["refresh_token"]
    assert square.test_connection().currency == "USD"
    assert server.calls("/oauth2/token") == 1


def test_a_token_past_its_expiry_is_refreshed_before_the_first_call(server):
    square = connector_for(server, token_expires_at="2026-01-01T00:00:00Z", **oauth_config())
    server.expire_token()
    square.test_connection()
    assert server.calls(status=401) == 0 and server.requests[0]["path"] == "/oauth2/token"


def test_a_refused_refresh_is_an_authentication_error(server):
    square = connector_for(server, **{**oauth_config(), "refresh_token": "EQAA-revoked"})
    server.expire_token()
    with pytest.raises(AuthenticationError, match="refresh the OAuth access token"):
        square.test_connection()
    assert server.calls("/oauth2/token") == 1


@responses.activate
def test_square_error_envelopes_become_clear_messages():
    responses.post(
        f"{BASE}/v2/orders/search",
        status=400,
        json={
            "errors": [
                {
                    "category": "INVALID_REQUEST_ERROR",
                    "code": "INVALID_CURSOR",
                    "detail": "bad cursor",
                    "field": "cursor",
                }
            ]
        },
    )
    responses.get(
        f"{BASE}/v2/payouts",
        status=403,
        json={
            "errors": [{"category": "AUTHENTICATION_ERROR", "code": "INSUFFICIENT_SCOPES", "detail": "PAYOUTS_READ"}]
        },
    )
    square = SquareConnector({"access_token": "EAAA-x", "location_ids": ["L88917AVBK2S5"]}, client=None)
    square.client.sleep = Sleeps()
    with pytest.raises(ApiError) as caught:
        list(square.fetch("orders"))
    assert str(caught.value) == (
        "Square POST /v2/orders/search: HTTP 400: INVALID_REQUEST_ERROR/INVALID_CURSOR: bad cursor (field cursor)"
    )
    with pytest.raises(AuthenticationError, match="lacks a permission.*INSUFFICIENT_SCOPES: PAYOUTS_READ"):
        list(square.fetch("payouts"))


def test_ids_are_checked_before_they_reach_a_url(server):
    square = connector_for(server)
    before = server.calls()
    for flow, bad in (
        ("orders", "../merchants/me"),
        ("payouts", "po_1?x=1"),
        ("refunds", "payment:a b"),
        ("refunds", "x/1"),
    ):
        with pytest.raises(ApiError):
            square.fetch_record(flow, bad)
    assert server.calls() == before
    assert is_valid_id("A" * MAX_ID_LENGTH) and not is_valid_id("A" * (MAX_ID_LENGTH + 1))
    assert not is_valid_id("") and not is_valid_id(None) and not is_valid_id("-lead")


def test_local_addresses_only_for_local_test_accounts():
    with pytest.raises(ApiError, match="local test accounts"):
        base_url({"api_base_url": "http://127.0.0.1:8797"})
    with pytest.raises(ApiError, match="on this machine"):
        base_url({"api_base_url": "http://square.example.com", "local_test_account": True})
    assert base_url({"environment": "sandbox"}) == SANDBOX_URL
    assert base_url({}) == BASE
    assert base_url({"api_base_url": "http://localhost:8797/", "local_test_account": True}) == "http://localhost:8797"


def test_signed_webhooks_are_verified_and_forgeries_rejected(server):
    square = connector_for(server)
    order_id = next(iter(server.seller.data["orders"]))
    server.seller.touch_order(order_id)
    headers, body = server.seller.webhooks.sent[-1]
    assert square.verify_webhook(headers, body)
    forged = body.replace(order_id.encode(), b"X" * len(order_id))
    assert not square.verify_webhook(headers, forged)
    assert not square.verify_webhook({**headers, "x-square-hmacsha256-signature": "AAAA"}, body)
    assert not square.verify_webhook({}, body)
    elsewhere = connector_for(server, notification_url=NOTIFICATION_URL.replace("/7", "/8"))
    assert not elsewhere.verify_webhook(headers, body)
    unset = connector_for(server, webhook_signature_key="")
    assert not unset.verify_webhook(headers, body)
    event = square.parse_webhook(headers, body)
    assert (event.flow, event.external_id, event.refetch) == ("orders", order_id, True)
    assert event.dedupe_key == square.parse_webhook(headers, body).dedupe_key
    (order, *_rest) = square.parse("orders", square.fetch_record("orders", event.external_id).payload)
    assert order.external_id == order_id and "edited" in order.note


def test_fee_and_stock_webhooks_lead_to_their_records(server):
    square = connector_for(server)
    payment_id = next(p["id"] for p in server.seller.data["payments"].values() if p["source_type"] == "CARD")
    server.seller.adjust_fee(payment_id, -3)
    event = square.parse_webhook(*server.seller.webhooks.sent[-1])
    assert (event.topic, event.flow, event.external_id) == ("payment.updated", "refunds", f"payment:{payment_id}")
    fees = square.parse("refunds", square.fetch_record("refunds", event.external_id).payload)
    assert [fee.external_id.split("/")[2] for fee in fees][-1] == "ADJUSTMENT" and fees[-1].amount == Decimal("-0.03")
    level = next(iter(server.seller.data["counts"]))
    square.push_stock([StockUpdate(level[0], 7, location_external_id=level[1])])
    headers, body = server.seller.webhooks.sent[-1]
    stock_event = square.parse_webhook(headers, body)
    assert stock_event.flow == "stock" and not stock_event.refetch
    (parsed,) = square.parse("stock", stock_event.payload)
    assert (parsed.variant_external_id, parsed.location_external_id, parsed.available) == (level[0], level[1], 7)


def test_unreadable_webhooks_are_webhook_errors(server):
    square = connector_for(server)
    for body in (b"not json", b"[]", json.dumps({"event_id": "<script>", "type": "order.updated"}).encode()):
        with pytest.raises(WebhookError):
            square.parse_webhook({}, body)
    bad_object = {"event_id": "4b8e5c91-9f17", "type": "order.updated", "data": {"id": "../../x", "object": {}}}
    with pytest.raises(WebhookError, match="is not a valid id"):
        square.parse_webhook({}, json.dumps(bad_object).encode())
    ping = square.parse_webhook({}, json.dumps({"event_id": "4b8e5c91-9f17", "type": "webhooks.test_notification"}))
    assert ping.flow == "" and ping.delivery_id == "4b8e5c91-9f17"


def test_the_client_is_built_from_the_config():
    client = build_client({"access_token": "EAAA-t", "environment": "sandbox", "square_version": "2026-07-15"})
    assert client.base_url == SANDBOX_URL
    assert client.session.headers["Square-Version"] == "2026-07-15"
    assert client.session.headers["Authorization"] == "Bearer EAAA-t"
