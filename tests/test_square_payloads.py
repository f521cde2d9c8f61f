"""Square's published payloads (tests/fixtures/real/square/) read by the connector, to the cent."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
import responses
from square_support import REAL, Sleeps, real

from odoo.addons.ecommerce_sync.connector import RecordError
from odoo.addons.ecommerce_sync_square.connector import (
    SquareConnector,
    build_client,
    parse_counts,
    parse_fees,
    parse_item,
    parse_order,
    parse_payment_transaction,
    parse_payout,
)

D = Decimal
BASE = "https://connect.squareup.com"


def load(name):
    return real(name)


def connector(**config):
    settings = {"access_token": "EAAA-real-payloads", **config}
    return SquareConnector(settings, client=build_client(settings, sleep=Sleeps()))


def test_created_order_lines_discounts_and_taxes_to_the_cent():
    (order,) = parse_order(load("order_create.json"))
    assert order.total == D("61.76") and order.total_tax == D("5.10")
    assert not order.taxes_included
    assert order.location_external_id == "057P5VYJ4A5X1"
    steak, larger = order.lines
    assert (steak.quantity, steak.unit_price, steak.discount, steak.tax_amount) == (
        D(1),
        D("15.99"),
        D("0.87"),
        D("1.36"),
    )
    assert larger.name == "New York Steak (Larger)"
    # the modifier is in the gross sales: 2 x (22.00 + 0.50)
    assert (larger.quantity, larger.unit_price, larger.discount, larger.tax_amount) == (
        D(2),
        D("22.50"),
        D("3.46"),
        D("3.74"),
    )
    assert sum(line.subtotal for line in order.lines) + order.total_tax == order.total
    assert [(d.code, d.amount) for d in order.discounts] == [
        ("Membership Discount", D("0.30")),
        ("Labor Day Sale", D("3.03")),
        ("Sale - $1.00 off", D("1.00")),
    ]
    (tax,) = order.tax_lines
    assert (tax.title, tax.rate, tax.amount) == ("State Sales Tax", D("0.09"), D("5.10"))
    assert order.name == "my-order-001" and order.source_name == "My App"
    assert order.financial_status == "pending" and not order.fulfillments


def test_retrieved_and_updated_orders():
    (order,) = parse_order(load("order_retrieve.json"))
    assert order.total == D("5.50")
    assert [(line.gross, line.discount) for line in order.lines] == [(D("5.00"), D("2.50")), (D("6.00"), D("3.00"))]
    (updated,) = parse_order(load("order_update.json"))
    assert updated.total == D("9.00") and sum(line.subtotal for line in updated.lines) == D("9.00")
    assert updated.lines[1].quantity == 2 and updated.lines[1].unit_price == D("2.00")


def test_payloads_without_identity_are_record_errors():
    with pytest.raises(RecordError, match="order without id"):
        parse_order(load("order_calculate.json"))
    for order in load("orders_batch_retrieve.json")["orders"]:
        with pytest.raises(RecordError, match="created_at"):
            parse_order(order)


def test_payment_fee_and_transaction():
    for payment in (load("payments_list.json")["payments"][0], load("payment_get.json")["payment"]):
        (fee,) = parse_fees(payment)
        assert fee.external_id == "bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY/fee/INITIAL"
        assert (fee.amount, fee.currency, fee.order_external_id) == (D("0.34"), "USD", "d7eKah653Z579f3gVtjlxpSlmUcZY")
        transaction = parse_payment_transaction(payment)
        assert (transaction.amount, transaction.kind, transaction.status) == (D("5.55"), "sale", "success")


def test_refund_gives_part_of_the_fee_back():
    (fee,) = parse_fees(load("refunds_list.json")["refunds"][0], "refund")
    assert fee.amount == D("-0.34")
    assert fee.external_id.startswith("bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY_69MmgHubkLqx9wGhnmenRUHOaKitE6llfZuxcWYjGxd/")


def test_payouts_and_entries_in_currency_code_money():
    first, second = load("payouts_list.json")["payouts"]
    payout = parse_payout({"payout": first, "entries": []})
    assert (payout.amount, payout.currency, payout.status) == (D("62.59"), "USD", "paid")
    assert parse_payout({"payout": second, "entries": []}).amount == D("-1.03")
    entries = load("payout_entries_list.json")["payout_entries"]
    lines = parse_payout(
        {"payout": {**first, "amount_money": {"amount": 33, "currency_code": "USD"}}, "entries": entries}
    ).lines
    refund, charge = lines
    assert (refund.kind, refund.amount, refund.fee, refund.net) == ("refund", D("-0.50"), D("-0.02"), D("-0.48"))
    assert (charge.kind, charge.amount, charge.fee, charge.net) == ("charge", D("1.00"), D("0.19"), D("0.81"))
    assert charge.external_id == "HVdG62H5K3291d0SGJS6IWd4cSi8YY/fee/INITIAL"
    assert sum(line.net for line in lines) == D("0.33")


def test_inventory_counts_and_catalog_items():
    (level,) = parse_counts(load("inventory_counts_batch_retrieve.json")["counts"][0])
    assert (level.variant_external_id, level.location_external_id, level.available) == (
        "W62UWFY35CWMYGVWK6TWJDNI",
        "59TNP9SA8VGDA",
        D(79),
    )
    (changed,) = parse_counts(load("inventory_changes_batch_create.json")["counts"][0])
    assert changed.available == D(53)
    (event_level,) = parse_counts(load("event_inventory_count_updated.json")["data"]["object"])
    assert event_level.available == D(10)
    objects = load("catalog_batch_retrieve.json")["objects"]
    variants = [variant for obj in objects if obj["type"] == "ITEM" for variant in parse_item(obj)]
    assert [(v.name, v.price) for v in variants] == [
        ("Tea (Mug)", D("1.50")),
        ("Coffee", D("2.50")),
        ("Coffee (Large)", D("3.50")),
    ]
    assert {obj["type"] for obj in load("catalog_list.json")["objects"]} == {"CATEGORY", "TAX"}
    with pytest.raises(RecordError):
        parse_item(load("catalog_list.json")["objects"][1])


@responses.activate
def test_connection_reads_the_merchant_and_its_locations():
    responses.get(f"{BASE}/v2/merchants/me", json=load("merchant_me.json"))
    responses.get(f"{BASE}/v2/locations", json=load("locations_list.json"))
    info = connector().test_connection()
    assert (info.name, info.currency, info.details["country"]) == ("Apple A Day", "USD", "US")
    assert [loc["id"] for loc in info.details["locations"]] == [
        loc["id"] for loc in real("locations_list.json")["locations"]
    ]
    assert responses.calls[0].request.headers["Square-Version"] == "2026-09-16"
    assert responses.calls[0].request.headers["Authorization"] == "Bearer EAAA-real-payloads"


@responses.activate
def test_oauth_refresh_with_square_token_answer():
    answer = load("oauth_obtain_token.json")
    responses.get(
        f"{BASE}/v2/merchants/me",
        status=401,
        json={"errors": [{"category": "AUTHENTICATION_ERROR", "code": "ACCESS_TOKEN_EXPIRED", "detail": "expired"}]},
    )
    responses.post(f"{BASE}/oauth2/token", json=answer)
    responses.get(f"{BASE}/v2/merchants/me", json=load("merchant_me.json"))
    responses.get(f"{BASE}/v2/locations", json={"locations": []})
    square = connector(refresh_token="EQAA-old", client_id="sq0idp-app", client_secret="sq0csp-secret")
    assert square.test_connection().name == "Apple A Day"
    assert square.refreshed_credentials == {
        "access_token": answer["access_token"],
        "expires_at": answer["expires_at"],
        "refresh_token": answer["refresh_token"],
    }
    sent = json.loads(responses.calls[1].request.body)
    assert sent == {
        "client_id": "sq0idp-app",
        "client_secret": "sq0csp-secret",
        "grant_type": "refresh_token",
        "refresh_token": "EQAA-old",
    }
    assert responses.calls[2].request.headers["Authorization"] == f"Bearer {answer['access_token']}"


@pytest.mark.parametrize(
    ("name", "flow", "external_id"),
    [
        ("event_order_created.json", "orders", "eA3vssLHKJrv9H0IdJCM3gNqfdcZY"),
        ("event_order_updated.json", "orders", "eA3vssLHKJrv9H0IdJCM3gNqfdcZY"),
        ("event_payment_created.json", "refunds", "payment:KkAkhdMsgzn59SM8A89WgKwekxLZY"),
        ("event_payment_updated.json", "refunds", "payment:hYy9pRFVxpDsO1FB05SunFWUe9JZY"),
        (
            "event_refund_created.json",
            "refunds",
            "refund:KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNBVqHYxt5gAdfcobBe4u1AZsXhoz06KTtuq9Ls24P",
        ),
        (
            "event_refund_updated.json",
            "refunds",
            "refund:KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNBVqHYxt5gAdfcobBe4u1AZsXhoz06KTtuq9Ls24P",
        ),
        ("event_payout_sent.json", "payouts", "po_070431e4-e351-11eb-a8bb-02420a140009"),
        ("event_payout_failed.json", "payouts", "po_070431e4-e351-11eb-a8bb-02420a140009"),
        ("event_inventory_count_updated.json", "stock", "84e4ac73-d605-4dbd-a9e5-ffff794ddb9d"),
    ],
)
def test_published_events(name, flow, external_id):
    body = json.dumps(load(name)).encode()
    event = connector().parse_webhook({}, body)
    assert (event.flow, event.external_id, event.delivery_id) == (flow, external_id, real(name)["event_id"])
    assert event.refetch == (flow != "stock")


def test_the_sdk_signature_vectors_verify():
    vector = load("webhook_signature_example.json")
    square = connector(webhook_signature_key=vector["signature_key"], notification_url=vector["notification_url"])
    headers = {"X-Square-HmacSha256-Signature": vector["signature_header"]}
    assert square.verify_webhook(headers, vector["request_body"].encode())
    assert not square.verify_webhook(headers, vector["request_body"].replace("2022", "2023").encode())
    escaped = connector(
        webhook_signature_key=vector["escaped_signature_key"], notification_url=vector["escaped_notification_url"]
    )
    assert escaped.verify_webhook(
        {"x-square-hmacsha256-signature": vector["escaped_signature_header"]}, vector["escaped_request_body"].encode()
    )
    moved = connector(webhook_signature_key=vector["signature_key"], notification_url=vector["notification_url"] + "/")
    assert not moved.verify_webhook(headers, vector["request_body"].encode())


def test_our_requests_have_the_shape_of_square_examples():
    search = load("orders_search_request.json")
    change = load("inventory_changes_batch_create_request.json")
    with responses.RequestsMock() as mock:
        mock.post(f"{BASE}/v2/orders/search", json=load("orders_search_entries.json"))
        mock.post(f"{BASE}/v2/orders/search", json={"orders": []})
        list(connector(location_ids=["057P5VYJ4A5X1"]).fetch("orders"))
        sent = [json.loads(call.request.body) for call in mock.calls]
    assert set(sent[0]) <= set(search) | {"cursor"}
    assert set(sent[0]["query"]) == set(search["query"])
    assert set(sent[0]["query"]["filter"]) == set(search["query"]["filter"])
    assert sent[1]["cursor"] == "123"
    from odoo.addons.ecommerce_sync.connector import StockUpdate

    with responses.RequestsMock() as mock:
        mock.post(f"{BASE}/v2/inventory/changes/batch-create", json=load("inventory_changes_batch_create.json"))
        update = StockUpdate("W62UWFY35CWMYGVWK6TWJDNI", 53, location_external_id="C6W5YS5QM06F5")
        result = connector().push_stock([update])
        body = json.loads(mock.calls[0].request.body)
    assert result.accepted == [update]
    assert set(body) == set(change)
    ours, theirs = body["changes"][0], change["changes"][0]
    assert ours["type"] == theirs["type"] == "PHYSICAL_COUNT"
    assert set(ours["physical_count"]) == set(theirs["physical_count"]) - {"team_member_id"}


def test_every_real_square_file_is_read():
    named = set(re.findall(r'"([a-z_]+\.json)"', Path(__file__).read_text()))
    assert named == {path.name for path in REAL.glob("*.json")}
