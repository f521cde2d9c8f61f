"""An in-memory platform and its connector, used by the base addon's tests.

It implements the whole connector contract over plain Python lists so the
engine, the webhook controller and the builders can be exercised in Odoo
without any network. Each test store names its shop by the store's name.
"""

import json
from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import (
    AuthenticationError,
    ConnectionInfo,
    Connector,
    ConnectorError,
    NotFoundError,
    Page,
    ProductVariant,
    PushResult,
    RawRecord,
    RecordError,
    StockLevel,
    TransientError,
    WebhookError,
    WebhookEvent,
    hmac_sha256_base64,
    register_connector,
    to_datetime,
    to_decimal,
    verify_base64_hmac,
)


class MemoryShop:
    """What a fake store holds: variants (raw dicts), stock levels and failure switches.

    ``levels`` maps a variant id to its available quantity; ``push_batches``
    keeps the updates of every push call, in order; ``fail_pushes`` makes the
    next push calls fail with an API error; ``refuse_push_for`` lists variants
    whose updates the store refuses (unknown item).
    """

    def __init__(self, name, page_size=2):
        self.name = name
        self.page_size = page_size
        self.variants = []
        self.levels = {}
        self.pushed = []
        self.calls = 0
        self.fail_on_page = None
        self.inclusive_cursor = False
        self.tells_last_page = False
        self.refuse_credentials = False
        self.refuse_push_for = set()
        self.push_batches = []
        self.fail_pushes = 0
        self.level_reads = 0
        #: when True, levels are kept and reported per (variant, location) in ``location_levels``
        self.by_location = False
        self.location_levels = {}

    def add_variant(self, external_id, sku, price="10.00", updated_at="2025-01-01T00:00:00Z", **extra):
        payload = {
            "id": external_id,
            "sku": sku,
            "title": f"Variant {sku}",
            "price": price,
            "updated_at": updated_at,
            **extra,
        }
        self.variants.append(payload)
        return payload


SHOPS = {}


def shop(name, **kwargs):
    SHOPS[name] = MemoryShop(name, **kwargs)
    return SHOPS[name]


class _Counter:
    calls = 0


@register_connector
class MemoryConnector(Connector):
    platform = "memory"
    label = "Memory (tests)"
    flows = ("products",)
    push_batch_size = 3

    @property
    def shop(self):
        return SHOPS[self.config["store_name"]]

    def make_client(self):
        return _Counter()

    def _call(self):
        self.client.calls += 1
        self.shop.calls += 1
        if self.shop.refuse_credentials:
            raise AuthenticationError("HTTP 401, the credentials were refused", 401)

    def test_connection(self):
        self._call()
        return ConnectionInfo(name=self.shop.name, currency="USD")

    def fetch_products(self, cursor):
        position = int(cursor or 0)
        if cursor and self.shop.inclusive_cursor:
            position -= 1  # like updated_at_min: the record at the cursor comes again
        page_number = 0
        while position < len(self.shop.variants):
            page_number += 1
            self._call()
            if self.shop.fail_on_page == page_number:
                raise TransientError("HTTP 503 after 5 attempts", 503)
            chunk = self.shop.variants[position : position + self.shop.page_size]
            position += len(chunk)
            more = position < len(self.shop.variants) if self.shop.tells_last_page else None
            records = [RawRecord(str(p.get("id")), json.loads(json.dumps(p))) for p in chunk]
            yield Page(records, cursor=str(position), more=more)

    def fetch_record(self, flow, external_id):
        self._call()
        for payload in self.shop.variants:
            if str(payload.get("id")) == str(external_id):
                return RawRecord(str(external_id), json.loads(json.dumps(payload)))
        raise NotFoundError(f"variant {external_id} not found", 404)

    def parse_products(self, payload):
        if not payload.get("sku") and payload.get("sku") != "":
            raise RecordError("variant without a sku field")
        return ProductVariant(
            external_id=str(payload["id"]),
            name=payload["title"],
            sku=payload["sku"],
            barcode=payload.get("barcode", ""),
            price=to_decimal(payload["price"], "price"),
            cost=to_decimal(payload["cost"], "cost") if "cost" in payload else None,
            updated_at=to_datetime(payload.get("updated_at"), "updated_at"),
        )

    def push_stock(self, updates):
        self._call()
        if self.shop.fail_pushes:
            self.shop.fail_pushes -= 1
            raise ConnectorError("HTTP 500: inventory service unavailable", 500)
        self.shop.push_batches.append(list(updates))
        result = PushResult()
        for update in updates:
            if update.variant_external_id in self.shop.refuse_push_for:
                result.failed.append((update, f"unknown inventory item {update.variant_external_id}"))
            else:
                self.shop.levels[update.variant_external_id] = Decimal(update.quantity)
                if self.shop.by_location:
                    key = (update.variant_external_id, update.location_external_id)
                    self.shop.location_levels[key] = Decimal(update.quantity)
                self.shop.pushed.append(update)
                result.accepted.append(update)
        return result

    def fetch_stock_levels(self, variant_external_ids=None):
        self._call()
        self.shop.level_reads += 1
        if self.shop.by_location:
            for (variant_id, location_id), level in sorted(self.shop.location_levels.items()):
                if variant_external_ids is None or variant_id in variant_external_ids:
                    yield StockLevel(variant_external_id=variant_id, available=level, location_external_id=location_id)
            return
        for variant_id, level in sorted(self.shop.levels.items()):
            if variant_external_ids is None or variant_id in variant_external_ids:
                yield StockLevel(variant_external_id=variant_id, available=level)

    def parse_stock(self, payload):
        return StockLevel(
            variant_external_id=str(payload.get("variant_id") or ""),
            available=to_decimal(payload["available"], "available"),
            location_external_id=str(payload.get("location_id") or ""),
            inventory_item_id=str(payload.get("inventory_item_id") or ""),
        )

    def verify_webhook(self, headers, body):
        return verify_base64_hmac(self.config.get("webhook_secret"), body, self.header(headers, "X-Memory-Signature"))

    def parse_webhook(self, headers, body):
        topic = self.header(headers, "X-Memory-Topic")
        delivery = self.header(headers, "X-Memory-Delivery")
        if not topic or not delivery:
            raise WebhookError("missing topic or delivery id")
        if topic == "ping":
            return WebhookEvent(delivery, topic)
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise WebhookError(f"body is not JSON: {exc}") from exc
        if topic.startswith("inventory_levels/"):
            return WebhookEvent(
                delivery,
                topic,
                flow="stock",
                external_id=str(payload.get("variant_id", "")),
                revision=payload.get("updated_at", ""),
                payload=payload,
            )
        return WebhookEvent(
            delivery,
            topic,
            flow="products",
            external_id=str(payload.get("id", "")),
            revision=payload.get("updated_at", ""),
            payload=payload,
        )


def sign(secret, body):
    return hmac_sha256_base64(secret, body)
