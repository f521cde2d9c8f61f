"""The PayPal client and readers against ``responses``: settings, tokens, errors, retries, ids, codes, windows."""

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import responses
from paypal_support import SleepRecorder, forget_tokens

from odoo.addons.ecommerce_sync.connector import ApiError, AuthenticationError, NotFoundError, TransientError
from odoo.addons.ecommerce_sync_paypal.connector import (
    PayPalClient,
    PayPalConnector,
    PayPalSettingsError,
    SearchCursor,
    category,
    check_base,
    parse_ledger,
    valid_id,
    windows,
)
from odoo.addons.ecommerce_sync_paypal.connector.cursors import LATE_MARGIN, walk

API = "https://api-m.paypal.com"
CLIENT_ID, SECRET = "AZlive-client-0000000000", "EPlive-secret-should-never-show"


@pytest.fixture(autouse=True)
def fresh_tokens():
    forget_tokens()
    yield
    forget_tokens()


def client(**options):
    return PayPalClient(CLIENT_ID, SECRET, environment="live", sleep=SleepRecorder(), backoff=0.01, **options)


def token(value="A21AAtoken-one", expires_in=32400):
    responses.post(f"{API}/v1/oauth2/token", json={"access_token": value, "token_type": "Bearer",
                                                   "expires_in": expires_in})  # fmt: skip


def test_only_paypal_or_a_local_test_account_is_called():
    assert check_base("live") == API and check_base("sandbox") == "https://api-m.sandbox.paypal.com"
    assert check_base("sandbox", "http://127.0.0.1:8796", local_test_account=True) == "http://127.0.0.1:8796"
    with pytest.raises(PayPalSettingsError, match="local test account"):
        check_base("live", "http://127.0.0.1:8796")
    for url in ("https://evil.example.com", "http://10.0.0.5:8796", "http://127.0.0.1:8796/v1"):
        with pytest.raises(PayPalSettingsError):
            check_base("sandbox", url, local_test_account=True)
    with pytest.raises(PayPalSettingsError, match="'live' or 'sandbox'"):
        check_base("production")


@responses.activate
def test_unusable_settings_fail_every_call_without_sending_anything():
    for bad in (PayPalClient("", SECRET), PayPalClient(CLIENT_ID, SECRET, api_base="https://paypal.example.com")):
        with pytest.raises(PayPalSettingsError):
            bad.get_object("v1/reporting/balances")
    assert len(responses.calls) == 0


@responses.activate
def test_the_token_is_asked_with_basic_auth_kept_and_sent_as_bearer():
    token()
    responses.get(f"{API}/v1/reporting/balances", json={"balances": []})
    paypal = client()
    paypal.get_object("v1/reporting/balances")
    paypal.get_object("v1/reporting/balances")
    again = client()  # another run of the same app: the token is still good
    again.get_object("v1/reporting/balances")
    calls = [call.request for call in responses.calls]
    assert [request.url.split("?")[0].removeprefix(API) for request in calls] == [
        "/v1/oauth2/token",
        "/v1/reporting/balances",
        "/v1/reporting/balances",
        "/v1/reporting/balances",
    ]
    assert calls[0].headers["Authorization"].startswith("Basic ") and calls[0].body == "grant_type=client_credentials"
    assert all(request.headers["Authorization"] == "Bearer A21AAtoken-one" for request in calls[1:])
    assert paypal.calls == 3 and again.calls == 1


@responses.activate
def test_a_token_near_its_expiry_is_renewed():
    token("A21AAshort", expires_in=200)  # less than the margin: renewed at once
    token("A21AAnext")
    responses.get(f"{API}/v1/reporting/balances", json={"balances": []})
    paypal = client()
    paypal.get_object("v1/reporting/balances")
    paypal.get_object("v1/reporting/balances")
    sent = [call.request.headers["Authorization"] for call in responses.calls if "balances" in call.request.url]
    assert sent == ["Bearer A21AAshort", "Bearer A21AAnext"]


