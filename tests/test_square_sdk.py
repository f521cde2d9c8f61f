"""The sandbox speaks Square: Square's official Python SDK lists and pages every object the connector reads.

The SDK (``squareup``) is pointed at the sandbox through its ``base_url``
option; its pydantic models parse every answer, and its pagers follow the
sandbox's cursors to the end.
"""

import pytest
from square import Square
from square.core.api_error import ApiError
from square.utils.webhooks_helper import verify_signature
from square_support import DEFAULT_TOKEN, NOTIFICATION_URL, SIGNATURE_KEY, start_sandbox


@pytest.fixture(scope="module")
def server():
    server = start_sandbox(seed=21, orders=45, page_size=6)
    yield server
    server.stop()


@pytest.fixture
def sdk(server):
    return Square(base_url=server.url, token=DEFAULT_TOKEN)


def location_ids(server):
    return [loc["id"] for loc in server.seller.locations()]


def test_merchant_and_locations(sdk, server):
    merchant = sdk.merchants.get(merchant_id="me").merchant
    assert merchant.business_name == "Harbor Coffee Roasters"
    assert merchant.currency == "USD"
    locations = sdk.locations.list().locations
    assert len(locations) == 3
    assert {loc.id for loc in locations} == set(location_ids(server))
    assert server.requests[-1]["version"] == "2026-09-16"


def test_orders_search_pages_to_the_end_with_exact_amounts(sdk, server):
    query = {
        "filter": {"date_time_filter": {"updated_at": {"start_at": "2020-01-01T00:00:00Z"}}},
        "sort": {"sort_field": "UPDATED_AT", "sort_order": "ASC"},
    }
    seen, cursor, pages = [], None, 0
    while True:
        answer = sdk.orders.search(location_ids=location_ids(server), query=query, limit=500, cursor=cursor)
        pages += 1
        seen.extend(answer.orders or [])
        cursor = answer.cursor
        if not cursor:
            break
    stored = server.seller.data["orders"]
    assert pages == -(-len(stored) // 6)
    assert [order.id for order in seen] == sorted(stored, key=lambda key: (stored[key]["updated_at"], key))
    stamps = [order.updated_at for order in seen]
    assert stamps == sorted(stamps)
    for order in seen:
        assert order.total_money.amount == stored[order.id]["total_money"]["amount"]
        for line in order.line_items or []:
            applied = sum(tax.applied_money.amount for tax in line.applied_taxes or [])
            assert line.total_tax_money.amount == applied
    assert any(order.returns for order in seen)
    assert any(order.total_tip_money and order.total_tip_money.amount for order in seen)


def test_payments_and_refunds_page_per_location(sdk, server):
    total = 0
    for location_id in location_ids(server):
        payments = list(sdk.payments.list(location_id=location_id, sort_order="ASC"))
        assert {payment.location_id for payment in payments} <= {location_id}
        total += len(payments)
        for payment in payments:
            if payment.source_type == "CARD":
                assert payment.processing_fee[0].type == "INITIAL"
                assert payment.processing_fee[0].amount_money.amount > 0
    assert total == len(server.seller.data["payments"])
    refunds = list(sdk.refunds.list())
    assert len(refunds) == len(server.seller.data["refunds"]) > 0
    assert all(refund.processing_fee[0].amount_money.amount < 0 for refund in refunds)


def test_payouts_and_entries_add_up(sdk, server):
    payouts = [payout for loc in location_ids(server) for payout in sdk.payouts.list(location_id=loc)]
    assert len(payouts) == len(server.seller.data["payouts"])
    assert {payout.status for payout in payouts} == {"PAID", "SENT"}
    for payout in payouts:
        entries = list(sdk.payouts.list_entries(payout_id=payout.id))
        assert entries
        assert sum(entry.net_amount_money.amount for entry in entries) == payout.amount_money.amount
        for entry in entries:
            assert entry.gross_amount_money.amount - entry.fee_amount_money.amount == entry.net_amount_money.amount


def test_inventory_counts_and_changes(sdk, server):
    first = location_ids(server)[0]
    counts = list(sdk.inventory.batch_get_counts(location_ids=[first]))
    assert counts and {count.location_id for count in counts} == {first}
    target = counts[0]
    answer = sdk.inventory.batch_create_changes(
        idempotency_key="sdk-change-0001",
        changes=[
            {
                "type": "PHYSICAL_COUNT",
                "physical_count": {
                    "catalog_object_id": target.catalog_object_id,
                    "location_id": first,
                    "state": "IN_STOCK",
                    "quantity": "3",
                    "occurred_at": "2026-03-12T10:00:00Z",
                },
            }
        ],
    )
    assert answer.counts[0].quantity == "3"
    again = list(sdk.inventory.batch_get_counts(location_ids=[first], catalog_object_ids=[target.catalog_object_id]))
    assert [count.quantity for count in again] == ["3"]


def test_catalog_list_and_batch_retrieve(sdk, server):
    items = list(sdk.catalog.list(types="ITEM"))
    assert len(items) == len(server.seller.data["items"])
    variation_ids = [variation.id for item in items for variation in item.item_data.variations]
    objects = sdk.catalog.batch_get(object_ids=variation_ids[:5]).objects
    assert [obj.id for obj in objects] == variation_ids[:5]
    assert all(obj.type == "ITEM_VARIATION" and obj.item_variation_data.sku is not None for obj in objects)


def test_the_sdk_reads_the_error_envelope(server):
    stranger = Square(base_url=server.url, token="EAAA-not-a-token")
    with pytest.raises(ApiError) as caught:
        stranger.merchants.get(merchant_id="me")
    assert caught.value.status_code == 401
    assert caught.value.body["errors"][0]["code"] == "UNAUTHORIZED"


def test_the_sdk_accepts_the_sandbox_webhook_signatures(server):
    order_id = next(iter(server.seller.data["orders"]))
    server.seller.touch_order(order_id)
    headers, body = server.seller.webhooks.sent[-1]
    assert verify_signature(
        request_body=body.decode(),
        signature_header=headers["x-square-hmacsha256-signature"],
        signature_key=SIGNATURE_KEY,
        notification_url=NOTIFICATION_URL,
    )
    assert not verify_signature(
        request_body=body.decode(),
        signature_header=headers["x-square-hmacsha256-signature"],
        signature_key=SIGNATURE_KEY,
        notification_url=NOTIFICATION_URL + "/",
    )
