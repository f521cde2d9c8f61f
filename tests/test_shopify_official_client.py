"""The Shopify sandbox driven by Shopify's own Python library (ShopifyAPI), for every call the connector makes.

Pagination, decoding and GraphQL go through ShopifyAPI's code, not ours; what comes back is compared,
field names and types, with Shopify's published examples (tests/fixtures/real/shopify/).
"""

import json
import urllib.error

import pytest
import shopify
from shopify_support import TOKEN, real, shape_problems, start_sandbox

from odoo.addons.ecommerce_sync_shopify.connector.stock import SET_QUANTITIES
from odoo.addons.ecommerce_sync_shopify.connector.transactions import ORDER_TRANSACTIONS, ORDERS_PER_QUERY
from odoo.addons.ecommerce_sync_shopify.sandbox.routes_paging import utc

VERSION = "2025-01"


@pytest.fixture(scope="module")
def server():
    server = start_sandbox(seed=5, orders=60)
    yield server
    server.stop()


@pytest.fixture
def session(server):
    """ShopifyAPI's session for the sandbox shop: its token, its API version, the sandbox's address."""
    shopify.ShopifyResource.activate_session(shopify.Session(server.shop.domain, VERSION, TOKEN))
    shopify.ShopifyResource.site = server.api_url(VERSION).rstrip("/")
    yield server
    shopify.ShopifyResource.clear_session()


def every_page(collection):
    """Every object of a paginated answer, following ShopifyAPI's next_page (the Link header's page_info)."""
    objects = list(collection)
    pages = 1
    while collection.has_next_page():
        collection = collection.next_page()
        objects.extend(collection)
        pages += 1
    return objects, pages


def last_answer(key):
    """What the sandbox sent in the last answer ShopifyAPI read (its body, as decoded JSON)."""
    return json.loads(shopify.ShopifyResource.connection.response.body)[key]


def graphql(query, variables=None):
    return json.loads(shopify.GraphQL().execute(query, variables))


# ----------------------------------------------------------------------
# REST
def test_the_shop(session):
    shop = shopify.Shop.current()
    assert (shop.myshopify_domain, shop.currency) == (session.shop.domain, "USD")


def test_orders_page_by_page_to_the_end(session):
    orders, pages = every_page(shopify.Order.find(status="any", limit=25, order="updated_at asc"))
    assert pages == 3
    shop_orders = session.shop.orders
    assert [order.id for order in orders] == sorted(
        shop_orders, key=lambda oid: (utc(shop_orders[oid]["updated_at"]), oid)
    )
    since = utc(orders[40].updated_at)
    newer, _pages = every_page(shopify.Order.find(status="any", limit=25, order="updated_at asc",
                                                  updated_at_min=orders[40].updated_at))  # fmt: skip
    assert [order.id for order in newer] == [order.id for order in orders if utc(order.updated_at) >= since]
    assert len(newer) >= 20
    rich = next(order for order in orders if order.refunds and order.fulfillments and order.customer)
    shopify.Order.find(rich.id)
    assert shape_problems(real("order.json")["order"], last_answer("order")) == []


def test_one_order_its_transactions_and_refunds(session):
    order_id = next(
        oid
        for oid, order in session.shop.orders.items()
        if order["refunds"] and any(tx["kind"] == "authorization" for tx in session.shop.transactions[oid])
    )
    order = shopify.Order.find(order_id)
    assert order.id == order_id and order.total_price == session.shop.orders[order_id]["total_price"]
    transactions = shopify.Transaction.find(order_id=order_id)
    assert [tx.id for tx in transactions] == [tx["id"] for tx in session.shop.transactions[order_id]]
    authorization = next(tx for tx in last_answer("transactions") if tx["kind"] == "authorization")
    assert shape_problems(real("transaction.json")["transaction"], authorization) == []
    refunds = shopify.Refund.find(order_id=order_id)
    assert [refund.id for refund in refunds] == [item["id"] for item in session.shop.orders[order_id]["refunds"]]
    with_lines = next(refund for refund in refunds if refund.refund_line_items)
    with_lines = next(refund for refund in last_answer("refunds") if refund["id"] == with_lines.id)
    assert shape_problems(real("refund.json")["refund"], with_lines) == []


