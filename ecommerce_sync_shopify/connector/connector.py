"""The Shopify connector: each flow wired to the module that reads it.

Config keys (from the store's ``_connector_config``): ``shop_domain``,
``access_token``, ``api_version``, ``api_base_url`` (a local test shop),
``webhook_secret``, ``shop_currency``, ``taxes_included`` (the shop's
setting, for refunds read alone), ``location_ids`` (the Shopify locations
mapped to Odoo warehouses), ``default_location_id`` (where pushed levels go
when an update names none), ``push_api`` ("graphql" or "rest") and
``transactions_api`` ("graphql", the default, or "rest").
"""

from odoo.addons.ecommerce_sync.connector import (
    ConnectionInfo,
    Connector,
    NotFoundError,
    Page,
    RawRecord,
    describe,
    numeric_id,
    register_connector,
)

from . import catalog, payouts, webhooks
from .catalog import parse_product
from .client import PAGE_SIZE, build_client, cursor_of
from .orders import parse_order
from .payouts import parse_payout
from .refunds import parse_refund
from .stock import ShopifyStock, parse_inventory_level
from .transactions import TransactionReader


@register_connector
class ShopifyConnector(Connector):
    """Shopify Admin API (REST, GraphQL for order transactions and stock pushes).

    API calls: REST lists orders 250 a page, but has no transactions in them;
    they are read for a page's orders with one GraphQL query per 19 orders
    (see :mod:`.transactions`).
    """

    platform = "shopify"
    label = "Shopify"
    flows = ("products", "orders", "payouts", "stock")
    window_flows = ("orders",)
    push_batch_size = 100

    def __init__(self, config, client=None):
        super().__init__(config, client=client)
        self.page_size = int(self.config.get("page_size") or PAGE_SIZE)
        #: per flow, the calls and records of the last fetch: {"orders": {"calls": 3, "records": 250}}
        self.fetch_stats = {}
        self.transactions = TransactionReader(self.client, self.config.get("transactions_api", "graphql") != "rest")
        self.stock = ShopifyStock(self.client, self.config, self.fetch_locations)

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

    def _counted(self, flow, pages):
        """Pass the pages of one fetch through, counting its calls and records in :attr:`fetch_stats`."""
        stats = self.fetch_stats[flow] = {"calls": 0, "records": 0}
        before = self.client.calls
        for page in pages:
            stats["calls"] += self.client.calls - before
            stats["records"] += len(page.items)
            before = self.client.calls
            yield page

    # ------------------------------------------------------------------
    # connection
    def test_connection(self):
        shop = self.client.get_object("shop.json", "shop")
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
        return catalog.fetch_locations(self.client)

    # ------------------------------------------------------------------
    # orders and refunds
    def fetch_orders(self, cursor, window=None):
        """Orders changed since ``cursor`` (``status=any``: closed and cancelled too), each with its transactions.

        With a ``window``: the orders created within it, oldest first (``cursor``: a creation stamp to resume from).
        """
        if window is not None:
            params = {"status": "any", "limit": self.page_size, "order": "created_at asc"}
            return self._counted("orders", self._window_pages(cursor, window, params))
        params = {"status": "any", "limit": self.page_size, "order": "updated_at asc"}
        return self._counted("orders", self._order_pages(cursor, params))

    def _window_pages(self, cursor, window, params):
        for orders in self.client.created_within("orders.json", "orders", window, cursor, params):
            orders = self.transactions.with_transactions(orders)
            yield Page([self._order_record(order) for order in orders], cursor=cursor_of(orders, cursor, "created_at"))

    def _order_pages(self, cursor, params):
        for orders, page_cursor in self.client.changed("orders.json", "orders", cursor, params):
            orders = self.transactions.with_transactions(orders)
            yield Page([self._order_record(order) for order in orders], cursor=page_cursor)

    @staticmethod
    def _order_record(order):
        """An order payload as a raw record; an id that is not a Shopify id is not kept (it fails when parsed)."""
        if not isinstance(order, dict):
            return RawRecord("", order, "")
        return RawRecord(numeric_id(order.get("id")), order, str(order.get("updated_at") or ""))

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
        return self._counted("products", catalog.fetch_products(self.client, cursor, self.page_size))

    def parse_products(self, payload):
        return parse_product(payload, currency=self.config.get("shop_currency", ""))

    # ------------------------------------------------------------------
    # payouts
    def fetch_payouts(self, cursor):
        """Settled Shopify Payments payouts after ``cursor``, oldest first, one page each, with their lines."""
        return self._counted("payouts", payouts.fetch_payouts(self.client, cursor, self.page_size))

    def parse_payouts(self, payload):
        return parse_payout(payload)

    # ------------------------------------------------------------------
    # stock
    def fetch_stock(self, cursor):
        """Inventory levels changed since ``cursor`` at the synced locations."""
        return self.stock.fetch_changed(cursor, self.page_size)

    def parse_stock(self, payload):
        return parse_inventory_level(payload)

    def fetch_stock_levels(self, variant_external_ids=None):
        return self.stock.levels(variant_external_ids)

    def push_stock(self, updates):
        return self.stock.push(updates)

    # ------------------------------------------------------------------
    # single records
    def fetch_record(self, flow, external_id):
        if flow == "orders":
            order_id = numeric_id(external_id)
            if not order_id:
                raise NotFoundError(f"{describe(external_id)} is not a Shopify order id", 404)
            order = self.client.get_object(f"orders/{order_id}.json", "order")
            return self._order_record(self.transactions.with_transactions([order])[0])
        if flow == "products":
            return catalog.fetch_product(self.client, external_id)
        if flow == "payouts":
            return payouts.fetch_payout(self.client, external_id)
        raise NotImplementedError(f"Shopify {flow} records are not fetched one by one")

    # ------------------------------------------------------------------
    # webhooks
    def verify_webhook(self, headers, body):
        return webhooks.verify(self.config.get("webhook_secret"), headers, body)

    def parse_webhook(self, headers, body):
        return webhooks.parse(headers, body, shop_domain=self.config.get("shop_domain", ""))