@responses.activate
def test_a_refused_token_is_renewed_once_then_the_store_is_told():
    token("A21AAold")
    token("A21AAnew")
    responses.get(f"{API}/v1/reporting/balances", status=401, json={"error": "invalid_token",
                  "error_description": "The token passed in was not found in the system"})  # fmt: skip
    responses.get(f"{API}/v1/reporting/balances", json={"balances": []})
    assert client().get_object("v1/reporting/balances") == {"balances": []}
    sent = [call.request.headers["Authorization"] for call in responses.calls if "balances" in call.request.url]
    assert sent == ["Bearer A21AAold", "Bearer A21AAnew"]
    responses.reset()
    forget_tokens()
    token("A21AAa")
    token("A21AAb")
    responses.get(f"{API}/v1/reporting/balances", status=401, json={"error": "invalid_token"})
    with pytest.raises(AuthenticationError, match="access token was refused"):
        client().get_object("v1/reporting/balances")
    assert len([call for call in responses.calls if "balances" in call.request.url]) == 2


@responses.activate
def test_refused_credentials_never_show_the_secret():
    responses.post(f"{API}/v1/oauth2/token", status=401,
                   json={"error": "invalid_client", "error_description": "Client Authentication failed"})  # fmt: skip
    with pytest.raises(AuthenticationError) as raised:
        client().get_object("v1/reporting/balances")
    message = str(raised.value)
    assert "client id and secret" in message and "invalid_client" in message and SECRET not in message
    assert "live environment" in message


@responses.activate
def test_paypal_error_envelopes_become_clear_messages():
    token()
    body = {"name": "INVALID_REQUEST", "message": "Request is not well-formed, syntactically incorrect, or violates "
            "schema.", "debug_id": "b5a8bc5e94c4c", "details": [{"field": "start_date", "location": "query",
            "issue": "Date range is greater than 31 days"}]}  # fmt: skip
    responses.get(f"{API}/v1/reporting/transactions", status=400, json=body)
    with pytest.raises(ApiError) as raised:
        client().search(datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 3, 1, tzinfo=timezone.utc))
    message = str(raised.value)
    assert "INVALID_REQUEST" in message and "start_date: Date range is greater than 31 days" in message
    assert "debug_id b5a8bc5e94c4c" in message and raised.value.status == 400
    responses.get(f"{API}/v2/payments/captures/2GG279541U471931P", status=404,
                  json={"name": "RESOURCE_NOT_FOUND", "message": "The specified resource does not exist."})  # fmt: skip
    with pytest.raises(NotFoundError, match="RESOURCE_NOT_FOUND"):
        client().get_object("v2/payments/captures/2GG279541U471931P")
    refused = {"name": "NOT_AUTHORIZED", "message": "Authorization failed due to insufficient permissions."}
    responses.get(f"{API}/v1/reporting/balances", status=403, json=refused)
    with pytest.raises(AuthenticationError, match="NOT_AUTHORIZED.*Transaction search"):
        client().get_object("v1/reporting/balances")


@responses.activate
def test_rate_limits_and_server_errors_are_retried_with_backoff():
    token()
    url = f"{API}/v1/reporting/balances"
    responses.get(url, status=429, json={"name": "RATE_LIMIT_REACHED", "message": "Too many requests."})
    responses.get(url, status=503, json={"name": "SERVICE_UNAVAILABLE", "message": "Service Unavailable."})
    responses.get(url, json={"balances": []})
    paypal = client()
    assert paypal.get_object("v1/reporting/balances") == {"balances": []}
    assert paypal.retries == 2 and len(paypal.sleep.waits) == 2 and paypal.calls == 4
    responses.reset()
    token()
    responses.get(url, status=500, json={"name": "INTERNAL_SERVER_ERROR", "message": "An internal server error."})
    with pytest.raises(TransientError):
        client(max_retries=2).get_object("v1/reporting/balances")


def test_ids_are_checked_before_they_reach_a_url():
    assert valid_id("5TY05013RG002845M") == "5TY05013RG002845M"
    for bad in ("../v1/oauth2/token", "5TY05013RG002845M?x=1", "", "A" * 25, "5TY0 5013"):
        with pytest.raises(NotFoundError):
            valid_id(bad)
    connector = PayPalConnector({"client_id": CLIENT_ID, "client_secret": SECRET})
    with pytest.raises(NotFoundError):
        connector.fetch_record("payouts", "../../v1/identity")