def test_products_variants_and_inventory_items(session):
    products, pages = every_page(shopify.Product.find(limit=5))
    assert pages > 1 and {product.id for product in products} == set(session.shop.products)
    product = shopify.Product.find(products[0].id)
    assert shape_problems(real("product.json")["product"], last_answer("product")) == []
    # the variant index the connector reads: ids and variants only
    trimmed, _pages = every_page(shopify.Product.find(limit=250, fields="id,variants"))
    assert {key for item in last_answer("products") for key in item} == {"id", "variants"}
    item_ids = [variant.inventory_item_id for variant in product.variants]
    items = shopify.InventoryItem.find(ids=",".join(str(item_id) for item_id in item_ids))
    assert sorted(item.id for item in items) == sorted(item_ids)
    assert shape_problems(real("inventory_item.json")["inventory_item"], last_answer("inventory_items")[0]) == []


def test_locations_and_inventory_levels_read_and_set(session):
    locations = shopify.Location.find()
    assert {location.id for location in locations} == set(session.shop.locations)
    assert shape_problems(real("location.json")["location"], last_answer("locations")[0]) == []
    location_id = next(location.id for location in locations if location.active)
    levels, _pages = every_page(shopify.InventoryLevel.find(location_ids=location_id, limit=10))
    assert {level.inventory_item_id for level in levels} == {
        item for item, location in session.shop.levels if location == location_id
    }
    sample = real("inventory_levels_list.json")["inventory_levels"][0]
    assert shape_problems(sample, last_answer("inventory_levels")[0]) == []
    level = levels[0]
    changed = shopify.InventoryLevel.set(location_id, level.inventory_item_id, 17)
    assert changed.available == 17 == session.shop.level(level.inventory_item_id, location_id)["available"]
    assert shape_problems(real("inventory_level_set.json")["inventory_level"], last_answer("inventory_level")) == []
    since = shopify.InventoryLevel.find(location_ids=location_id, updated_at_min=changed.updated_at)
    assert [item.inventory_item_id for item in since] == [level.inventory_item_id]


def test_payouts_and_their_balance_transactions(session):
    payouts, _pages = every_page(shopify.Payouts.find(limit=3))
    assert {payout.id for payout in payouts} == set(session.shop.payouts)
    paid = next(payout for payout in payouts if payout.status == "paid")
    shopify.Payouts.find(paid.id)
    assert shape_problems(real("payout.json")["payout"], last_answer("payout")) == []
    lines, _pages = every_page(shopify.Transactions.find(payout_id=paid.id, limit=10))
    assert {line.payout_id for line in lines} == {paid.id}
    assert sum(float(line.net) for line in lines if line.type != "payout") == pytest.approx(float(paid.amount))
    sample = next(item for item in real("balance_transactions_list.json")["transactions"] if item["type"] == "charge")
    for line in last_answer("transactions"):
        if line["type"] == "charge":
            assert shape_problems(sample, line) == []


# ----------------------------------------------------------------------
# GraphQL through shopify.GraphQL()
def test_the_transactions_query_answers_exactly_what_it_selects(session):
    order_ids = list(session.shop.orders)[:ORDERS_PER_QUERY]
    answer = graphql(ORDER_TRANSACTIONS, {"ids": [f"gid://shopify/Order/{oid}" for oid in order_ids]})
    assert "errors" not in answer
    nodes = answer["data"]["nodes"]
    assert [node["id"] for node in nodes] == [f"gid://shopify/Order/{oid}" for oid in order_ids]
    selected = {"id", "kind", "status", "gateway", "test", "createdAt", "processedAt", "authorizationCode",
                "errorCode", "manualPaymentGateway", "amountSet", "parentTransaction"}  # fmt: skip
    transactions = [tx for node in nodes for tx in node["transactions"]]
    assert transactions and all(set(node) == {"id", "transactions"} for node in nodes)
    for tx in transactions:
        assert set(tx) == selected
        assert set(tx["amountSet"]) == {"presentmentMoney", "shopMoney"}
        assert (
            set(tx["amountSet"]["presentmentMoney"]) == set(tx["amountSet"]["shopMoney"]) == {"amount", "currencyCode"}
        )
        assert tx["parentTransaction"] is None or set(tx["parentTransaction"]) == {"id"}
        # the types of Shopify's reference: a Decimal is a string, enums are upper case, DateTime in UTC
        assert isinstance(tx["amountSet"]["presentmentMoney"]["amount"], str)
        assert (
            isinstance(tx["amountSet"]["shopMoney"]["amount"], str)
            and tx["amountSet"]["shopMoney"]["currencyCode"] == "USD"
        )
        assert tx["kind"].isupper() and tx["status"].isupper() and tx["createdAt"].endswith("Z")
        assert isinstance(tx["test"], bool) and isinstance(tx["manualPaymentGateway"], bool)
    cost = answer["extensions"]["cost"]
    assert (
        cost["requestedQueryCost"] == 1 + ORDERS_PER_QUERY * 51 <= 1000
        and cost["actualQueryCost"] < cost["requestedQueryCost"]
    )


