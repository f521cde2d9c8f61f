"""Shopify webhook signatures (Shopify's published example, forgeries) and topics."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from shopify_support import real

from odoo.addons.ecommerce_sync.connector import WebhookError
from odoo.addons.ecommerce_sync_shopify.connector import ShopifyConnector, parse_order
from odoo.addons.ecommerce_sync_shopify.sandbox import SandboxShop, WebhookSender, generate

SECRET = "whsec_shop"


@pytest.fixture(scope="module")
def shop():
    return generate(seed=2, orders=80)


@pytest.fixture
def sender(shop):
    return WebhookSender("http://127.0.0.1:9/unused", SECRET, shop.shop["myshopify_domain"], enabled=False)


def connector(secret=SECRET, domain="sandbox-outfitters.myshopify.com"):
    return ShopifyConnector({"webhook_secret": secret, "shop_domain": domain})


def test_shopifys_published_example_verifies():
    example = real("webhook_hmac_example.json")
    body = example["raw_body"].encode()
    hooks = connector(example["secret"], domain="")

    assert hooks.verify_webhook(example["headers"], body)
    # header names are case-insensitive
    lowered = {key.lower(): value for key, value in example["headers"].items()}
    assert hooks.verify_webhook(lowered, body)


def test_forged_webhooks_do_not_verify():
    example = real("webhook_hmac_example.json")
    body = example["raw_body"].encode()
    headers = example["headers"]

    assert not connector("another_secret", "").verify_webhook(headers, body)
    assert not connector(example["secret"], "").verify_webhook(headers, b'{"foo": "baz"}')
    assert not connector(example["secret"], "").verify_webhook(headers, b'{"foo":"bar"}'), "the raw bytes are signed"
    unsigned = {key: value for key, value in headers.items() if key != "X-Shopify-Hmac-Sha256"}
    assert not connector(example["secret"], "").verify_webhook(unsigned, body)
    assert not connector("", "").verify_webhook(headers, body), "a store without a secret accepts nothing"


def test_order_topics_are_refetched_and_deduplicated(shop, sender):
    order = shop.orders[5]
    delivery = sender.build("orders/updated", order)
    hooks = connector()

    assert hooks.verify_webhook(delivery.headers, delivery.body)
    event = hooks.parse_webhook(delivery.headers, delivery.body)
    assert (event.topic, event.flow, event.external_id, event.refetch) == (
        "orders/updated",
        "orders",
        str(order["id"]),
        True,
    )
    assert event.revision == order["updated_at"]
    again = hooks.parse_webhook(delivery.headers, delivery.body)
    assert again.dedupe_key == event.dedupe_key, "a redelivery has the same key"
    other = sender.build("orders/updated", order)
    assert hooks.parse_webhook(other.headers, other.body).dedupe_key != event.dedupe_key


def test_refund_webhooks_are_read_alone_with_the_right_tax_mode(shop, sender):
    hooks = connector()
    checked = {True: 0, False: 0}
    for order in shop.orders:
        embedded = parse_order(dict(order, transactions=shop.transactions[order["id"]])).refunds
        for raw, expected in zip(order["refunds"], embedded, strict=True):
            delivery = sender.build("refunds/create", raw)
            event = hooks.parse_webhook(delivery.headers, delivery.body)
            assert (event.flow, event.external_id, event.refetch) == ("refunds", str(raw["id"]), False)
            [alone] = hooks.parse("refunds", event.payload)
            assert alone.total == expected.total, (order["name"], raw["id"])
            assert [line.amount for line in alone.lines] == [line.amount for line in expected.lines]
            checked[order["taxes_included"]] += 1
    assert checked[True] and checked[False]


def test_inventory_level_webhooks(sender):
    payload = {"inventory_item_id": 271878346596884, "location_id": 24826418, "available": 6,
               "updated_at": "2025-03-05T10:00:00-05:00"}  # fmt: skip
    delivery = sender.build("inventory_levels/update", payload)
    hooks = connector()
    event = hooks.parse_webhook(delivery.headers, delivery.body)

    assert (event.flow, event.external_id) == ("stock", "271878346596884@24826418")
    [level] = hooks.parse("stock", event.payload)
    assert (level.inventory_item_id, level.location_external_id, level.available) == (
        "271878346596884",
        "24826418",
        Decimal(6),
    )


def test_other_topics_are_ignored_and_bad_requests_refused(sender):
    hooks = connector()
    ignored = sender.build("app/uninstalled", {"id": 1})
    assert hooks.parse_webhook(ignored.headers, ignored.body).flow == ""

    delivery = sender.build("orders/create", {"id": 1, "updated_at": "2025-03-05T10:00:00-05:00"})
    without_id = {
        key: value
        for key, value in delivery.headers.items()
        if key not in ("X-Shopify-Webhook-Id", "X-Shopify-Event-Id")
    }
    with pytest.raises(WebhookError, match="X-Shopify-Webhook-Id"):
        hooks.parse_webhook(without_id, delivery.body)
    with pytest.raises(WebhookError, match="not JSON"):
        hooks.parse_webhook(delivery.headers, b"<html>")
    with pytest.raises(WebhookError, match="names no object id"):
        hooks.parse_webhook(delivery.headers, json.dumps({"note": "x"}).encode())
    with pytest.raises(WebhookError, match="from shop"):
        connector(domain="another-shop.myshopify.com").parse_webhook(delivery.headers, delivery.body)


class Receiver:
    """A local HTTP endpoint that records what it receives (a webhook subscriber)."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


