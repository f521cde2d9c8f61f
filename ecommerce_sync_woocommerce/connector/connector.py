"""The WooCommerce connector: the base contract over a site's ``wc/v3`` REST API, each flow wired to its module.

Configuration (``ecommerce.store._connector_config()``):

``site_url``
    the WordPress site address (HTTPS, unless ``local_test_site``)
``consumer_key`` / ``consumer_secret``
    REST API keys (WooCommerce > Settings > Advanced > REST API), read/write
    for stock pushes
``local_test_site``
    accept a plain-HTTP site URL (a local test site, never a live shop);
    requests are then signed with OAuth 1.0a, as WooCommerce requires over HTTP
``query_string_auth``
    over HTTPS, send the keys as query parameters (servers that strip ``Authorization``)
``webhook_secret``
    the secret of the site's webhooks

The REST namespace is the connector's own, ``wc/v3`` (:data:`~.client.API_NAMESPACE`).

Pull: ``orders`` and ``products`` by ``modified_after`` (see
:meth:`~.client.WooCommerceClient.changed`). An order's refunds and a
variable product's variations are fetched with it and attached to its
payload (see :mod:`.orders` and :mod:`.catalog`).
"""

from odoo.addons.ecommerce_sync.connector import (
    AuthenticationError,
    ConnectionInfo,
    Connector,
    ConnectorError,
    NotFoundError,
    Page,
    RawRecord,
    RecordError,
    TransientError,
    describe,
    numeric_id,
    register_connector,
)

from . import stock, webhooks
from .catalog import VARIATIONS_KEY, parse_product, with_variations
from .client import WooCommerceClient, write_cursor
from .orders import REFUNDS_KEY, parse_order, with_refunds
from .payloads import revision_of, text


@register_connector
class WooCommerceConnector(Connector):
    platform = "woocommerce"
    label = "WooCommerce"
    #: products first: order lines then find the store variants (and the products made from them)
    flows = ("products", "orders")
    window_flows = ("orders",)
    push_batch_size = 100

    def make_client(self):
        config = self.config
        return WooCommerceClient(
            config.get("site_url"),
            config.get("consumer_key"),
            config.get("consumer_secret"),
            allow_plain_http=bool(config.get("local_test_site")),
            query_string_auth=bool(config.get("query_string_auth")),
        )

    # ------------------------------------------------------------------
    # connection
    def test_connection(self):
        """Read ``system_status`` (currency, versions) and the site index (name).

        :raise AuthenticationError: when the keys are refused
        :raise ConnectorError: when the site has no ``wc/v3`` API
        """
        try:
            status = self.client.get_json("system_status")
        except NotFoundError as exc:
            raise ConnectorError(
                f"No WooCommerce REST API ({self.client.namespace}) at {self.client.site_url}: is WooCommerce "
                "active and are WordPress permalinks other than 'Plain'?"
            ) from exc
        if not isinstance(status, dict):
            raise ConnectorError("system_status did not answer with an object")
        environment = status.get("environment") or {}
        settings = status.get("settings") or {}
        home = environment.get("home_url") or self.client.site_url
        name = self._site_name() or home.split("://", 1)[-1].rstrip("/")
        return ConnectionInfo(
            name=name,
            currency=str(settings.get("currency") or ""),
            details={
                "woocommerce_version": str(environment.get("version") or environment.get("wc_version") or ""),
                "wordpress_version": str(environment.get("wp_version") or ""),
                "home_url": home,
            },
        )

    def _site_name(self):
        """The WordPress site title from the REST index (``/wp-json/``); "" when unreadable."""
        try:
            index = self.client.get_json(f"{self.client.site_url}/wp-json/")
        except (AuthenticationError, TransientError):
            raise
        except ConnectorError:
            return ""
        return text(index.get("name")) if isinstance(index, dict) else ""

    # ------------------------------------------------------------------
    # pull
    def fetch_orders(self, cursor, window=None):
        """Orders modified after ``cursor``, each with its refunds; with a ``window``, those created within it."""
        if window is not None:
            pages = self.client.created_within("orders", window, cursor, {"status": "any"})
        else:
            pages = self.client.changed("orders", cursor, {"status": "any"})
        for payloads, page_cursor in pages:
            yield Page([self._record(with_refunds(self.client, p)) for p in payloads], cursor=page_cursor)

    def fetch_products(self, cursor):
        for payloads, page_cursor in self.client.changed("products", cursor):
            yield Page([self._record(with_variations(self.client, p)) for p in payloads], cursor=page_cursor)

    def cursor_at(self, flow, moment):
        return write_cursor(moment, ())

    @staticmethod
    def _record(payload):
        """A listed payload as a raw record; an id that is not a WooCommerce id is not kept (it fails when parsed)."""
        return RawRecord(numeric_id(payload.get("id")), payload, revision_of(payload))

    def fetch_record(self, flow, external_id):
        record_id = numeric_id(external_id)
        if flow in ("orders", "products") and not record_id:
            raise NotFoundError(f"{describe(external_id)} is not a WooCommerce id", 404)
        if flow == "orders":
            try:
                payload = self.client.get_object(f"orders/{record_id}")
            except NotFoundError as exc:
                raise NotFoundError(
                    f"order {record_id} is no longer on the site (deleted permanently): nothing to read back; "
                    "its sale order, if any, stays as it is until you cancel it",
                    exc.status,
                ) from exc
            return RawRecord(record_id, with_refunds(self.client, payload), revision_of(payload))
        if flow == "products":
            payload = self.client.get_object(f"products/{record_id}")
            return RawRecord(record_id, with_variations(self.client, payload), revision_of(payload))
        return super().fetch_record(flow, external_id)

    # ------------------------------------------------------------------
    # parse
    def parse_orders(self, payload):
        self._raise_attach_error(payload, REFUNDS_KEY)
        order = parse_order(payload)
        return [order] if order is not None else []

    def parse_products(self, payload):
        self._raise_attach_error(payload, VARIATIONS_KEY)
        return parse_product(payload)

    @staticmethod
    def _raise_attach_error(payload, key):
        error = payload.get(f"{key}_error") if isinstance(payload, dict) else None
        if error:
            raise RecordError(f"{key.replace('_', ' ')} could not be fetched: {error}")

    # ------------------------------------------------------------------
    # stock
    def fetch_stock_levels(self, variant_external_ids=None):
        return stock.fetch_levels(self.client, variant_external_ids)

    def push_stock(self, updates):
        return stock.push(self.client, updates)

    # ------------------------------------------------------------------
    # webhooks
    def verify_webhook(self, headers, body):
        return webhooks.verify(self.config.get("webhook_secret"), headers, body)

    def parse_webhook(self, headers, body):
        return webhooks.parse(headers, body)