def test_a_smaller_selection_gets_a_smaller_answer(session):
    order_id = next(iter(session.shop.orders))
    query = "query One($id: ID!) { node(id: $id) { ... on Order { name transactions(first: 2) { kind } } } }"
    answer = graphql(query, {"id": f"gid://shopify/Order/{order_id}"})
    node = answer["data"]["node"]
    assert node["name"] == session.shop.orders[order_id]["name"]
    assert set(node) == {"name", "transactions"} and all(set(tx) == {"kind"} for tx in node["transactions"])
    assert graphql('{ node(id: "gid://shopify/Order/1") { id } }')["data"] == {"node": None}


@pytest.mark.parametrize(("query", "code", "message"), [
    ("{ nodes(ids: []) { ... on Order { transactons(first: 1) { id } } } }", "undefinedField",
     "Field 'transactons' doesn't exist on type 'Order'"),
    ("{ nodes(ids: []) { ... on Order { transactions(first: 1) { amount } } } }", "undefinedField",
     "Field 'amount' doesn't exist on type 'OrderTransaction'"),
    ("{ nodes(ids: []) { ... on Order { transactions(last: 1) { id } } } }", "argumentNotAccepted", "last"),
    ("{ nodes { id } }", "missingRequiredArguments", "ids"),
    ("{ nodes(ids: []) { ... on Order { transactions(first: 1) { amountSet } } } }", "selectionMismatch",
     "amountSet"),
    ("{ nodes(ids: []) { ... on Ordr { id } } }", "undefinedType", "Ordr"),
    ("{ nodes(ids: []) { ... on Order { id }", "parseError", "Syntax Error"),
])  # fmt: skip
def test_invalid_queries_are_refused_in_shopifys_error_shape(session, query, code, message):
    answer = graphql(query)
    assert "data" not in answer
    [error] = answer["errors"]
    assert error["extensions"]["code"] == code and message in error["message"]
    assert error["locations"] and set(error["locations"][0]) == {"line", "column"}


def test_stock_is_set_through_the_mutation_with_exactly_what_it_selects(session):
    (item_id, location_id), level = next(iter(session.shop.levels.items()))
    variables = {
        "input": {
            "name": "available",
            "reason": "correction",
            "ignoreCompareQuantity": True,
            "referenceDocumentUri": "gid://ecommerce-sync/StockPush/odoo",
            "quantities": [
                {"inventoryItemId": f"gid://shopify/InventoryItem/{item_id}",
                 "locationId": f"gid://shopify/Location/{location_id}", "quantity": level["available"] + 5},
            ],
        }
    }  # fmt: skip
    before = level["available"]
    answer = graphql(SET_QUANTITIES, variables)
    result = answer["data"]["inventorySetQuantities"]
    assert result["userErrors"] == []
    assert result["inventoryAdjustmentGroup"] == {
        "reason": "correction",
        "changes": [{"name": "available", "delta": 5, "quantityAfterChange": before + 5}],
    }
    assert session.shop.level(item_id, location_id)["available"] == before + 5
    # Shopify's refusal of an unknown item: a user error, nothing set
    variables["input"]["quantities"][0]["inventoryItemId"] = "gid://shopify/InventoryItem/1"
    refused = graphql(SET_QUANTITIES, variables)["data"]["inventorySetQuantities"]
    assert refused["inventoryAdjustmentGroup"] is None
    assert [(error["code"], error["field"]) for error in refused["userErrors"]] == [
        ("INVALID_INVENTORY_ITEM", ["input", "quantities", "0", "inventoryItemId"])
    ]
    # a quantity that is not an Int is refused before anything runs
    variables["input"]["quantities"][0].update(inventoryItemId=f"gid://shopify/InventoryItem/{item_id}",
                                               quantity="five")  # fmt: skip
    [error] = graphql(SET_QUANTITIES, variables)["errors"]
    assert error["extensions"]["code"] == "INVALID_VARIABLE" and "quantity" in error["message"]
    assert session.shop.level(item_id, location_id)["available"] == before + 5


def test_a_wrong_token_is_refused(session):
    shopify.ShopifyResource.headers["X-Shopify-Access-Token"] = "shpat_wrong"
    with pytest.raises(urllib.error.HTTPError) as raised:
        shopify.GraphQL().execute('{ node(id: "gid://shopify/Order/1") { id } }')
    assert raised.value.code == 401