def test_shop_changes_are_delivered_signed(receiver):
    data = generate(seed=9, orders=30)
    sender = WebhookSender(receiver.url, SECRET, data.shop["myshopify_domain"])
    shop = SandboxShop(data, webhooks=sender)
    order_id = next(order["id"] for order in data.orders if order["financial_status"] == "paid")
    item_id, location_id = next(iter(shop.levels))

    refund = shop.refund_unit(order_id)
    shop.set_available(item_id, location_id, 17, api="test")

    hooks = connector(domain=data.shop["myshopify_domain"])
    topics = []
    for headers, body in receiver.received:
        assert hooks.verify_webhook(headers, body)
        topics.append(hooks.parse_webhook(headers, body))
    assert [event.topic for event in topics] == ["refunds/create", "orders/updated", "inventory_levels/update"]
    assert [delivery.status for delivery in sender.deliveries] == [200, 200, 200]
    [parsed] = hooks.parse("refunds", topics[0].payload)
    assert parsed.external_id == str(refund["id"]) and parsed.total == parsed.refunded_amount > 0
    order = parse_order(dict(topics[1].payload, transactions=shop.transactions[order_id]))
    assert order.financial_status == "partially_refunded"
    assert str(refund["id"]) in {item.external_id for item in order.refunds}
    assert hooks.parse("stock", topics[2].payload)[0].available == 17

    # a redelivery carries the same webhook id
    sender.post(sender.deliveries[0])
    assert receiver.received[-1][0]["X-Shopify-Webhook-Id"] == sender.deliveries[0].webhook_id


def test_orders_placed_and_cancelled_in_the_shop_are_announced(receiver):
    data = generate(seed=9, orders=30)
    sender = WebhookSender(receiver.url, SECRET, data.shop["myshopify_domain"])
    shop = SandboxShop(data, webhooks=sender)
    clock = shop.clock

    placed = shop.place_order(method="card", market="DE")
    assert placed["presentment_currency"] == "EUR" and placed["taxes_included"]
    assert placed["order_number"] == max(order["order_number"] for order in data.orders) + 1
    assert placed["updated_at"] > data.orders[-1]["updated_at"] and shop.clock > clock
    order = parse_order(dict(placed, transactions=shop.transactions[placed["id"]]))
    assert order.financial_status == "paid" and order.captured_amount == order.total > 0
    assert placed["id"] in {item["id"] for item in shop.orders.values()}, "listed by the API from now on"

    cancelled = shop.cancel_order(placed["id"])
    hooks = connector(domain=data.shop["myshopify_domain"])
    events = [hooks.parse_webhook(headers, body) for headers, body in receiver.received]
    assert [event.topic for event in events] == ["orders/create", "refunds/create", "orders/cancelled"]
    [refund] = hooks.parse("refunds", events[1].payload)
    assert refund.total == refund.refunded_amount == order.total, "everything paid goes back"
    assert all(line.restock and line.restock_type == "cancel" for line in refund.lines), "removed before shipping"
    order = parse_order(dict(cancelled, transactions=shop.transactions[placed["id"]]))
    assert order.is_cancelled and order.financial_status == "refunded"
    with pytest.raises(ValueError):
        shop.cancel_order(placed["id"])


def test_a_snapshot_puts_the_shop_back():
    shop = SandboxShop(generate(seed=9, orders=10))
    state = shop.snapshot()
    orders, clock = json.dumps(shop.orders, sort_keys=True), shop.clock
    placed = shop.place_order()
    item_id, location_id = next(iter(shop.levels))
    shop.set_available(item_id, location_id, 99, api="test")
    shop.restore(state)
    assert json.dumps(shop.orders, sort_keys=True) == orders and placed["id"] not in shop.orders
    assert shop.clock == clock and not shop.pushes
    assert shop.level(item_id, location_id)["available"] != 99 or state["levels"][(item_id, location_id)] == 99
    assert shop.items is shop.data.inventory_items, "the shop's views of its data stay shared"
    shop.restore(state)
    assert placed["id"] not in shop.orders
