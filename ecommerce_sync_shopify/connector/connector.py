"""The Shopify connector: pulls by ``updated_at_min`` cursor, pushes stock, reads webhooks."""

import logging

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    ConnectionInfo,
    Connector,
    NotFoundError,
    Page,
    PushResult,
    RawRecord,
    RecordError,
    TransientError,
    register_connector,
    to_datetime,
)

from . import stock_push, webhooks
from .catalog import parse_inventory_level, parse_location, parse_product
from .client import ShopifyClient
from .orders import parse_order
from .payments import ORDER_TRANSACTIONS, ORDERS_PER_QUERY, TRANSACTIONS_FIRST, gid_number, rest_transaction
from .payouts import FINAL_STATUSES, cursor_position, parse_payout, payout_position
from .refunds import parse_refund

_logger = logging.getLogger(__name__)

DEFAULT_API_VERSION = "2025-01"
PAGE_SIZE = 250
#: Shopify's limits on ids per list call
INVENTORY_ITEM_IDS_PER_CALL = 100
LEVEL_ITEM_IDS_PER_CALL = 50


def chunks(values, size):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def base_url(config):
    """``<origin>/admin/api/<version>/`` of the store (its own domain, or a local test shop)."""
    origin = (config.get("api_base_url") or "").rstrip("/") or f"https://{config.get('shop_domain', '')}"
    return f"{origin}/admin/api/{config.get('api_version') or DEFAULT_API_VERSION}/"


def build_client(config, **kwargs):
    """A :class:`ShopifyClient` for ``config`` (``kwargs`` go to HttpClient: sleep, retries...)."""
    return ShopifyClient(config.get("shop_domain", ""), base_url(config), config.get("access_token", ""), **kwargs)


def cursor_of(objects, previous=None):
    """The latest ``updated_at`` of ``objects`` (UTC ISO), never before ``previous``.

    An unreadable timestamp is left out (its record fails on its own when parsed).
    """
    stamps = []
    for value in [previous] + [obj.get("updated_at") for obj in objects if isinstance(obj, dict)]:
        try:
            stamp = to_datetime(value)
        except RecordError:
            continue
        if stamp is not None:
            stamps.append(stamp)
    return max(stamps).isoformat() if stamps else previous


