"""The WooCommerce sandbox driven by WooCommerce's own Python library (``woocommerce``), for every call the
connector makes, and its authentication as WooCommerce's REST API has it.

Over plain HTTP the library signs every request with OAuth 1.0a (HMAC-SHA256), as WooCommerce requires:
the sandbox verifies those signatures the way ``WC_REST_Authentication`` does, refuses a replayed nonce, a
stale timestamp, and keys sent in clear. What comes back is compared, field names and types, with
WooCommerce's published examples (tests/fixtures/real/woocommerce/).
"""

import time

import pytest
import requests
from woocommerce import API
from woocommerce.oauth import OAuth
from woocommerce_support import compare_shapes, fixture, sandbox_connector

from odoo.addons.ecommerce_sync.connector import AuthenticationError, StockUpdate
from odoo.addons.ecommerce_sync_woocommerce.sandbox import WooCommerceSandbox


@pytest.fixture(scope="module")
def sandbox():
    with WooCommerceSandbox(profile="eu", orders=45, seed=5) as server:
        yield server


@pytest.fixture
def wcapi(sandbox):
    return API(url=sandbox.url, consumer_key=sandbox.consumer_key, consumer_secret=sandbox.consumer_secret,
               version="wc/v3", timeout=10)  # fmt: skip


def every_page(wcapi, path, **params):
    """Every item of a collection, page after page until X-WP-TotalPages, as the library's user walks it."""
    items, page = [], 1
    while True:
        answer = wcapi.get(path, params={**params, "page": page, "per_page": 10})
        assert answer.status_code == 200, answer.text
        items.extend(answer.json())
        total, pages = int(answer.headers["X-WP-Total"]), int(answer.headers["X-WP-TotalPages"])
        if page >= pages:
            assert len(items) == total
            return items, pages
        page += 1


def test_the_system_status(wcapi, sandbox):
    status = wcapi.get("system_status").json()
    assert status["settings"]["currency"] == sandbox.site.profile.currency
    assert status["environment"]["version"] == "9.4.2"


def test_orders_page_by_page_to_the_end(wcapi, sandbox):
    orders, pages = every_page(wcapi, "orders", orderby="modified", order="asc", dates_are_gmt="true", status="any")
    site_orders = [order for order in sandbox.site.orders.values() if order["status"] != "trash"]
    assert pages == 5 and sorted(order["id"] for order in orders) == sorted(order["id"] for order in site_orders)
    stamps = [order["date_modified_gmt"] for order in orders]
    assert stamps == sorted(stamps)
    after = stamps[20]
    newer, _pages = every_page(wcapi, "orders", orderby="modified", order="asc", dates_are_gmt="true",
                               status="any", modified_after=after)  # fmt: skip
    assert [order["id"] for order in newer] == [order["id"] for order in orders if order["date_modified_gmt"] > after]
    assert compare_shapes(fixture("order.json"), orders[0]) == []


def test_one_order_and_its_refunds(wcapi, sandbox):
    order_id = next(oid for oid, refunds in sandbox.site.refunds.items() if any(r["line_items"] for r in refunds))
    order = wcapi.get(f"orders/{order_id}").json()
    assert order["id"] == order_id and order["total"] == sandbox.site.orders[order_id]["total"]
    assert compare_shapes(next(o for o in fixture("orders_list.json") if o["refunds"]), order) == []
    refunds, _pages = every_page(wcapi, f"orders/{order_id}/refunds")
    assert [refund["id"] for refund in refunds] == [refund["id"] for refund in sandbox.site.refunds[order_id]]
    with_items = next(refund for refund in refunds if refund["line_items"])
    assert compare_shapes(fixture("refunds_list.json")[1], with_items) == []


def test_products_variations_and_stock_pushed_in_batches(wcapi, sandbox):
    products, _pages = every_page(wcapi, "products", orderby="id", order="asc")
    assert {product["id"] for product in products} == set(sandbox.site.products)
    simple = next(p for p in products if p["type"] == "simple" and p["manage_stock"])
    variable = next(p for p in products if p["type"] == "variable")
    assert compare_shapes(fixture("product.json"), wcapi.get(f"products/{simple['id']}").json()) == []
    variations, _pages = every_page(wcapi, f"products/{variable['id']}/variations")
    assert sorted(v["id"] for v in variations) == sorted(sandbox.site.products[variable["id"]]["variations"])
    assert compare_shapes(fixture("product_variations_list.json")[0], variations[0]) == []
    answer = wcapi.post("products/batch", {"update": [{"id": simple["id"], "manage_stock": True, "stock_quantity": 9}]})
    assert answer.status_code == 200 and answer.json()["update"][0]["stock_quantity"] == 9
    update = {"id": variations[0]["id"], "manage_stock": True, "stock_quantity": 4}
    answer = wcapi.post(f"products/{variable['id']}/variations/batch", {"update": [update]})
    assert answer.json()["update"][0]["stock_quantity"] == 4
    assert sandbox.site.item(simple["id"])["stock_quantity"] == 9
    assert sandbox.site.item(variations[0]["id"])["stock_quantity"] == 4


