"""The Stripe client against ``responses``: settings, parameters, errors, retries, ids."""

import pytest
import responses
from responses import matchers
from stripe_support import SleepRecorder, connector_for

from odoo.addons.ecommerce_sync.connector import ApiError, AuthenticationError, NotFoundError, TransientError
from odoo.addons.ecommerce_sync_stripe.connector import (
    DEFAULT_API_VERSION,
    PermissionRefused,
    StripeClient,
    StripeConnector,
    StripeSettingsError,
    check_api_base,
    encode_params,
    key_mode,
    valid_id,
)

API = "https://api.stripe.com/v1"
KEY = "sk_live_51LiveKeyForTests0000000000000000000000"


def error(kind, message, code=None):
    body = {"type": kind, "message": message}
    if code:
        body["code"] = code
    return {"error": body}


def client(**options):
    return StripeClient(KEY, sleep=SleepRecorder(), backoff=0.01, **options)


def test_key_mode_comes_from_the_prefix():
    assert key_mode("sk_test_51abcdefghij") == "test"
    assert key_mode("rk_live_51abcdefghij") == "live"
    with pytest.raises(StripeSettingsError, match="publishable key"):
        key_mode("pk_test_51abcdefghij")
    with pytest.raises(StripeSettingsError, match="missing"):
        key_mode("")
    with pytest.raises(StripeSettingsError, match="secret key"):
        key_mode("whsec_51abcdefghij")


def test_only_stripe_or_a_local_test_account_is_called():
    assert check_api_base("") == check_api_base("https://api.stripe.com/") == "https://api.stripe.com"
    assert check_api_base("http://127.0.0.1:8795", local_test_account=True) == "http://127.0.0.1:8795"
    with pytest.raises(StripeSettingsError, match="only accepted for a store marked as a local test account"):
        check_api_base("http://127.0.0.1:8795")
    for url in ("https://evil.example.com", "http://10.0.0.5:8795", "https://127.0.0.1:8795/v2"):
        with pytest.raises(StripeSettingsError):
            check_api_base(url, local_test_account=True)


@responses.activate
def test_unusable_settings_fail_every_call_without_sending_the_key():
    bad = StripeClient("pk_test_51abcdefghij")
    with pytest.raises(StripeSettingsError, match="publishable key"):
        bad.get_object("balance")
    elsewhere = StripeClient(KEY, api_base="https://stripe.example.com")
    with pytest.raises(StripeSettingsError, match="local test account"):
        elsewhere.get_object("balance")
    assert len(responses.calls) == 0


def test_parameters_follow_stripes_conventions():
    assert encode_params(
        {"expand": ["data.source", "data.charge"], "created": {"gte": 1700000000}, "metadata": {"order_id": 7}}
    ) == [
        ("expand[]", "data.source"),
        ("expand[]", "data.charge"),
        ("created[gte]", "1700000000"),
        ("metadata[order_id]", "7"),
    ]
    assert encode_params({"automatic": True, "skip": None}) == [("automatic", "true")]


@responses.activate
def test_calls_carry_the_key_the_version_and_the_list_parameters():
    responses.get(
        f"{API}/balance_transactions",
        json={"object": "list", "data": [], "has_more": False, "url": "/v1/balance_transactions"},
        match=[
            matchers.header_matcher({"Authorization": f"Bearer {KEY}", "Stripe-Version": DEFAULT_API_VERSION}),
            matchers.query_param_matcher(
                {"limit": "100", "expand[]": "data.source", "ending_before": "txn_1"}, strict_match=True
            ),
        ],
    )
    page = client().list_page("balance_transactions", {"expand": ["data.source"]}, ending_before="txn_1")
    assert page.data == [] and page.has_more is False


@responses.activate
def test_a_refused_key_is_an_authentication_error_that_never_shows_the_key():
    responses.get(
        f"{API}/balance",
        status=401,
        json=error("invalid_request_error", f"Invalid API Key provided: {KEY}"),
    )
    with pytest.raises(AuthenticationError) as raised:
        client().get_object("balance")
    message = str(raised.value)
    assert "HTTP 401" in message and "secret key" in message
    assert KEY not in message and "sk_live_***" in message


@responses.activate
def test_a_missing_permission_is_named():
    message = (
        "The provided key 'rk_live_*********abc' does not have the required permissions for this endpoint on "
        "account 'acct_1'. Having the 'rak_payout_read' permission would allow this request to continue."
    )
    responses.get(f"{API}/payouts", status=403, json=error("invalid_request_error", message))
    with pytest.raises(PermissionRefused) as raised:
        client().list_page("payouts")
    assert raised.value.permission == "payout_read" and raised.value.status == 403


