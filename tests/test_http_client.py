"""The shared HTTP helper: retries, rate limits, errors and call counting."""

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests
import responses

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    HttpClient,
    NotFoundError,
    TransientError,
    parse_retry_after,
    safe_url,
)

BASE = "https://shop.example.com/api"


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def client(**kwargs):
    sleeps = Sleeps()
    return HttpClient(BASE, headers={"X-Token": "s3cr3t"}, sleep=sleeps, **kwargs), sleeps


@responses.activate
def test_success_sends_headers_and_timeout_and_counts_one_call():
    responses.get(f"{BASE}/shop.json", json={"shop": {"name": "Demo"}})
    http, sleeps = client()
    assert http.json("GET", "shop.json") == {"shop": {"name": "Demo"}}
    assert http.calls == 1
    assert responses.calls[0].request.headers["X-Token"] == "s3cr3t"
    assert sleeps == []


@responses.activate
def test_5xx_is_retried_with_exponential_backoff():
    responses.get(f"{BASE}/orders.json", status=503)
    responses.get(f"{BASE}/orders.json", status=502)
    responses.get(f"{BASE}/orders.json", json={"orders": []})
    http, sleeps = client(backoff=0.5)
    assert http.json("GET", "orders.json") == {"orders": []}
    assert http.calls == 3
    assert http.retries == 2
    assert sleeps == [0.5, 1.0]


@responses.activate
def test_5xx_retries_are_bounded():
    responses.get(f"{BASE}/orders.json", status=500, body="boom")
    http, sleeps = client(max_retries=2)
    with pytest.raises(TransientError, match="HTTP 500 after 3 attempts"):
        http.get("orders.json")
    assert http.calls == 3
    assert len(sleeps) == 2


@responses.activate
def test_timeouts_are_retried_then_reported():
    responses.get(f"{BASE}/orders.json", body=requests.Timeout("read timed out"))
    responses.get(f"{BASE}/orders.json", json={"ok": True})
    http, sleeps = client()
    assert http.json("GET", "orders.json") == {"ok": True}
    assert sleeps == [0.5]

    responses.reset()
    responses.get(f"{BASE}/x", body=requests.ConnectionError("refused"))
    http, _sleeps = client(max_retries=1)
    with pytest.raises(TransientError, match="no answer after 2 attempts"):
        http.get("x")


@responses.activate
def test_429_waits_for_retry_after():
    responses.get(f"{BASE}/orders.json", status=429, headers={"Retry-After": "2.0"})
    responses.get(f"{BASE}/orders.json", status=429, headers={"Retry-After": "1"})
    responses.get(f"{BASE}/orders.json", json={"orders": [1]})
    http, sleeps = client()
    assert http.json("GET", "orders.json") == {"orders": [1]}
    assert sleeps == [2.0, 1.0]
    assert http.waited == 3.0


@responses.activate
def test_429_storm_gives_up_after_the_limit():
    responses.get(f"{BASE}/orders.json", status=429, headers={"Retry-After": "1"})
    http, sleeps = client(max_rate_limit_retries=3)
    with pytest.raises(TransientError, match="rate limited"):
        http.get("orders.json")
    assert len(sleeps) == 3


@responses.activate
def test_client_errors_become_connector_errors_without_secrets():
    responses.get(f"{BASE}/a", status=401, body='{"errors":"[API] Invalid API key or access token"}')
    responses.get(f"{BASE}/b", status=404)
    responses.get(f"{BASE}/c", status=422, body='{"errors":{"sku":["is taken"]}}')
    http, sleeps = client()
    with pytest.raises(AuthenticationError, match="credentials were refused") as auth:
        http.get("a", params={"consumer_secret": "cs_123"})
    assert "cs_123" not in str(auth.value)
    assert auth.value.status == 401
    with pytest.raises(NotFoundError):
        http.get("b")
    with pytest.raises(ApiError, match="HTTP 422.*is taken"):
        http.get("c")
    assert sleeps == []  # client errors are not retried


@responses.activate
def test_non_json_answer_is_an_api_error():
    responses.get(f"{BASE}/shop.json", body="<html>maintenance</html>")
    http, _sleeps = client()
    with pytest.raises(ApiError, match="not JSON"):
        http.json("GET", "shop.json")


@responses.activate
def test_throttle_hook_sees_every_successful_response():
    responses.get(f"{BASE}/a", headers={"X-Limit": "39/40"}, json={})
    http, _sleeps = client()
    seen = []
    http.throttle = lambda response: seen.append(response.headers["X-Limit"])
    http.get("a")
    assert seen == ["39/40"]


def test_parse_retry_after_forms():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=now) == 30.0


@responses.activate
def test_transport_errors_are_logged_without_secret_query_values(caplog):
    """requests names the URL, query string included, in its transport errors."""
    error = requests.ConnectionError(
        "Max retries exceeded with url: /orders?consumer_key=ck_1&consumer_secret=cs_2&page=3"
    )
    responses.get(f"{BASE}/orders", body=error)
    http, _sleeps = client(max_retries=0)
    with caplog.at_level("WARNING"), pytest.raises(TransientError) as raised:
        http.get("orders", params={"consumer_key": "ck_1", "consumer_secret": "cs_2"})
    assert "consumer_secret=***" in caplog.text and "page=3" in caplog.text
    assert "cs_2" not in caplog.text and "ck_1" not in caplog.text
    assert "cs_2" not in str(raised.value)


def test_safe_url_masks_secret_query_values():
    url = "https://s.example/wp-json/wc/v3/orders?consumer_key=ck_1&consumer_secret=cs_2&page=2"
    masked = safe_url(url)
    assert "ck_1" not in masked and "cs_2" not in masked
    assert "page=2" in masked
