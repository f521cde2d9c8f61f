"""Sandbox fidelity: PayPal's own Python server SDK (``paypal-server-sdk``) reads the sandbox as it reads PayPal.

The SDK covers every endpoint the connector calls: OAuth client credentials,
Transaction Search and balances, Orders v2, captures and refunds. It is
pointed at the sandbox by its environment's base address; its models and its
error classes are PayPal's, not ours.
"""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from apimatic_core.exceptions.auth_validation_exception import AuthValidationException
from paypalserversdk.configuration import Environment, Server
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.exceptions.search_error_exception import SearchErrorException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from odoo.addons.ecommerce_sync_paypal.sandbox import PayPalSandbox


@pytest.fixture(scope="module")
def sandbox():
    with PayPalSandbox(seed=2, days=21) as server:
        yield server


def sdk(sandbox, secret=None):
    credentials = ClientCredentialsAuthCredentials(
        o_auth_client_id=sandbox.client_id, o_auth_client_secret=secret or sandbox.client_secret
    )
    client = PaypalServersdkClient(client_credentials_auth_credentials=credentials, environment=Environment.SANDBOX)
    client.config.environments = {Environment.SANDBOX: {Server.DEFAULT: sandbox.url}}
    return client


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_transaction_search_pages_to_the_end_within_31_days(sandbox):
    client = sdk(sandbox)
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=23)
    seen, page, pages = [], 1, 1
    while page <= pages:
        body = client.transaction_search.search_transactions(
            {"start_date": stamp(start), "end_date": stamp(now), "fields": "all", "page_size": 9, "page": page}
        ).body
        pages = body.total_pages
        assert len(body.transaction_details) <= 9 and body.page == page
        seen += [detail.transaction_info.transaction_id for detail in body.transaction_details]
        page += 1
    assert len(seen) == len(set(seen)) == len(sandbox.account.rows) == body.total_items
    first = sandbox.account.rows[0]["transaction_info"]
    assert seen[0] == first["transaction_id"]
    with pytest.raises(SearchErrorException) as refused:
        client.transaction_search.search_transactions({"start_date": stamp(now - timedelta(days=40)),
                                                       "end_date": stamp(now)})  # fmt: skip
    assert refused.value.response_code == 400 and refused.value.name == "INVALID_REQUEST"
    assert refused.value.details[0].issue == "Date range is greater than 31 days"


def test_the_sdks_models_read_paypals_amounts(sandbox):
    client = sdk(sandbox)
    account = sandbox.account
    balances = client.transaction_search.search_balances({}).body
    usd = next(entry for entry in balances.balances if entry.currency == "USD")
    assert usd.primary and Decimal(usd.available_balance.value) == account.balances()[0][3]
    capture_id, capture = next(iter(account.captures.items()))
    found = client.payments.get_captured_payment({"capture_id": capture_id}).body
    breakdown = found.seller_receivable_breakdown
    assert Decimal(breakdown.gross_amount.value) - Decimal(breakdown.paypal_fee.value) == Decimal(
        breakdown.net_amount.value
    )
    assert found.supplementary_data.related_ids.order_id == capture["supplementary_data"]["related_ids"]["order_id"]
    order = client.orders.get_order({"id": found.supplementary_data.related_ids.order_id}).body
    assert order.purchase_units[0].payments.captures[0].id == capture_id
    unit = order.purchase_units[0]
    items = sum(Decimal(item.unit_amount.value) * int(item.quantity) for item in unit.items)
    assert items == Decimal(unit.amount.breakdown.item_total.value)
    refund_id = next(iter(account.refunds))
    refund = client.payments.get_refund({"refund_id": refund_id}).body
    assert refund.id == refund_id and Decimal(refund.seller_payable_breakdown.paypal_fee.value) > 0


def test_the_sdks_errors_are_paypals(sandbox):
    # refused credentials: the SDK gets no token (the sandbox answered OAuth's 401) and says so
    with pytest.raises(AuthValidationException, match="OAuthToken is undefined"):
        sdk(sandbox, secret="EPnot-the-secret-00000").transaction_search.search_balances({})
    assert sandbox.requests[-1][1:4:2] == ("/v1/oauth2/token", 401)
    with pytest.raises(ApiException) as missing:
        sdk(sandbox).payments.get_captured_payment({"capture_id": "0000000000000000X"})
    assert missing.value.response_code == 404