@responses.activate
def test_stripes_error_envelope_becomes_a_clear_message():
    responses.get(
        f"{API}/charges/ch_missing",
        status=404,
        json=error("invalid_request_error", "No such charge: 'ch_missing'", "resource_missing"),
    )
    responses.get(
        f"{API}/charges",
        status=400,
        json=error("invalid_request_error", "This property cannot be expanded (data.nope).", "parameter_invalid"),
    )
    with pytest.raises(NotFoundError, match=r"No such charge: 'ch_missing' \(invalid_request_error/resource_missing\)"):
        client().get_object("charges/ch_missing")
    with pytest.raises(ApiError, match=r"HTTP 400: This property cannot be expanded") as raised:
        client().list_page("charges", {"expand": ["data.nope"]})
    assert raised.value.status == 400


@responses.activate
def test_429_and_5xx_are_retried_when_stripe_says_so():
    rate_limited = error("invalid_request_error", "Request rate limit exceeded.", "rate_limit")
    responses.get(f"{API}/balance", status=429, json=rate_limited, headers={"Stripe-Should-Retry": "true"})
    responses.get(f"{API}/balance", status=429, json=rate_limited, headers={"Retry-After": "2"})
    responses.get(
        f"{API}/balance", status=500, json=error("api_error", "oops"), headers={"Stripe-Should-Retry": "true"}
    )
    responses.get(f"{API}/balance", json={"object": "balance", "available": [], "pending": []})
    stripe = client()
    assert stripe.get_object("balance")["object"] == "balance"
    assert stripe.calls == 4 and stripe.retries == 3
    assert 2.0 in stripe.sleep.waits  # Retry-After honoured


@responses.activate
def test_429_and_5xx_are_not_retried_when_stripe_says_not_to():
    responses.get(
        f"{API}/balance",
        status=429,
        json=error("invalid_request_error", "Too many requests on this object", "lock_timeout"),
        headers={"Stripe-Should-Retry": "false"},
    )
    stripe = client()
    with pytest.raises(TransientError, match="not to be retried now: Too many requests on this object"):
        stripe.get_object("balance")
    assert stripe.calls == 1 and stripe.retries == 0
    responses.replace(
        responses.GET,
        f"{API}/balance",
        status=503,
        json=error("api_error", "busy"),
        headers={"Stripe-Should-Retry": "false"},
    )
    with pytest.raises(TransientError):
        stripe.get_object("balance")
    assert stripe.calls == 2


@responses.activate
def test_5xx_retries_end_in_a_transient_error():
    responses.get(f"{API}/balance", status=502, body="Bad gateway")
    stripe = client(max_retries=2)
    with pytest.raises(TransientError, match="HTTP 502 after 3 attempts"):
        stripe.get_object("balance")
    assert stripe.calls == 3


@responses.activate
def test_an_answer_that_is_no_list_is_an_api_error():
    responses.get(f"{API}/charges", json={"object": "charge", "id": "ch_1"})
    with pytest.raises(ApiError, match="not a list"):
        client().list_page("charges")


@responses.activate
@pytest.mark.parametrize(
    ("flow", "external_id"),
    [
        ("orders", "../account"),
        ("orders", "ch_1?expand[]=customer"),
        ("payouts", "po_" + "a" * 300),
        ("refunds", "ch 1"),
        ("payouts", "ch_123"),  # a charge is not a record of the payouts flow
    ],
)
def test_ids_are_validated_before_they_reach_a_url(flow, external_id):
    connector = connector_for("https://api.stripe.com", local_test_account=False)
    with pytest.raises(NotFoundError):
        connector.fetch_record(flow, external_id)
    assert len(responses.calls) == 0


def test_valid_ids():
    for value in ("ch_3N9dcC2eZvKYlo2C1sm5z1ke", "cs_test_a1YS1URlnyQ", "txn_100", "pyr_1", "evt_1Pgc76B7WZ01zgkW"):
        assert valid_id(value) == value


def test_stripe_keeps_no_stock():
    connector = StripeConnector({"secret_key": KEY})
    assert connector.push_stock([]).accepted == [] and connector.push_stock([]).failed == []
    assert list(connector.fetch_stock_levels()) == []
    assert "stock" not in connector.flows