# ----------------------------------------------------------------------
# authentication, as WooCommerce has it over plain HTTP
def signed_url(sandbox, path, secret=None, timestamp=None, method="GET"):
    """A URL the official library signs (its OAuth class), to send as it is."""
    return OAuth(
        url=f"{sandbox.url}/wp-json/wc/v3/{path}",
        consumer_key=sandbox.consumer_key,
        consumer_secret=secret or sandbox.consumer_secret,
        version="wc/v3",
        method=method,
        oauth_timestamp=timestamp or int(time.time()),
    ).get_oauth_url()


def refusal(answer):
    body = answer.json()
    return answer.status_code, body["code"], body["message"]


def test_a_signed_request_is_accepted_once(sandbox):
    url = signed_url(sandbox, "system_status")
    assert requests.get(url, timeout=10).status_code == 200
    assert refusal(requests.get(url, timeout=10)) == (
        401, "woocommerce_rest_authentication_error", "Invalid nonce - nonce has already been used."
    )  # fmt: skip


def test_a_stale_or_future_timestamp_is_refused(sandbox):
    for offset in (-16 * 60, 16 * 60):
        url = signed_url(sandbox, "system_status", timestamp=int(time.time()) + offset)
        assert refusal(requests.get(url, timeout=10)) == (401, "woocommerce_rest_authentication_error",
                                                         "Invalid timestamp.")  # fmt: skip
    assert requests.get(signed_url(sandbox, "system_status", timestamp=int(time.time()) - 60), timeout=10).ok


def test_a_wrong_secret_or_an_altered_request_is_refused(sandbox):
    url = signed_url(sandbox, "orders", secret="cs_not_the_secret")
    assert refusal(requests.get(url, timeout=10)) == (
        401, "woocommerce_rest_authentication_error", "Invalid signature - provided signature does not match."
    )  # fmt: skip
    altered = signed_url(sandbox, "orders").replace("/orders?", "/products?")
    assert refusal(requests.get(altered, timeout=10))[2] == "Invalid signature - provided signature does not match."


def test_keys_in_clear_are_not_accepted_over_plain_http(sandbox):
    # over HTTP WooCommerce does not read Basic auth or the consumer_key/consumer_secret parameters
    basic = requests.get(f"{sandbox.url}/wp-json/wc/v3/orders", auth=(sandbox.consumer_key, sandbox.consumer_secret),
                         timeout=10)  # fmt: skip
    query = requests.get(
        f"{sandbox.url}/wp-json/wc/v3/orders",
        timeout=10,
        params={"consumer_key": sandbox.consumer_key, "consumer_secret": sandbox.consumer_secret},
    )
    for answer in (basic, query):
        assert refusal(answer) == (401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")


def test_missing_oauth_parameters_are_named(sandbox):
    url = signed_url(sandbox, "orders")
    stripped = "&".join(part for part in url.split("&") if not part.startswith("oauth_nonce="))
    assert refusal(requests.get(stripped, timeout=10)) == (
        401, "woocommerce_rest_authentication_missing_parameter", "Missing OAuth parameter oauth_nonce"
    )  # fmt: skip


def test_read_only_keys_cannot_write(sandbox):
    with WooCommerceSandbox(orders=0, read_only=True) as server:
        wcapi = API(url=server.url, consumer_key=server.consumer_key, consumer_secret=server.consumer_secret,
                    version="wc/v3", timeout=10)  # fmt: skip
        product_id = next(iter(server.site.products))
        assert wcapi.get(f"products/{product_id}").status_code == 200
        answer = wcapi.post("products/batch", {"update": [{"id": product_id, "stock_quantity": 1}]})
        assert refusal(answer)[2] == "The API key provided does not have write permissions."


def test_the_connector_signs_as_the_library_does(sandbox):
    seen = len(sandbox.requests)
    connector = sandbox_connector(sandbox)
    assert connector.test_connection().currency == sandbox.site.profile.currency
    product = next(p for p in sandbox.site.products.values() if p["type"] == "simple")
    result = connector.push_stock([StockUpdate(str(product["id"]), 6)])
    assert len(result.accepted) == 1 and sandbox.site.item(product["id"])["stock_quantity"] == 6
    # every request carried a signature, never the secret
    sent = sandbox.requests[seen:]
    assert len(sent) == connector.api_calls - 1, "every call but the public site index"
    assert all("oauth_signature" in query and "consumer_secret" not in query for _m, _p, query in sent)
    wrong = sandbox_connector(sandbox, secret="cs_wrong")
    with pytest.raises(AuthenticationError, match="Consumer secret is invalid"):
        wrong.test_connection()
