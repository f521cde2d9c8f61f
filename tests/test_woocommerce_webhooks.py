"""WooCommerce webhooks: X-WC-Webhook-Signature, the creation ping, topics and de-duplication."""

import json

import pytest
from woocommerce_support import connector_for, fixture

from odoo.addons.ecommerce_sync.connector import WebhookError, hmac_sha256_base64
from odoo.addons.ecommerce_sync_woocommerce.sandbox import wc_signature, wp_json_encode

SECRET = "whsec_5f2c"


@pytest.fixture
def connector():
    return connector_for("https://shop.example.com", local=False, webhook_secret=SECRET)


def headers(body, topic="order.updated", delivery="4b6f8a1c0d2e3f405162738495a6b7c8", secret=SECRET, **extra):
    values = {
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": "https://shop.example.com/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": topic.split(".")[0],
        "X-WC-Webhook-Event": topic.split(".")[1],
        "X-WC-Webhook-ID": "12",
        "X-WC-Webhook-Delivery-ID": delivery,
    }
    if secret is not None:
        values["X-WC-Webhook-Signature"] = wc_signature(secret, body)
    values.update(extra)
    return values


def test_published_signature_example():
    """WooCommerce's own test: a webhook without secret signs the body 'secret' with this value."""
    example = fixture("webhook_signature_example.json")
    body = example["raw_body"].encode()
    signature = example["headers"]["X-WC-Webhook-Signature"]
    assert hmac_sha256_base64(example["secret"], body) == signature
    assert wc_signature(example["secret"], body) == signature  # the sandbox signs the same way
    # a store without a webhook secret accepts nothing, even a correctly signed body (the base's rule)
    keyless = connector_for("https://shop.example.com", local=False, webhook_secret=example["secret"])
    assert not keyless.verify_webhook({"X-WC-Webhook-Topic": "order.updated", **example["headers"]}, body)


def test_valid_forged_tampered_and_unsigned(connector):
    body = wp_json_encode(fixture("order.json"))
    assert connector.verify_webhook(headers(body), body)
    assert not connector.verify_webhook(headers(body, secret="not-the-secret"), body)
    assert not connector.verify_webhook(headers(body), body.replace(b"29.35", b"0.01"))
    assert not connector.verify_webhook(headers(body, secret=None), body)
    assert not connector.verify_webhook(headers(body, **{"X-WC-Webhook-Signature": ""}), body)


def test_signature_is_over_the_raw_body(connector):
    """WordPress escapes slashes: the same JSON re-serialised by Python no longer verifies."""
    order = fixture("order.json")
    raw = wp_json_encode(order)
    assert b"https:\\/\\/example.com" in raw
    assert connector.verify_webhook(headers(raw), raw)
    reserialised = json.dumps(json.loads(raw)).encode()
    assert not connector.verify_webhook(headers(raw), reserialised)


def test_creation_ping_is_answered_without_signature(connector):
    body = b"webhook_id=12"
    ping_headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "WooCommerce/9.4.2 Hookshot"}
    assert connector.verify_webhook(ping_headers, body)
    event = connector.parse_webhook(ping_headers, body)
    assert (event.topic, event.flow, event.delivery_id) == ("ping", "", "ping-12")
    # a ping-looking body with a topic is a delivery: it must be signed
    assert not connector.verify_webhook({"X-WC-Webhook-Topic": "order.updated"}, body)
    assert not connector.verify_webhook({}, b"webhook_id=12&x=1")


def test_creation_ping_whose_form_body_was_already_read(connector):
    """Odoo parses form posts before the controller runs: the ping then arrives with an empty body."""
    agent = {"User-Agent": "WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)"}
    assert connector.verify_webhook(agent, b"")
    assert connector.parse_webhook(agent, b"").topic == "ping"
    assert not connector.verify_webhook({"User-Agent": "curl/8.5"}, b"")
    assert not connector.verify_webhook({**agent, "X-WC-Webhook-Signature": "forged"}, b"")


def test_order_topics(connector):
    order = fixture("order.json")
    body = wp_json_encode(order)
    for topic in ("order.created", "order.updated"):
        event = connector.parse_webhook(headers(body, topic=topic), body)
        assert (event.flow, event.external_id, event.refetch) == ("orders", "727", False)
        assert event.revision == "order/727@2017-03-22T19:28:08"
        assert event.payload["total"] == "29.35"
    with_refunds = next(o for o in fixture("orders_list.json") if o["refunds"])
    body = wp_json_encode(with_refunds)
    event = connector.parse_webhook(headers(body), body)
    assert event.refetch  # the refund details are read from the site when processed


def test_deleted_order_is_read_back(connector):
    body = wp_json_encode({"id": 727})
    event = connector.parse_webhook(headers(body, topic="order.deleted"), body)
    assert (event.flow, event.external_id, event.refetch, event.revision) == (
        "orders",
        "727",
        True,
        "order/727@deleted",
    )


def test_product_topics(connector):
    simple = fixture("product.json")
    body = wp_json_encode(simple)
    event = connector.parse_webhook(headers(body, topic="product.updated"), body)
    assert (event.flow, event.external_id, event.refetch) == ("products", "794", False)
    variable = {**fixture("products_list.json")[0], "variations": [732, 733]}
    body = wp_json_encode(variable)
    assert connector.parse_webhook(headers(body, topic="product.updated"), body).refetch
    body = wp_json_encode({"id": 794})
    assert connector.parse_webhook(headers(body, topic="product.deleted"), body).flow == ""


@pytest.mark.parametrize("topic", ["coupon.created", "customer.updated", "action.woocommerce_new_order"])
def test_other_topics_are_acknowledged_and_ignored(connector, topic):
    body = b'{"id":5}'
    event = connector.parse_webhook(headers(body, topic=topic), body)
    assert event.flow == "" and event.topic == topic


def test_subscription_sample_topic_is_handled(connector):
    subscription = fixture("webhook_subscription.json")
    body = wp_json_encode(fixture("order.json"))
    event = connector.parse_webhook(headers(body, topic=subscription["topic"]), body)
    assert event.flow == "orders"


def test_dedupe_key_is_delivery_id_with_the_resource_state(connector):
    order = fixture("order.json")
    body = wp_json_encode(order)
    first = connector.parse_webhook(headers(body, delivery="d1"), body)
    redelivered = connector.parse_webhook(headers(body, delivery="d1"), body)
    assert first.dedupe_key == redelivered.dedupe_key == "d1@order/727@2017-03-22T19:28:08"
    # WooCommerce's delivery id hashes the webhook id and the second: two orders may share it
    other = wp_json_encode({**order, "id": 728})
    assert connector.parse_webhook(headers(other, delivery="d1"), other).dedupe_key != first.dedupe_key
    # the same delivery id with a newer state of the order is a new event
    newer = wp_json_encode({**order, "date_modified_gmt": "2017-03-23T10:00:00"})
    assert connector.parse_webhook(headers(newer, delivery="d1"), newer).dedupe_key != first.dedupe_key


def test_unreadable_deliveries(connector):
    body = b"not json"
    with pytest.raises(WebhookError, match="not JSON"):
        connector.parse_webhook(headers(body), body)
    body = b'{"name": "no id"}'
    with pytest.raises(WebhookError, match="no resource id"):
        connector.parse_webhook(headers(body), body)
    body = wp_json_encode({"id": 1})
    missing = headers(body)
    del missing["X-WC-Webhook-Delivery-ID"]
    with pytest.raises(WebhookError, match="Delivery-ID"):
        connector.parse_webhook(missing, body)
