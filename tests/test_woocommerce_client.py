"""The WooCommerce client and connector against `responses`: auth, URL rules, pagination, limits, pushes."""

import base64
import copy
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from woocommerce_support import connector_for, fixture

from odoo.addons.ecommerce_sync.connector import AuthenticationError, NotFoundError, StockUpdate, TransientError
from odoo.addons.ecommerce_sync_woocommerce.connector import SiteUrlError, WooCommerceClient, check_site_url

SITE = "https://shop.example.com"
API = f"{SITE}/wp-json/wc/v3"


def query_of(call):
    return {key: values[-1] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


# ----------------------------------------------------------------------
# site URL and credentials
@pytest.mark.parametrize(
    ("url", "local", "expected"),
    [
        ("https://shop.example.com/", False, "https://shop.example.com"),
        ("https://example.com/shop", False, "https://example.com/shop"),
        ("http://127.0.0.1:8790", True, "http://127.0.0.1:8790"),
        ("http://wordpress.test", True, "http://wordpress.test"),
    ],
)
def test_accepted_site_urls(url, local, expected):
    assert check_site_url(url, local) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://shop.example.com", "must use HTTPS"),
        ("", "missing"),
        ("shop.example.com", "must look like"),
        ("ftp://shop.example.com", "must look like"),
        ("https://admin:pw@shop.example.com", "user name or password"),
        ("https://shop.example.com/?consumer_key=ck", "query"),
    ],
)
def test_refused_site_urls(url, message):
    with pytest.raises(SiteUrlError, match=message):
        check_site_url(url, allow_plain_http=False)


def test_plain_http_is_refused_before_any_request(mocked):
    connector = connector_for("http://shop.example.com", local=False)
    with pytest.raises(SiteUrlError, match="must use HTTPS"):
        connector.test_connection()
    assert len(mocked.calls) == 0  # the keys never left
    assert connector.api_calls == 0


def test_plain_http_works_for_a_local_test_site(mocked):
    mocked.get("http://127.0.0.1:8790/wp-json/wc/v3/system_status", json={"settings": {"currency": "EUR"}})
    mocked.get("http://127.0.0.1:8790/wp-json/", json={"name": "Local"})
    info = connector_for("http://127.0.0.1:8790", local=True).test_connection()
    assert (info.name, info.currency) == ("Local", "EUR")


def test_missing_keys_are_reported_without_a_request(mocked):
    client = WooCommerceClient(SITE, "", "")
    with pytest.raises(SiteUrlError, match="consumer key and secret"):
        client.get_json("system_status")
    assert len(mocked.calls) == 0


def test_basic_auth_over_https(mocked):
    mocked.get(f"{API}/system_status", json={"environment": {"version": "9.4.2"}, "settings": {"currency": "USD"}})
    mocked.get(f"{SITE}/wp-json/", json={"name": "Shop &amp; Co"})
    info = connector_for(SITE, key="ck_live", secret="cs_live", local=False).test_connection()
    assert (info.name, info.currency, info.details["woocommerce_version"]) == ("Shop & Co", "USD", "9.4.2")
    expected = "Basic " + base64.b64encode(b"ck_live:cs_live").decode()
    assert mocked.calls[0].request.headers["Authorization"] == expected
    assert "consumer_key" not in mocked.calls[0].request.url


def test_query_string_auth_keeps_keys_out_of_messages(mocked):
    mocked.get(f"{API}/system_status", status=401, json={"code": "woocommerce_rest_authentication_error"})
    connector = connector_for(SITE, key="ck_live", secret="cs_live", local=False, query_string_auth=True)
    with pytest.raises(AuthenticationError) as raised:
        connector.test_connection()
    sent = query_of(mocked.calls[0])
    assert (sent["consumer_key"], sent["consumer_secret"]) == ("ck_live", "cs_live")
    assert "Authorization" not in mocked.calls[0].request.headers
    assert "cs_live" not in str(raised.value) and "ck_live" not in str(raised.value)


