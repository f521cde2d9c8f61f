"""The connector contract: registry, dispatch, parse errors, redaction."""

from decimal import Decimal

import pytest

from odoo.addons.ecommerce_sync.connector import (
    Connector,
    Page,
    ProductVariant,
    PushResult,
    RawRecord,
    RecordError,
    WebhookEvent,
    get_connector_class,
    numeric_id,
    redact,
    register_connector,
    registered_platforms,
    to_decimal,
)


@register_connector
class MemoryConnector(Connector):
    """A complete connector over an in-memory list, as a partner would write one."""

    platform = "memory_contract"
    label = "Memory"
    flows = ("products",)

    def make_client(self):
        return None

    def test_connection(self):
        raise AssertionError("not used")

    def fetch_products(self, cursor):
        items = [RawRecord(str(i), {"id": i, "price": "1.50"}) for i in range(5)]
        start = int(cursor or 0)
        for offset in range(start, len(items), 2):
            yield Page(items[offset : offset + 2], cursor=str(offset + 2))

    def parse_products(self, payload):
        return ProductVariant(str(payload["id"]), f"Item {payload['id']}", price=to_decimal(payload["price"]))

    def push_stock(self, updates):
        return PushResult(accepted=list(updates))

    def fetch_stock_levels(self, variant_external_ids=None):
        return iter(())

    def verify_webhook(self, headers, body):
        return False

    def parse_webhook(self, headers, body):
        return WebhookEvent("1", "ping")


def test_registry_finds_connectors_by_platform_key():
    assert get_connector_class("memory_contract") is MemoryConnector
    assert registered_platforms()["memory_contract"] == "Memory"
    with pytest.raises(KeyError, match="No connector is registered for platform 'nope'"):
        get_connector_class("nope")


def test_register_refuses_a_class_without_platform():
    class Nameless(MemoryConnector):
        platform = ""

    with pytest.raises(ValueError):
        register_connector(Nameless)


def test_fetch_pages_from_a_cursor():
    connector = MemoryConnector({})
    pages = list(connector.fetch("products", None))
    assert [[item.external_id for item in page.items] for page in pages] == [["0", "1"], ["2", "3"], ["4"]]
    assert [page.cursor for page in pages] == ["2", "4", "6"]
    resumed = list(connector.fetch("products", "4"))
    assert [item.external_id for item in resumed[0].items] == ["4"]


def test_fetch_refuses_unknown_and_unsupported_flows():
    connector = MemoryConnector({})
    with pytest.raises(ValueError):
        connector.fetch("invoices", None)
    with pytest.raises(NotImplementedError, match="does not pull orders"):
        connector.fetch("orders", None)


def test_parse_wraps_malformed_payloads_in_record_errors():
    connector = MemoryConnector({})
    [variant] = connector.parse("products", {"id": 7, "price": "2.25"})
    assert variant.price == Decimal("2.25")
    with pytest.raises(RecordError, match="malformed products payload: KeyError"):
        connector.parse("products", {"price": "1"})
    with pytest.raises(RecordError, match="expected a number"):
        connector.parse("products", {"id": 1, "price": "abc"})
    with pytest.raises(RecordError, match="cannot read orders"):
        connector.parse("orders", {})


def test_connector_cannot_be_instantiated_without_the_contract():
    class Incomplete(Connector):
        platform = "incomplete"

    with pytest.raises(TypeError):
        Incomplete({})


def test_redact_masks_secret_keys_recursively():
    payload = {
        "id": 1,
        "token": "b1946ac9",
        "customer": {"email": "bob@example.com", "api_key": "k"},
        "lines": [{"checkout_token": "x", "sku": "A"}],
        "empty_token": None,
    }
    cleaned = redact(payload)
    assert cleaned["token"] == "***"
    assert cleaned["customer"] == {"email": "bob@example.com", "api_key": "***"}
    assert cleaned["lines"] == [{"checkout_token": "***", "sku": "A"}]
    assert cleaned["empty_token"] is None
    assert payload["token"] == "b1946ac9"  # the original is untouched
    excerpt = redact(payload, limit=20)
    assert len(excerpt) == 23 and excerpt.endswith("...")


def test_webhook_event_dedupe_key_includes_revision():
    assert WebhookEvent("d1", "order.updated").dedupe_key == "d1"
    assert WebhookEvent("d1", "order.updated", revision="2025-01-01T00:00:00+00:00").dedupe_key.startswith("d1@")


def test_header_lookup_is_case_insensitive_for_plain_dicts():
    assert Connector.header({"x-shopify-topic": "orders/create"}, "X-Shopify-Topic") == "orders/create"
    assert Connector.header(None, "X") == ""


def test_numeric_id_lets_only_digits_into_a_url():
    assert numeric_id(5701000000123) == "5701000000123"
    assert numeric_id(" 727 ") == "727"
    for value in ("12/../../shop", "12?fields=x", "gid://shopify/Order/1", "-3", "1.5", "", None, "١٢"):
        assert numeric_id(value) == "", value
