"""Sandbox fidelity: Stripe's own Python library reads the sandbox as it reads Stripe.

Every object the connector reads is listed, paginated (``auto_paging_iter``,
both ways) and retrieved with ``stripe.StripeClient`` pointed at the
sandbox; its errors are Stripe's error classes; its webhooks pass
``stripe.Webhook.construct_event``.
"""

import json
import time

import pytest
import stripe

from odoo.addons.ecommerce_sync_stripe.sandbox import API_VERSION, StripeSandbox, WebhookSender

SECRETS = ["whsec_old_endpoint_secret", "whsec_new_endpoint_secret"]


@pytest.fixture(scope="module")
def sandbox():
    with StripeSandbox(
        seed=6, days=21, restricted_keys={"rk_test_51ChargesOnly000000000000": {"charge_read"}}
    ) as server:
        yield server


@pytest.fixture(scope="module")
def client(sandbox):
    return stripe.StripeClient(sandbox.secret_key, base_addresses={"api": sandbox.url}, max_network_retries=0)


LISTS = [
    ("balance_transactions", "balance_transactions", {"expand": ["data.source"]}),
    ("charges", "charges", {"expand": ["data.balance_transaction"]}),
    ("refunds", "refunds", {"expand": ["data.charge"]}),
    ("disputes", "disputes", {}),
    ("payouts", "payouts", {}),
    ("payment_intents", "payment_intents", {}),
    ("events", "events", {}),
]


@pytest.mark.parametrize(("service", "resource", "params"), LISTS)
def test_every_list_pages_to_the_end_and_every_object_is_retrieved(sandbox, client, service, resource, params):
    api = getattr(client.v1, service)
    first = api.list(params={"limit": 7, **params})
    seen = [obj.id for obj in first.auto_paging_iter()]
    expected = sandbox.account.lists[resource]
    assert len(seen) == len(set(seen)) == len(expected) and set(seen) == set(expected)
    assert len(first.data) == min(7, len(expected)) and first.has_more is (len(expected) > 7)
    # newest first, as Stripe lists
    created = [sandbox.account.objects[object_id]["created"] for object_id in seen]
    assert created == sorted(created, reverse=True)
    # walked the other way from the oldest, with ending_before
    newer = api.list(params={"limit": 5, "ending_before": seen[-1]})
    assert [obj.id for obj in newer.auto_paging_iter()] == list(reversed(seen[:-1]))
    for object_id in (seen[0], seen[-1]):
        obj = api.retrieve(object_id)
        assert obj.id == object_id and obj.object == sandbox.account.objects[object_id]["object"]


def test_checkout_sessions_and_their_line_items(sandbox, client):
    sessions = list(client.v1.checkout.sessions.list(params={"limit": 10}).auto_paging_iter())
    assert {session.id for session in sessions} == set(sandbox.account.lists["checkout_sessions"])
    session = client.v1.checkout.sessions.retrieve(sessions[0].id)
    by_intent = client.v1.checkout.sessions.list(params={"payment_intent": session.payment_intent})
    assert [item.id for item in by_intent.data] == [session.id]
    items = client.v1.checkout.sessions.line_items.list(
        session.id, params={"expand": ["data.taxes", "data.discounts", "data.price.product"]}
    )
    total = sum(item.amount_total for item in items.data) + session.shipping_cost.amount_total
    assert total == session.amount_total
    assert all(item.price.product.metadata["sku"] for item in items.data)
    assert sum(tax.amount for item in items.data for tax in item.taxes) + session.shipping_cost.amount_tax == (
        session.total_details.amount_tax
    )
    # taxes are only included when asked for, as on Stripe
    plain = client.v1.checkout.sessions.line_items.list(session.id)
    assert "taxes" not in plain.data[0]


def test_expansion_and_balance(sandbox, client):
    txn = client.v1.balance_transactions.list(params={"limit": 1, "expand": ["data.source"], "type": "charge"}).data[0]
    assert txn.source.object == "charge" and txn.source.balance_transaction == txn.id
    charge = client.v1.charges.retrieve(txn.source.id, params={"expand": ["balance_transaction", "payment_intent"]})
    assert charge.balance_transaction.net == txn.net and charge.payment_intent.latest_charge == charge.id
    payout_id = sandbox.account.lists["payouts"][0]
    lines = client.v1.balance_transactions.list(params={"payout": payout_id, "limit": 100})
    assert {line.id for line in lines.data} == set(sandbox.account.payout_lines[payout_id])
    balance = client.v1.balance.retrieve()
    assert balance.object == "balance" and balance.available[0].currency == "usd"
    account = client.v1.accounts.retrieve_current()
    assert account.id == sandbox.account.account_id and account.default_currency == "usd"
    with pytest.raises(stripe.InvalidRequestError, match="cannot be expanded"):
        client.v1.charges.list(params={"expand": ["data.nothing"]})


def test_errors_are_stripes(sandbox, client):
    with pytest.raises(stripe.AuthenticationError) as refused:
        stripe.StripeClient("sk_test_51NotTheKey0000000000", base_addresses={"api": sandbox.url}).v1.charges.list()
    assert refused.value.http_status == 401
    restricted = stripe.StripeClient("rk_test_51ChargesOnly000000000000", base_addresses={"api": sandbox.url})
    assert restricted.v1.charges.list(params={"limit": 1}).data
    with pytest.raises(stripe.PermissionError, match="rak_payout_read"):
        restricted.v1.payouts.list()
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.charges.retrieve("ch_1Missing000000000000")
    assert missing.value.code == "resource_missing" and missing.value.http_status == 404
    sandbox.faults.rate_limit_next = 1
    with pytest.raises(stripe.RateLimitError):
        client.v1.charges.list()
    assert sandbox.requests[-1]["status"] == 429


def test_the_client_retries_what_the_sandbox_says_to_retry(sandbox):
    retrying = stripe.StripeClient(sandbox.secret_key, base_addresses={"api": sandbox.url}, max_network_retries=2)
    sandbox.faults.fail_next = [(500, "true")]
    assert retrying.v1.balance.retrieve().object == "balance"
    assert [entry["status"] for entry in sandbox.requests[-2:]] == [500, 200]
    sandbox.faults.fail_next = [(500, "false")]
    with pytest.raises(stripe.APIError):
        retrying.v1.balance.retrieve()
    assert sandbox.requests[-1]["status"] == 500 and sandbox.faults.fail_next == []


def test_the_version_asked_for_is_echoed(sandbox, client):
    client.v1.balance.retrieve()
    assert sandbox.requests[-1]["version"] == stripe.api_version == API_VERSION


def test_webhooks_pass_stripes_own_verification(sandbox):
    sender = WebhookSender("http://127.0.0.1:9/unused", SECRETS, enabled=False)
    event = sandbox.account.objects[sandbox.account.lists["events"][-1]]
    delivery = sender.build(event)
    header = delivery.headers["Stripe-Signature"]
    assert header.count("v1=") == 2  # one per secret while the secret is rolled
    for secret in SECRETS:
        verified = stripe.Webhook.construct_event(delivery.body, header, secret)
        assert verified.id == event["id"] and verified.type == event["type"]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivery.body, header, "whsec_someone_else")
    stale = sender.build(event, stamp=int(time.time()) - 400)
    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe.Webhook.construct_event(stale.body, stale.headers["Stripe-Signature"], SECRETS[0])
    assert json.loads(delivery.body)["data"]["object"]["id"] == event["data"]["object"]["id"]