def test_401_is_an_authentication_error_with_woocommerce_message(mocked):
    body = {
        "code": "woocommerce_rest_authentication_error",
        "message": "Consumer key is invalid.",
        "data": {"status": 401},
    }
    mocked.get(f"{API}/system_status", status=401, json=body)
    connector = connector_for(SITE, secret="cs_secret_value", local=False)
    with pytest.raises(AuthenticationError, match="Consumer key is invalid") as raised:
        connector.test_connection()
    assert "credentials were refused" in str(raised.value)
    assert "cs_secret_value" not in str(raised.value)
    assert raised.value.status == 401


def test_missing_api_explains_itself(mocked):
    mocked.get(f"{API}/system_status", status=404, json={"code": "rest_no_route"})
    with pytest.raises(Exception, match="No WooCommerce REST API"):
        connector_for(SITE, local=False).test_connection()


# ----------------------------------------------------------------------
# limits
def test_429_waits_for_retry_after_then_goes_on(mocked):
    mocked.get(f"{API}/orders/727", status=429, headers={"Retry-After": "2"})
    mocked.get(f"{API}/orders/727", json=fixture("order.json"))
    connector = connector_for(SITE, local=False)
    record = connector.fetch_record("orders", "727")
    assert record.payload["id"] == 727 and record.revision == "2017-03-22T19:28:08"
    assert connector.client.sleep.waits == [2.0]
    assert connector.api_calls == 2


def test_5xx_are_retried_with_backoff(mocked):
    mocked.get(f"{API}/orders/727", status=503)
    mocked.get(f"{API}/orders/727", status=502)
    mocked.get(f"{API}/orders/727", json=fixture("order.json"))
    connector = connector_for(SITE, local=False)
    assert connector.fetch_record("orders", "727").external_id == "727"
    assert connector.client.sleep.waits == [0.01, 0.02]
    assert connector.api_calls == 3


def test_5xx_beyond_the_retries_is_transient(mocked):
    mocked.get(f"{API}/orders/727", status=503)
    connector = connector_for(SITE, local=False)
    with pytest.raises(TransientError, match="HTTP 503 after 4 attempts"):
        connector.fetch_record("orders", "727")


def test_an_order_deleted_for_good_is_not_found_with_an_explanation(mocked):
    mocked.get(f"{API}/orders/727", status=404, json={"code": "woocommerce_rest_shop_order_invalid_id"})
    with pytest.raises(NotFoundError, match="order 727 is no longer on the site") as raised:
        connector_for(SITE, local=False).fetch_record("orders", "727")
    assert raised.value.status == 404


# ----------------------------------------------------------------------
# pagination
def _orders(count, stamps):
    base = fixture("order.json")
    orders = []
    for index in range(count):
        order = copy.deepcopy(base)
        order.update(id=1000 + index, number=str(1000 + index), date_modified_gmt=stamps[index])
        orders.append(order)
    return orders


