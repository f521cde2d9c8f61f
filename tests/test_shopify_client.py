"""The Shopify client and connector against recorded answers (``responses``): paging, limits, faults, pushes."""

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from shopify_support import Sleeps

from odoo.addons.ecommerce_sync.connector import AuthenticationError, NotFoundError, StockUpdate, TransientError
from odoo.addons.ecommerce_sync_shopify.connector import ShopifyConnector, build_client, parse_call_limit

SHOP = "acme-test.myshopify.com"
API = f"https://{SHOP}/admin/api/2025-01/"


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def connector(sleeps):
    config = {"shop_domain": SHOP, "access_token": "shpat_secret_value", "api_version": "2025-01"}
    return ShopifyConnector(config, client=build_client(config, sleep=sleeps))


def order(number, updated_at):
    return {
        "id": number,
        "name": f"#{number}",
        "currency": "USD",
        "presentment_currency": "USD",
        "created_at": "2025-03-01T10:00:00-05:00",
        "updated_at": updated_at,
        "total_price": "10.00",
        "line_items": [],
        "transactions": [],
    }


def query(call):
    return {key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


@responses.activate
def test_orders_follow_the_link_header_and_send_filters_only_first(connector):
    next_url = f"{API}orders.json?limit=250&page_info=abc123"
    responses.get(
        f"{API}orders.json",
        json={"orders": [order(1, "2025-03-01T10:00:00-05:00"), order(2, "2025-03-01T11:00:00-05:00")]},
        headers={"Link": f'<{next_url}>; rel="next"', "X-Shopify-Shop-Api-Call-Limit": "1/40"},
        match=[
            responses.matchers.query_param_matcher(
                {
                    "status": "any",
                    "limit": "250",
                    "order": "updated_at asc",
                    "updated_at_min": "2025-03-01T00:00:00+00:00",
                }
            )
        ],  # fmt: skip
    )
    responses.get(
        f"{API}orders.json",
        json={"orders": [order(3, "2025-03-02T09:30:00-05:00")]},
        headers={"X-Shopify-Shop-Api-Call-Limit": "2/40"},
        match=[responses.matchers.query_param_matcher({"limit": "250", "page_info": "abc123"})],
    )

    pages = list(connector.fetch("orders", "2025-03-01T00:00:00+00:00"))

    assert [[item.external_id for item in page.items] for page in pages] == [["1", "2"], ["3"]]
    assert [page.cursor for page in pages] == ["2025-03-01T16:00:00+00:00", "2025-03-02T14:30:00+00:00"]
    assert len(responses.calls) == 2 and connector.api_calls == 2
    assert connector.calls_per_order == pytest.approx(2 / 3)


def transaction_node(number, kind="SALE", amount="10.00", parent=None, shop="10.87"):
    return {
        "id": f"gid://shopify/OrderTransaction/{number}",
        "kind": kind,
        "status": "SUCCESS",
        "gateway": "shopify_payments",
        "test": False,
        "createdAt": "2025-03-01T15:00:05Z",
        "processedAt": "2025-03-01T15:00:05Z",
        "authorizationCode": f"ch_{number}",
        "errorCode": None,
        "manualPaymentGateway": False,
        "amountSet": {
            "presentmentMoney": {"amount": amount, "currencyCode": "EUR"},
            "shopMoney": {"amount": shop, "currencyCode": "USD"},
        },
        "parentTransaction": {"id": f"gid://shopify/OrderTransaction/{parent}"} if parent else None,
    }


def bare_order(number):
    data = order(number, "2025-03-01T10:00:00-05:00")
    del data["transactions"]
    return data


@responses.activate
def test_the_transactions_of_a_page_of_orders_are_read_in_one_graphql_query(connector):
    responses.get(f"{API}orders.json", json={"orders": [bare_order(7), bare_order(8)]})
    nodes = [
        {"id": "gid://shopify/Order/7", "transactions": [transaction_node(70, "AUTHORIZATION"),
                                                         transaction_node(71, "CAPTURE", parent=70)]},
        {"id": "gid://shopify/Order/8", "transactions": [transaction_node(80, amount="4.50", shop="4.89")]},
    ]  # fmt: skip
    responses.post(f"{API}graphql.json", json={"data": {"nodes": nodes}})

    [page] = list(connector.fetch("orders", None))
    first, second = (connector.parse("orders", item.payload)[0] for item in page.items)

    sent = json.loads(responses.calls[1].request.body)
    assert sent["variables"] == {"ids": ["gid://shopify/Order/7", "gid://shopify/Order/8"]}
    assert [(tx.external_id, tx.kind, tx.parent_id, tx.amount, tx.currency) for tx in first.transactions] == [
        ("70", "authorization", "", Decimal("10.00"), "EUR"),
        ("71", "capture", "70", Decimal("10.00"), "EUR"),
    ]
    assert first.captured_amount == 10 and second.captured_amount == Decimal("4.50")
    # what Shopify converted each transaction to in the shop's currency (its payouts settle that)
    assert [(tx.shop_amount, tx.shop_currency) for tx in second.transactions] == [(Decimal("4.89"), "USD")]
    assert first.transactions[1].processed_at.isoformat() == "2025-03-01T15:00:05+00:00"
    assert connector.api_calls == 2 and connector.calls_per_order == 1.0


@responses.activate
def test_transactions_are_read_through_rest_when_graphql_cannot(connector):
    responses.get(f"{API}orders.json", json={"orders": [bare_order(7), bare_order(8)]})
    many = [transaction_node(number) for number in range(100, 110)]
    responses.post(
        f"{API}graphql.json", json={"data": {"nodes": [{"id": "gid://shopify/Order/7", "transactions": many}, None]}}
    )
    for number in (7, 8):
        responses.get(
            f"{API}orders/{number}/transactions.json",
            json={"transactions": [{"id": number * 10, "kind": "sale", "status": "success", "amount": "10.00",
                                    "currency": "USD"}]},
        )  # fmt: skip

    [page] = list(connector.fetch("orders", None))

    # too many transactions for one query (some may be cut off), or an order GraphQL does not know: REST
    assert [len(item.payload["transactions"]) for item in page.items] == [1, 1]
    assert connector.api_calls == 4

    # a GraphQL refusal (an API version without the query, a missing scope) falls back to REST for good
    responses.post(
        f"{API}graphql.json", json={"errors": [{"message": "Field 'nodes' doesn't exist on type 'QueryRoot'"}]}
    )
    [page] = list(connector.fetch("orders", None))
    [page] = list(connector.fetch("orders", None))
    assert all(item.payload["transactions"] for item in page.items)
    assert sum("graphql" in call.request.url for call in responses.calls) == 2
    assert connector.api_calls == 4 + (1 + 1 + 2) + (1 + 2)


@responses.activate
def test_the_client_slows_down_before_the_bucket_is_full(connector, sleeps):
    responses.get(f"{API}shop.json", json={"shop": {"name": "A"}}, headers={"X-Shopify-Shop-Api-Call-Limit": "10/40"})
    connector.test_connection()
    assert sleeps == []

    responses.get(f"{API}shop.json", json={"shop": {"name": "A"}}, headers={"X-Shopify-Shop-Api-Call-Limit": "38/40"})
    connector.test_connection()
    # 40 calls leak at 2/s; the client keeps 20 % free: (38 - 32 + 1) / 2 s
    assert sleeps == [3.5]
    assert parse_call_limit("38/40") == (38, 40) and parse_call_limit("garbage") is None


@responses.activate
def test_429_waits_retry_after_then_succeeds(connector, sleeps):
    responses.get(f"{API}shop.json", status=429, headers={"Retry-After": "2.0"}, json={"errors": "Exceeded"})
    responses.get(f"{API}shop.json", json={"shop": {"name": "Acme", "currency": "EUR"}})

    info = connector.test_connection()

    assert (info.name, info.currency) == ("Acme", "EUR")
    assert sleeps == [2.0] and connector.api_calls == 2


@responses.activate
def test_5xx_are_retried_with_backoff_and_then_given_up(connector, sleeps):
    responses.get(f"{API}shop.json", status=503)
    responses.get(f"{API}shop.json", status=502)
    responses.get(f"{API}shop.json", json={"shop": {"name": "Acme"}})
    assert connector.test_connection().name == "Acme"
    assert sleeps == [0.5, 1.0] and connector.api_calls == 3

    responses.replace(responses.GET, f"{API}shop.json", status=500)
    with pytest.raises(TransientError, match="HTTP 500 after 5 attempts"):
        connector.test_connection()


@responses.activate
def test_401_is_an_authentication_error_that_says_what_to_check(connector):
    responses.get(f"{API}shop.json", status=401, json={"errors": "[API] Invalid API key or access token"})
    with pytest.raises(AuthenticationError) as caught:
        connector.test_connection()
    message = str(caught.value)
    assert SHOP in message and "access token" in message and caught.value.status == 401
    assert "shpat_secret_value" not in message

    responses.replace(responses.GET, f"{API}shop.json", status=403, json={"errors": "Forbidden"})
    with pytest.raises(AuthenticationError, match="access scope"):
        connector.test_connection()


def stock(variant, item, quantity, location="655441491"):
    return StockUpdate(
        variant_external_id=variant, inventory_item_id=item, location_external_id=location, quantity=quantity
    )


@responses.activate
def test_push_sends_one_graphql_mutation_per_batch(connector):
    responses.post(
        f"{API}graphql.json",
        json={"data": {"inventorySetQuantities": {"inventoryAdjustmentGroup": {"changes": []}, "userErrors": []}}},
    )
    result = connector.push_stock([stock("v1", "101", 5), stock("v2", "102", 0)])

    assert len(result.accepted) == 2 and not result.failed
    [call] = responses.calls
    body = json.loads(call.request.body)
    assert "inventorySetQuantities" in body["query"]
    assert body["variables"]["input"]["name"] == "available"
    assert body["variables"]["input"]["ignoreCompareQuantity"] is True
    assert body["variables"]["input"]["quantities"] == [
        {"inventoryItemId": "gid://shopify/InventoryItem/101", "locationId": "gid://shopify/Location/655441491",
         "quantity": 5},
        {"inventoryItemId": "gid://shopify/InventoryItem/102", "locationId": "gid://shopify/Location/655441491",
         "quantity": 0},
    ]  # fmt: skip


@responses.activate
def test_push_resends_a_batch_without_the_items_shopify_refused(connector):
    refused = {
        "data": {
            "inventorySetQuantities": {
                "inventoryAdjustmentGroup": None,
                "userErrors": [
                    {"field": ["input", "quantities", "1", "inventoryItemId"], "code": "INVALID_INVENTORY_ITEM",
                     "message": "The specified inventory item could not be found."}
                ],
            }
        }
    }  # fmt: skip
    ok = {"data": {"inventorySetQuantities": {"inventoryAdjustmentGroup": {"changes": []}, "userErrors": []}}}
    responses.post(f"{API}graphql.json", json=refused)
    responses.post(f"{API}graphql.json", json=ok)

    result = connector.push_stock([stock("v1", "101", 5), stock("v2", "999", 3), stock("v3", "103", 1)])

    assert [update.variant_external_id for update in result.accepted] == ["v1", "v3"]
    assert [(update.variant_external_id, "could not be found" in message) for update, message in result.failed] == [
        ("v2", True)
    ]
    second = json.loads(responses.calls[1].request.body)["variables"]["input"]["quantities"]
    assert [entry["inventoryItemId"] for entry in second] == [
        "gid://shopify/InventoryItem/101",
        "gid://shopify/InventoryItem/103",
    ]


@responses.activate
def test_push_falls_back_to_rest_inventory_levels_set(connector):
    responses.post(f"{API}graphql.json", json={"errors": [{"message": "Field 'inventorySetQuantities' doesn't exist"}]})
    responses.post(f"{API}inventory_levels/set.json", json={"inventory_level": {"available": 5}})
    responses.post(f"{API}inventory_levels/set.json", status=422, json={"errors": ["Inventory item is not stocked"]})

    result = connector.push_stock([stock("v1", "101", 5), stock("v2", "102", 2)])

    assert [update.variant_external_id for update in result.accepted] == ["v1"]
    assert "not stocked" in result.failed[0][1]
    rest_bodies = [json.loads(call.request.body) for call in responses.calls if "inventory_levels" in call.request.url]
    assert rest_bodies == [
        {"location_id": 655441491, "inventory_item_id": 101, "available": 5},
        {"location_id": 655441491, "inventory_item_id": 102, "available": 2},
    ]
    # the store's API version lacks the mutation: later pushes go straight to REST
    responses.post(f"{API}inventory_levels/set.json", json={"inventory_level": {"available": 1}})
    connector.push_stock([stock("v3", "103", 1)])
    assert sum("graphql" in call.request.url for call in responses.calls) == 1


@responses.activate
def test_graphql_throttled_answers_are_waited_for(connector, sleeps):
    throttled = {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {"cost": {"requestedQueryCost": 10, "throttleStatus": {
            "maximumAvailable": 2000.0, "currentlyAvailable": 4, "restoreRate": 100.0}}},
    }  # fmt: skip
    ok = {"data": {"inventorySetQuantities": {"inventoryAdjustmentGroup": {"changes": []}, "userErrors": []}}}
    responses.post(f"{API}graphql.json", json=throttled)
    responses.post(f"{API}graphql.json", json=ok)

    result = connector.push_stock([stock("v1", "101", 5)])

    assert len(result.accepted) == 1
    assert sleeps == [pytest.approx(0.06)]


@responses.activate
@pytest.mark.parametrize("flow", ["orders", "products", "payouts"])
def test_a_record_id_that_is_not_a_number_never_reaches_a_url(connector, flow):
    with pytest.raises(NotFoundError, match="is not a Shopify"):
        connector.fetch_record(flow, "1/../../shop")
    assert len(responses.calls) == 0 and connector.api_calls == 0