@register_connector
class ShopifyConnector(Connector):
    """Shopify Admin API (REST, GraphQL for stock pushes).

    Config keys (from the store's ``_connector_config``): ``shop_domain``,
    ``access_token``, ``api_version``, ``api_base_url`` (a local test shop),
    ``webhook_secret``, ``shop_currency``, ``taxes_included`` (the shop's
    setting, for refunds read alone), ``location_ids`` (the Shopify locations
    mapped to Odoo warehouses), ``default_location_id`` (where pushed levels go
    when an update names none), ``push_api`` ("graphql" or "rest") and
    ``transactions_api`` ("graphql", the default, or "rest").

    API calls: REST lists orders 250 a page, but has no transactions in them;
    they are read for a page's orders with one GraphQL query per 20 orders
    (``nodes(ids:)``), and through REST (one call per order) for an order with
    more transactions than a query reads, or when GraphQL is refused.
    """

    platform = "shopify"
    label = "Shopify"
    flows = ("products", "orders", "payouts", "stock")
    push_batch_size = 100

    def __init__(self, config, client=None):
        super().__init__(config, client=client)
        self.page_size = int(self.config.get("page_size") or PAGE_SIZE)
        #: per flow, the calls and records of the last fetch: {"orders": {"calls": 3, "records": 250}}
        self.fetch_stats = {}
        self._index = None
        self._locations = None
        self._graphql_push = self.config.get("push_api", "graphql") != "rest"
        self._graphql_transactions = self.config.get("transactions_api", "graphql") != "rest"

    def make_client(self):
        return build_client(self.config)

    # ------------------------------------------------------------------
    # metrics
    @property
    def calls_per_order(self):
        """API calls per order of the last orders fetch (0.0 before any)."""
        stats = self.fetch_stats.get("orders")
        if not stats or not stats["records"]:
            return 0.0
        return stats["calls"] / stats["records"]

    def _count(self, flow, calls_before, records):
        stats = self.fetch_stats.setdefault(flow, {"calls": 0, "records": 0})
        stats["calls"] += self.client.calls - calls_before
        stats["records"] += records

    # ------------------------------------------------------------------
    # connection
    def test_connection(self):
        shop = self.client.get_json("shop.json").get("shop") or {}
        return ConnectionInfo(
            name=shop.get("name") or self.config.get("shop_domain", ""),
            currency=shop.get("currency") or "",
            details={
                "domain": shop.get("myshopify_domain") or shop.get("domain") or "",
                "taxes_included": bool(shop.get("taxes_included")),
                "timezone": shop.get("iana_timezone") or "",
                "plan": shop.get("plan_name") or "",
            },
        )

    def fetch_locations(self):
        """Every location of the shop, as :class:`~.catalog.ShopifyLocation`."""
        body = self.client.get_json("locations.json")
        return [parse_location(item) for item in body.get("locations") or []]

    # ------------------------------------------------------------------
    # orders
    def fetch_orders(self, cursor):
        """Orders changed since ``cursor``, oldest change first, each with its transactions.

        ``status=any`` includes closed and cancelled orders; the cursor of a
        page is the latest ``updated_at`` in it (``updated_at_min`` is
        inclusive: the boundary order comes again and is recognised by its
        revision).
        """
        self.fetch_stats["orders"] = {"calls": 0, "records": 0}
        params = {"status": "any", "limit": self.page_size, "order": "updated_at asc"}
        if cursor:
            params["updated_at_min"] = cursor
        calls_before = self.client.calls
        for orders, _response in self.client.paginate("orders.json", params, "orders"):
            items = self._order_records(orders)
            cursor = cursor_of(orders, cursor)
            self._count("orders", calls_before, len(items))
            calls_before = self.client.calls
            yield Page(items, cursor=cursor)

    def _order_records(self, orders):
        """Raw records of ``orders``, each with its transactions."""
        read = self._read_transactions(orders)
        return [
            RawRecord(
                str(order.get("id", "")) if isinstance(order, dict) else "",
                self._with_transactions(order, read),
                str(order.get("updated_at") or "") if isinstance(order, dict) else "",
            )
            for order in orders
        ]

    def _read_transactions(self, orders):
        """``{order id: [transactions]}`` read through GraphQL, a query per 20 orders.

        Orders left out (too many transactions for one query, unknown to
        GraphQL, or GraphQL refused) are read through REST one by one.
        """
        if not self._graphql_transactions:
            return {}
        ids = [
            str(order["id"])
            for order in orders
            if isinstance(order, dict) and order.get("id") and "transactions" not in order
        ]
        found = {}
        for chunk in chunks(ids, ORDERS_PER_QUERY):
            try:
                data = self.client.graphql(ORDER_TRANSACTIONS, {"ids": [stock_push.gid("Order", i) for i in chunk]})
            except (AuthenticationError, TransientError):
                raise
            except ApiError as exc:
                _logger.warning("Shopify GraphQL transactions refused (%s); reading them through REST", exc)
                self._graphql_transactions = False
                return found
            for node in data.get("nodes") or []:
                transactions = node.get("transactions") if isinstance(node, dict) and node.get("id") else None
                if not isinstance(transactions, list) or len(transactions) >= TRANSACTIONS_FIRST:
                    continue
                order_id = int(gid_number(node.get("id")))
                found[str(order_id)] = [rest_transaction(item, order_id) for item in transactions]
        return found

    def _with_transactions(self, order, read=None):
        """The order with its ``transactions`` (Shopify does not embed them in orders).

        :param dict read: transactions already read, per order id (see :meth:`_read_transactions`)
        """
        if not isinstance(order, dict) or "transactions" in order or not order.get("id"):
            return order
        if read and str(order["id"]) in read:
            return {**order, "transactions": read[str(order["id"])]}
        try:
            body = self.client.get_json(f"orders/{order['id']}/transactions.json")
        except (AuthenticationError, TransientError):
            raise
        except ApiError as exc:
            return {**order, "transactions_error": str(exc)}
        return {**order, "transactions": body.get("transactions") or []}

    def parse_orders(self, payload):
        return parse_order(payload)

    def parse_refunds(self, payload):
        return parse_refund(
            payload,
            order_currency=self.config.get("shop_currency", ""),
            default_taxes_included=bool(self.config.get("taxes_included")),
        )

    # ------------------------------------------------------------------
    # products
    def fetch_products(self, cursor):
        """Products changed since ``cursor``, each with its variants' inventory items (SKU, cost, tracking)."""
        params = {"limit": self.page_size, "order": "updated_at asc"}
        if cursor:
            params["updated_at_min"] = cursor
        calls_before = self.client.calls
        for products, _response in self.client.paginate("products.json", params, "products"):
            items_by_id = self._inventory_items(
                variant.get("inventory_item_id")
                for product in products
                for variant in product.get("variants") or []
                if variant.get("inventory_item_id")
            )
            records = [self._product_record(product, items_by_id) for product in products]
            cursor = cursor_of(products, cursor)
            self._count("products", calls_before, len(records))
            calls_before = self.client.calls
            yield Page(records, cursor=cursor)

    def _inventory_items(self, item_ids):
        found = {}
        for chunk in chunks(dict.fromkeys(str(item_id) for item_id in item_ids), INVENTORY_ITEM_IDS_PER_CALL):
            params = {"ids": ",".join(chunk), "limit": PAGE_SIZE}
            for items, _response in self.client.paginate("inventory_items.json", params, "inventory_items"):
                found.update({str(item.get("id")): item for item in items})
        return found

    @staticmethod
    def _product_record(product, items_by_id):
        items = [
            items_by_id[str(variant.get("inventory_item_id"))]
            for variant in product.get("variants") or []
            if str(variant.get("inventory_item_id")) in items_by_id
        ]
        payload = {"product": product, "inventory_items": items}
        return RawRecord(str(product.get("id", "")), payload, str(product.get("updated_at") or ""))

    def parse_products(self, payload):
        return parse_product(payload, currency=self.config.get("shop_currency", ""))

    # ------------------------------------------------------------------
    # payouts
    def fetch_payouts(self, cursor):
        """Settled Shopify Payments payouts after the ``cursor``, oldest first, with their lines.

        Shopify lists payouts newest first and has no ``updated_at``: the
        payouts since the cursor's date are read, sorted by date and id, and
        yielded one page per payout until the first one still scheduled or in
        transit, which stops the run so that the cursor (``<date>|<id>`` of the
        last settled payout) never passes it. Payouts at or before the cursor
        are not read again (a cursor of a bare date re-reads that date).
        """
        after = cursor_position(cursor)
        params = {"limit": self.page_size}
        if cursor:
            params["date_min"] = after[0]
        payouts = []
        for batch, _response in self.client.paginate("shopify_payments/payouts.json", params, "payouts"):
            payouts.extend(batch)
        payouts.sort(key=payout_position)
        for payout in payouts:
            if payout_position(payout) <= after:
                continue
            if str(payout.get("status") or "").lower() not in FINAL_STATUSES:
                break
            calls_before = self.client.calls
            record = RawRecord(str(payout["id"]), self._payout_payload(payout), str(payout.get("status") or ""))
            self._count("payouts", calls_before, 1)
            day, payout_id = payout_position(payout)
            yield Page([record], cursor=f"{day}|{payout_id}")

    def _payout_payload(self, payout):
        params = {"payout_id": payout["id"], "limit": PAGE_SIZE}
        transactions = []
        path = "shopify_payments/balance/transactions.json"
        for batch, _response in self.client.paginate(path, params, "transactions"):
            transactions.extend(batch)
        return {"payout": payout, "transactions": transactions}

    def parse_payouts(self, payload):
        return parse_payout(payload)

    # ------------------------------------------------------------------
    # stock
    def _variant_index(self):
        """``{inventory item id: (variant id, sku)}`` of the whole catalogue, read once per connector."""
        if self._index is None:
            index = {}
            params = {"limit": PAGE_SIZE, "fields": "id,variants"}
            for products, _response in self.client.paginate("products.json", params, "products"):
                for product in products:
                    for variant in product.get("variants") or []:
                        if variant.get("inventory_item_id"):
                            index[str(variant["inventory_item_id"])] = (str(variant["id"]), variant.get("sku") or "")
            self._index = index
        return self._index

    def _location_ids(self):
        """The locations the store syncs: the mapped ones, else every active location."""
        if self._locations is None:
            configured = [str(item) for item in self.config.get("location_ids") or [] if item]
            self._locations = configured or [loc.external_id for loc in self.fetch_locations() if loc.active]
        return self._locations

    def fetch_stock(self, cursor):
        """Inventory levels changed since ``cursor`` at the synced locations.

        Levels are not listed in ``updated_at`` order, so only the last page
        carries the new cursor (the latest ``updated_at`` seen).
        """
        index = self._variant_index()
        params = {"location_ids": ",".join(self._location_ids()), "limit": self.page_size}
        if cursor:
            params["updated_at_min"] = cursor
        latest = cursor
        previous = None
        for levels, _response in self.client.paginate("inventory_levels.json", params, "inventory_levels"):
            if previous is not None:
                yield Page(previous)
            latest = cursor_of(levels, latest)
            previous = [
                RawRecord(
                    f"{level.get('inventory_item_id')}@{level.get('location_id')}",
                    self._with_variant(level, index),
                    str(level.get("updated_at") or ""),
                )
                for level in levels
            ]
        if previous is not None:
            yield Page(previous, cursor=latest)

    @staticmethod
    def _with_variant(level, index):
        variant_id, sku = index.get(str(level.get("inventory_item_id")), ("", ""))
        return {**level, "variant_id": variant_id, "sku": sku} if variant_id else level

    def parse_stock(self, payload):
        return parse_inventory_level(payload)

    def fetch_stock_levels(self, variant_external_ids=None):
        index = self._variant_index()
        locations = ",".join(self._location_ids())
        if variant_external_ids is None:
            batches = [None]
        else:
            wanted = {str(variant_id) for variant_id in variant_external_ids}
            batches = list(
                chunks((item for item, (variant, _sku) in index.items() if variant in wanted), LEVEL_ITEM_IDS_PER_CALL)
            )
        for batch in batches:
            params = {"location_ids": locations, "limit": PAGE_SIZE}
            if batch is not None:
                params["inventory_item_ids"] = ",".join(batch)
            for levels, _response in self.client.paginate("inventory_levels.json", params, "inventory_levels"):
                for level in levels:
                    yield parse_inventory_level(level, index)

    def push_stock(self, updates):
        """Set available quantities: one GraphQL mutation per batch, REST ``inventory_levels/set`` as fallback."""
        result = PushResult()
        ready = []
        for update in updates:
            problem = self._resolve(update)
            if problem:
                result.failed.append((update, problem))
            else:
                ready.append(update)
        if not ready:
            return result
        if self._graphql_push:
            try:
                accepted, failed = stock_push.push_graphql(self.client, ready)
            except (AuthenticationError, TransientError):
                raise
            except ApiError as exc:
                _logger.warning("Shopify GraphQL stock push failed (%s); using REST inventory_levels/set", exc)
                self._graphql_push = False
                accepted, failed = stock_push.push_rest(self.client, ready)
        else:
            accepted, failed = stock_push.push_rest(self.client, ready)
        result.accepted.extend(accepted)
        result.failed.extend(failed)
        return result

    def _resolve(self, update):
        """Fill the update's inventory item and location; return a message when impossible."""
        if not update.inventory_item_id:
            by_variant = {variant: item for item, (variant, _sku) in self._variant_index().items()}
            update.inventory_item_id = by_variant.get(str(update.variant_external_id), "")
            if not update.inventory_item_id:
                return f"Shopify has no inventory item for variant {update.variant_external_id}"
        if not update.location_external_id:
            default = self.config.get("default_location_id") or next(iter(self._location_ids()), "")
            update.location_external_id = str(default or "")
            if not update.location_external_id:
                return "No Shopify location is mapped to receive stock levels"
        return ""

    # ------------------------------------------------------------------
    # single records
    def fetch_record(self, flow, external_id):
        if flow == "orders":
            order = self.client.get_json(f"orders/{external_id}.json").get("order") or {}
            return self._order_records([order])[0]
        if flow == "products":
            product = self.client.get_json(f"products/{external_id}.json").get("product") or {}
            items = self._inventory_items(
                v["inventory_item_id"] for v in product.get("variants") or [] if v.get("inventory_item_id")
            )
            return self._product_record(product, items)
        if flow == "payouts":
            payout = self.client.get_json(f"shopify_payments/payouts/{external_id}.json").get("payout") or {}
            if not payout:
                raise NotFoundError(f"payout {external_id} not found", 404)
            return RawRecord(str(external_id), self._payout_payload(payout), str(payout.get("status") or ""))
        raise NotImplementedError(f"Shopify {flow} records are not fetched one by one")

    # ------------------------------------------------------------------
    # webhooks
    def verify_webhook(self, headers, body):
        return webhooks.verify(self.config.get("webhook_secret"), headers, body)

    def parse_webhook(self, headers, body):
        return webhooks.parse(headers, body, shop_domain=self.config.get("shop_domain", ""))