def _serve(mocked, path, items, per_page_seen):
    """A collection endpoint over ``items`` honouring modified_after, orderby=modified, page, per_page."""

    def callback(request):
        query = {key: values[-1] for key, values in parse_qs(urlsplit(request.url).query).items()}
        per_page_seen.append(query.get("per_page"))
        selected = sorted(items, key=lambda item: (item["date_modified_gmt"], item["id"]))
        if "modified_after" in query:
            selected = [item for item in selected if item["date_modified_gmt"] > query["modified_after"]]
        per_page, page = int(query["per_page"]), int(query["page"])
        pages = -(-len(selected) // per_page)
        chunk = selected[(page - 1) * per_page : page * per_page]
        headers = {"X-WP-Total": str(len(selected)), "X-WP-TotalPages": str(pages)}
        return 200, headers, json.dumps(chunk)

    mocked.add_callback(responses.GET, f"{API}/{path}", callback=callback)


def test_pages_are_walked_until_x_wp_totalpages_within_one_second(mocked):
    """250 orders modified in the same second (a bulk action): pages 1, 2, 3 of the same query."""
    orders = _orders(250, ["2025-03-01T10:00:00"] * 250)
    per_page = []
    _serve(mocked, "orders", orders, per_page)
    pages = list(connector_for(SITE, local=False).fetch("orders"))
    seen = [item.external_id for page in pages for item in page.items]
    assert sorted(seen) == sorted(str(order["id"]) for order in orders)
    assert len(seen) == len(set(seen)) == 250
    queries = [query_of(call) for call in mocked.calls]
    assert [q["page"] for q in queries] == ["1", "1", "2", "3"]
    assert set(per_page) == {"100"}
    assert all(q["orderby"] == "modified" and q["order"] == "asc" and q["dates_are_gmt"] == "true" for q in queries)
    # the query restarted once from the bulk second (modified_after is strict: one second earlier)
    assert queries[1]["modified_after"] == "2025-03-01T09:59:59"
    assert pages[-1].cursor.startswith("2025-03-01T10:00:00|")


def test_each_request_starts_after_the_newest_order_seen(mocked):
    stamps = [f"2025-03-01T10:{minute:02d}:00" for minute in range(50)] * 5
    orders = _orders(250, sorted(stamps))
    _serve(mocked, "orders", orders, [])
    connector = connector_for(SITE, local=False)
    pages = list(connector.fetch("orders"))
    seen = [item.external_id for page in pages for item in page.items]
    assert len(seen) == len(set(seen)) == 250
    afters = [query_of(call).get("modified_after") for call in mocked.calls]
    assert afters[0] is None
    assert afters[1] == "2025-03-01T10:18:59"  # page 1 ended at 10:19:00 (5 orders a minute)
    # resuming from the last cursor finds nothing new, and a later change is found
    assert list(connector.fetch("orders", pages[-1].cursor)) == []
    orders[3]["date_modified_gmt"] = "2025-03-02T08:00:00"
    [page] = list(connector.fetch("orders", pages[-1].cursor))
    assert [item.external_id for item in page.items] == [str(orders[3]["id"])]


def test_orders_with_refunds_come_with_their_refunds(mocked):
    order = next(o for o in fixture("orders_list.json") if o["id"] == 723)
    mocked.get(f"{API}/orders", json=[order], headers={"X-WP-Total": "1", "X-WP-TotalPages": "1"})
    mocked.get(
        f"{API}/orders/723/refunds",
        json=fixture("refunds_list.json"),
        headers={"X-WP-Total": "2", "X-WP-TotalPages": "1"},
    )
    connector = connector_for(SITE, local=False)
    [page] = list(connector.fetch("orders"))
    [order] = connector.parse("orders", page.items[0].payload)
    assert [refund.external_id for refund in order.refunds] == ["724", "726"]
    assert query_of(mocked.calls[1])["per_page"] == "100"


def test_refunds_that_cannot_be_read_fail_only_their_order(mocked):
    listed = list(fixture("orders_list.json"))  # 727 (no refunds) and 723 (refunds)
    mocked.get(f"{API}/orders", json=listed, headers={"X-WP-Total": "2", "X-WP-TotalPages": "1"})
    mocked.get(f"{API}/orders/723/refunds", status=400, json={"code": "rest_invalid_param", "message": "Invalid ID."})
    connector = connector_for(SITE, local=False)
    [page] = list(connector.fetch("orders"))
    good = connector.parse("orders", page.items[0].payload)
    assert good[0].external_id == "727"
    with pytest.raises(Exception, match="refund details could not be fetched"):
        connector.parse("orders", page.items[1].payload)


def test_client_reads_small_collections_page_by_page(mocked):
    refunds = fixture("refunds_list.json")
    mocked.get(f"{API}/orders/723/refunds", json=refunds[:1], headers={"X-WP-TotalPages": "2"})
    mocked.get(f"{API}/orders/723/refunds", json=refunds[1:], headers={"X-WP-TotalPages": "2"})
    client = connector_for(SITE, local=False).client
    assert [r["id"] for r in client.get_all("orders/723/refunds")] == [726, 724]
    assert [query_of(call)["page"] for call in mocked.calls] == ["1", "2"]


# ----------------------------------------------------------------------
# stock push
def test_push_uses_the_batch_endpoints_and_reports_refusals(mocked):
    product = fixture("product.json")
    variation = fixture("product_variation.json")

    def product_batch(request):
        body = json.loads(request.body)
        answers = []
        for update in body["update"]:
            if update["id"] == 794:
                answers.append({**product, "manage_stock": True, "stock_quantity": update["stock_quantity"]})
            else:
                error = {
                    "code": "woocommerce_rest_product_invalid_id",
                    "message": "Invalid ID.",
                    "data": {"status": 400},
                }
                answers.append({"id": update["id"], "error": error})
        return 200, {}, json.dumps({"update": answers})

    def variation_batch(request):
        body = json.loads(request.body)
        return 200, {}, json.dumps({"update": [{**variation, **u} for u in body["update"]]})

    mocked.add_callback(responses.POST, f"{API}/products/batch", callback=product_batch)
    mocked.add_callback(responses.POST, f"{API}/products/22/variations/batch", callback=variation_batch)
    updates = [
        StockUpdate("794", 5, product_external_id="794"),
        StockUpdate("999", 2),
        StockUpdate("732", 11, product_external_id="22"),
        StockUpdate("gid://nope", 1),
    ]
    result = connector_for(SITE, local=False).push_stock(updates)
    assert result.accepted == [updates[0], updates[2]]
    assert [(update.variant_external_id, message) for update, message in result.failed] == [
        ("gid://nope", "not a WooCommerce product id: 'gid://nope'"),
        ("999", "Invalid ID. (woocommerce_rest_product_invalid_id)"),
    ]
    bodies = {urlsplit(call.request.url).path: json.loads(call.request.body) for call in mocked.calls}
    assert bodies["/wp-json/wc/v3/products/batch"] == {
        "update": [
            {"id": 794, "manage_stock": True, "stock_quantity": 5},
            {"id": 999, "manage_stock": True, "stock_quantity": 2},
        ]
    }
    assert bodies["/wp-json/wc/v3/products/22/variations/batch"] == {
        "update": [{"id": 732, "manage_stock": True, "stock_quantity": 11}]
    }


def test_batches_carry_at_most_100_updates(mocked):
    def echo(request):
        body = json.loads(request.body)
        return (
            200,
            {},
            json.dumps({"update": [{"id": u["id"], "stock_quantity": u["stock_quantity"]} for u in body["update"]]}),
        )

    mocked.add_callback(responses.POST, f"{API}/products/batch", callback=echo)
    updates = [StockUpdate(str(1000 + i), i) for i in range(150)]
    result = connector_for(SITE, local=False).push_stock(updates)
    assert len(result.accepted) == 150 and not result.failed
    assert [len(json.loads(call.request.body)["update"]) for call in mocked.calls] == [100, 50]


def test_a_push_the_site_did_not_apply_is_a_failure(mocked):
    mocked.post(f"{API}/products/batch", json={"update": [{"id": 794, "stock_quantity": 4}]})
    update = StockUpdate("794", 5)
    result = connector_for(SITE, local=False).push_stock([update])
    assert result.failed == [(update, "WooCommerce kept stock 4 instead of 5")]


def test_a_refused_batch_fails_its_updates_and_keeps_going(mocked):
    mocked.post(f"{API}/products/batch", status=413, json={"message": "Unable to accept more than 100 items"})
    mocked.post(f"{API}/products/22/variations/batch", json={"update": [{"id": 732, "stock_quantity": 1}]})
    simple, variation = StockUpdate("794", 5), StockUpdate("732", 1, product_external_id="22")
    result = connector_for(SITE, local=False).push_stock([simple, variation])
    assert result.accepted == [variation]
    assert result.failed[0][0] == simple and "HTTP 413" in result.failed[0][1]


def test_a_push_with_refused_credentials_stops(mocked):
    mocked.post(
        f"{API}/products/batch", status=401, json={"message": "The API key provided does not have write permissions."}
    )
    with pytest.raises(AuthenticationError, match="write permissions"):
        connector_for(SITE, local=False).push_stock([StockUpdate("794", Decimal(5))])