def test_event_codes_are_classified_and_unknown_ones_kept_as_other():
    cases = {
        ("T0006", 10): "charge",
        ("T0006", -10): "other",
        ("T0106", -20): "fee",
        ("T0200", -5): "conversion",
        ("T0400", -100): "payout",
        ("T1101", 100): "payout_reversal",
        ("T1105", 75): "release",
        ("T1107", -10): "refund",
        ("T1110", -10): "hold",
        ("T1201", -10): "dispute",
        ("T1202", 10): "dispute_reversal",
        ("T1503", -75): "hold",
        ("T1503", 75): "release",
        ("T2103", -5): "hold",
        ("T2104", 5): "release",
        ("T9900", -1): "other",
        ("T8801", 3): "other",
        ("X1234", 3): "other",
    }
    for (code, gross), expected in cases.items():
        assert category(code, Decimal(gross)) == expected, code
    unknown = {"transaction_info": {"transaction_id": "7XJ3321234567890A", "transaction_event_code": "T8801",
               "transaction_initiation_date": "2026-01-02T03:04:05+0000", "transaction_status": "S",
               "transaction_amount": {"currency_code": "USD", "value": "3.00"}}}  # fmt: skip
    [movement] = parse_ledger(unknown, {})
    assert movement.category == "other" and movement.platform_category == "T8801" and movement.net == Decimal("3.00")


def test_denied_transactions_move_no_money_and_refunds_give_fees_back():
    refund = {"transaction_info": {"transaction_id": "5MY68312XY824091W", "paypal_reference_id": "0XN16320MU043023Y",
              "paypal_reference_id_type": "TXN", "transaction_event_code": "T1107",
              "transaction_initiation_date": "2026-09-04T19:36:57+0000", "transaction_status": "S",
              "transaction_amount": {"currency_code": "EUR", "value": "-45.00"},
              "fee_amount": {"currency_code": "EUR", "value": "1.12"},
              "ending_balance": {"currency_code": "EUR", "value": "100.00"}}}  # fmt: skip
    [movement] = parse_ledger(refund, {})
    assert (movement.amount, movement.fee, movement.net) == (Decimal("-45.00"), Decimal("-1.12"), Decimal("-43.88"))
    assert movement.balance_after == Decimal("100.00") and movement.order_external_id == "0XN16320MU043023Y"
    denied = json.loads(json.dumps(refund))
    denied["transaction_info"].update(transaction_status="D", transaction_event_code="T0006",
                                      transaction_amount={"currency_code": "EUR", "value": "45.00"})  # fmt: skip
    [movement] = parse_ledger(denied, {})
    assert movement.status == "denied" and movement.amount == movement.fee == movement.net == 0


def test_windows_are_31_days_at_most_and_cover_the_span():
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    spans = windows(start, start + timedelta(days=100))
    assert [end - begin for begin, end in spans] == [timedelta(days=31)] * 3 + [timedelta(days=7)]
    assert spans[0][0] == start and spans[-1][1] == start + timedelta(days=100)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    cursor = SearchCursor.parse("t=2026-01-05T00:00:00Z;p=2026-01-01T10:00:00Z")
    assert str(cursor) == "t=2026-01-05T00:00:00Z;p=2026-01-01T10:00:00Z"
    assert SearchCursor.parse("2026-01-05").since == datetime(2026, 1, 5, tzinfo=timezone.utc)
    assert SearchCursor.parse("garbage").since is None


class Recorder:
    """A client whose searches are recorded and answer nothing."""

    def __init__(self, refreshed=None):
        self.spans, self.refreshed = [], refreshed

    def search(self, start, end, page=1, page_size=500, **filters):
        self.spans.append((start, end))
        return {"transaction_details": [], "total_pages": 1, "last_refreshed_datetime": self.refreshed}


def test_the_cursor_stays_behind_now_and_paypals_refresh_time():
    now = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
    recorder = Recorder()
    pages = list(walk(recorder, "t=2026-04-01T00:00:00Z", now=now))
    assert len(recorder.spans) == 2 and all(end - start <= timedelta(days=31) for start, end in recorder.spans)
    assert pages[-1][1] == f"t={(now - LATE_MARGIN):%Y-%m-%dT%H:%M:%SZ}" and pages[-1][2] is False
    assert pages[0][1] == "t=2026-05-02T00:00:00Z" and pages[0][2] is True
    late = Recorder(refreshed="2026-06-01T05:00:00+0000")
    pages = list(walk(late, "t=2026-05-25T00:00:00Z", now=now))
    assert pages[-1][1] == "t=2026-06-01T05:00:00Z"
    # a pending transaction older than the cursor is read again
    again = Recorder()
    list(walk(again, "t=2026-05-30T00:00:00Z;p=2026-05-20T08:00:00Z", now=now))
    assert again.spans[0][0] == datetime(2026, 5, 20, 8, tzinfo=timezone.utc)
