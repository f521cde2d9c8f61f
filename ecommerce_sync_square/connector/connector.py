"""The Square connector: orders per location, payment fees, payouts, catalog, stock, webhooks."""

import ipaddress
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    ConnectionInfo,
    Connector,
    NotFoundError,
    Page,
    PushResult,
    RawRecord,
    RecordError,
    register_connector,
)

from . import stock, webhooks
from .catalog import parse_item, variation_summary
from .client import PRODUCTION_URL, SANDBOX_URL, SQUARE_VERSION, SquareClient
from .cursors import later, read_cursor, start_of, write_cursor
from .ids import is_valid_id, safe_id, valid_id
from .orders import parse_order, revision_of
from .payments import parse_fees
from .payouts import FINAL_STATUSES, cursor_position, parse_payout, payout_position
from .scans import read_scan, resumed, scan_cursor

_logger = logging.getLogger(__name__)

#: Square's limits
LOCATIONS_PER_SEARCH = 10
ORDERS_PAGE_SIZE = 500
LIST_PAGE_SIZE = 100
CATALOG_IDS_PER_CALL = 1000
#: orders and payments read again before the cursor: offline POS payments are uploaded late
DEFAULT_OVERLAP_HOURS = 24
FIRST_SYNC_START = "2013-01-01T00:00:00.000Z"
ORDER_STATES = ["OPEN", "COMPLETED", "CANCELED"]


def base_url(config):
    """Square's production or sandbox origin; a local URL only for a store marked as a local test account."""
    local = (config.get("api_base_url") or "").rstrip("/")
    if local:
        if not config.get("local_test_account"):
            raise ApiError("A local Square API address is only used by stores marked as local test accounts")
        host = urlsplit(local).hostname or ""
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ApiError(f"A local test account's Square address must be on this machine, not {host[:60]!r}")
        return local
    return SANDBOX_URL if config.get("environment") == "sandbox" else PRODUCTION_URL


def build_client(config, **kwargs):
    """A :class:`SquareClient` for ``config`` (``kwargs`` go to HttpClient: sleep, retries...)."""
    oauth = {key: config.get(key) for key in ("refresh_token", "client_id", "client_secret")}
    oauth["expires_at"] = config.get("token_expires_at") or ""
    return SquareClient(
        base_url(config),
        config.get("access_token", ""),
        version=config.get("square_version") or SQUARE_VERSION,
        oauth=oauth,
        **kwargs,
    )


def chunks(values, size):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


@register_connector
class SquareConnector(Connector):
    """Square (Point of Sale, Square Online, Square payments and payouts).

    Config keys: ``access_token``; for OAuth ``refresh_token``, ``client_id``,
    ``client_secret`` and ``token_expires_at``; ``environment`` ("production"
    or "sandbox"); ``api_base_url`` with ``local_test_account`` (a local test
    server); ``square_version``; ``webhook_signature_key`` and
    ``notification_url`` (exactly as in the webhook subscription);
    ``location_ids`` (the synced locations, all active ones when empty);
    ``overlap_hours`` (how far before the cursor orders and payments are read
    again).

    After a call refreshed the OAuth token, :attr:`refreshed_credentials`
    holds the new ``access_token``, ``expires_at`` and ``refresh_token``.
    """

    platform = "square"
    label = "Square"
    flows = ("products", "orders", "refunds", "payouts", "stock")
    push_batch_size = stock.CHANGES_PER_CALL

    def __init__(self, config, client=None):
        super().__init__(config, client=client)
        self.page_size = int(self.config.get("page_size") or ORDERS_PAGE_SIZE)
        hours = self.config.get("overlap_hours")
        self.overlap = timedelta(hours=DEFAULT_OVERLAP_HOURS if hours in (None, "") else float(hours))
        self._variations = {}
        self._catalog_complete = False
        self._locations = None

    def make_client(self):
        return build_client(self.config)

    @property
    def refreshed_credentials(self):
        return getattr(self.client, "refreshed", None)

    # ------------------------------------------------------------------
    # connection
    def test_connection(self):
        merchant = self.client.get_json("/v2/merchants/me").get("merchant") or {}
        locations = self.fetch_locations()
        return ConnectionInfo(
            name=str(merchant.get("business_name") or merchant.get("id") or "Square"),
            currency=str(merchant.get("currency") or ""),
            details={
                "merchant_id": str(merchant.get("id") or ""),
                "country": str(merchant.get("country") or ""),
                "main_location_id": str(merchant.get("main_location_id") or ""),
                "locations": locations,
            },
        )

    def fetch_locations(self):
        """The seller's locations: ``[{"id", "name", "status", "currency", "type"}]``."""
        body = self.client.get_json("/v2/locations")
        return [
            {
                "id": item["id"],
                "name": str(item.get("name") or item["id"]),
                "status": str(item.get("status") or ""),
                "currency": str(item.get("currency") or ""),
                "type": str(item.get("type") or ""),
            }
            for item in body.get("locations") or []
            if isinstance(item, dict) and is_valid_id(item.get("id"))
        ]

    def _location_ids(self):
        """The locations the store syncs: the configured ones, else every active location."""
        if self._locations is None:
            configured = [
                valid_id(str(item), "location id", ApiError) for item in self.config.get("location_ids") or []
            ]
            self._locations = configured or [loc["id"] for loc in self.fetch_locations() if loc["status"] == "ACTIVE"]
        return self._locations

    # ------------------------------------------------------------------
    # orders
    def fetch_orders(self, cursor):
        """Orders updated since ``cursor`` (less the overlap), per set of 10 locations, oldest change first."""
        positions, default = read_cursor(cursor)
        groups = list(chunks(sorted(self._location_ids()), LOCATIONS_PER_SEARCH))
        for group in groups:
            positions.setdefault(group[0], default)
        for index, group in enumerate(groups):
            stream = group[0]
            request = {
                "location_ids": group,
                "limit": self.page_size,
                "query": {
                    "filter": {
                        "date_time_filter": {
                            "updated_at": {"start_at": start_of(positions[stream], self.overlap) or FIRST_SYNC_START}
                        },
                        "state_filter": {"states": ORDER_STATES},
                    },
                    "sort": {"sort_field": "UPDATED_AT", "sort_order": "ASC"},
                },
            }
            for orders, body in self.client.paginate_post("/v2/orders/search", request, "orders"):
                catalog = self._catalog_for(
                    item.get("catalog_object_id")
                    for order in orders
                    if isinstance(order, dict)
                    for item in (order.get("line_items") or [])
                    + [line for ret in order.get("returns") or [] for line in ret.get("return_line_items") or []]
                )
                items = []
                for order in orders:
                    items.append(self._order_record(order, catalog))
                    if isinstance(order, dict):
                        positions[stream] = later(positions[stream], order.get("updated_at"))
                more = bool(body.get("cursor")) or index < len(groups) - 1
                yield Page(items, cursor=write_cursor(positions), more=more)

    @staticmethod
    def _order_record(order, catalog):
        if not isinstance(order, dict):
            return RawRecord("", {"order": order}, "")
        used = {
            item.get("catalog_object_id"): catalog[item.get("catalog_object_id")]
            for item in (order.get("line_items") or [])
            + [line for ret in order.get("returns") or [] for line in ret.get("return_line_items") or []]
            if item.get("catalog_object_id") in catalog
        }
        return RawRecord(safe_id(order.get("id")), {"order": order, "catalog_variations": used}, revision_of(order))

    def _catalog_for(self, variation_ids):
        """``{variation id: summary}`` of ``variation_ids``, read once per connector (batch-retrieve)."""
        wanted = {str(item) for item in variation_ids if is_valid_id(item)}
        missing = sorted(wanted - set(self._variations))
        for group in chunks(missing, CATALOG_IDS_PER_CALL):
            request = {"object_ids": group, "include_related_objects": False, "include_deleted_objects": True}
            body = self.client.post_json("/v2/catalog/batch-retrieve", request)
            for obj in body.get("objects") or []:
                if isinstance(obj, dict) and obj.get("type") == "ITEM_VARIATION" and is_valid_id(obj.get("id")):
                    self._variations[obj["id"]] = variation_summary(obj)
            for variation_id in group:
                self._variations.setdefault(variation_id, {})
        return {key: self._variations[key] for key in wanted if self._variations.get(key)}

    def parse_orders(self, payload):
        return parse_order(payload)

    # ------------------------------------------------------------------
    # payments and refunds: their processing fees
    def fetch_refunds(self, cursor):
        """Payments (per location) and refunds updated since ``cursor``, for their processing fees.

        A payment whose fee Square adjusts later is updated, so it comes again
        with the new ``processing_fee`` entry; each fee keeps its own id.
        """
        positions, default = read_cursor(cursor)
        streams = [(f"payments:{loc}", "/v2/payments", "payments", loc) for loc in sorted(self._location_ids())]
        streams.append(("refunds", "/v2/refunds", "refunds", None))
        for key, *_rest in streams:
            positions.setdefault(key, default)
        for index, (key, path, list_key, location_id) in enumerate(streams):
            params = {
                "sort_field": "UPDATED_AT",
                "sort_order": "ASC",
                "limit": LIST_PAGE_SIZE,
                "updated_at_begin_time": start_of(positions[key], self.overlap) or FIRST_SYNC_START,
            }
            if location_id:
                params["location_id"] = location_id
            kind = list_key[:-1]
            for objects, body in self.client.paginate_get(path, params, list_key):
                items = []
                for obj in objects:
                    obj_id = safe_id(obj.get("id")) if isinstance(obj, dict) else ""
                    external_id = webhooks.activity_id(kind, obj_id) if obj_id else ""
                    items.append(RawRecord(external_id, {kind: obj}, webhooks.revision_of(kind, obj)))
                    if isinstance(obj, dict):
                        positions[key] = later(positions[key], obj.get("updated_at"))
                more = bool(body.get("cursor")) or index < len(streams) - 1
                yield Page(items, cursor=write_cursor(positions), more=more)

    def parse_refunds(self, payload):
        if not isinstance(payload, dict):
            raise RecordError(f"payment activity payload is not an object: {payload!r:.80}")
        if "payment" in payload:
            return parse_fees(payload["payment"], "payment")
        if "refund" in payload:
            return parse_fees(payload["refund"], "refund")
        raise RecordError("payment activity payload holds neither a payment nor a refund")

    # ------------------------------------------------------------------
    # payouts
    def fetch_payouts(self, cursor):
        """Settled payouts (PAID or FAILED) after the cursor, oldest first, one page each with its entries.

        Payouts of every synced location are read since the cursor's date,
        sorted by creation time and id, and yielded until the first one still
        SENT, which stops the run so that the cursor (``<created_at>|<id>``)
        never passes it.
        """
        after = cursor_position(cursor)
        payouts = []
        for location_id in sorted(self._location_ids()):
            params = {"location_id": location_id, "sort_order": "ASC", "limit": LIST_PAGE_SIZE}
            if after[0]:
                params["begin_time"] = after[0]
            for batch, _body in self.client.paginate_get("/v2/payouts", params, "payouts"):
                payouts.extend(item for item in batch if isinstance(item, dict))
        payouts.sort(key=payout_position)
        for payout in payouts:
            if payout_position(payout) <= after:
                continue
            if str(payout.get("status") or "") not in FINAL_STATUSES:
                break
            record = self._payout_record(payout)
            created, _payout_id = payout_position(payout)
            yield Page([record], cursor=f"{created}|{record.external_id}")

    def _payout_record(self, payout):
        payout_id = safe_id(payout.get("id"))
        entries = []
        if payout_id:
            path = f"/v2/payouts/{payout_id}/payout-entries"
            for batch, _body in self.client.paginate_get(path, {"limit": LIST_PAGE_SIZE}, "payout_entries"):
                entries.extend(batch)
        revision = f"{payout.get('status') or ''}@{payout.get('version') or 0}"
        return RawRecord(payout_id, {"payout": payout, "entries": entries}, revision)

    def parse_payouts(self, payload):
        return parse_payout(payload)

    # ------------------------------------------------------------------
    # products
    def fetch_products(self, cursor):
        """Catalog items (``types=ITEM``), page by page; items not changed since the scan began are left out.

        The list is not sorted by change: each page's cursor resumes the scan there (see :mod:`.scans`).
        """
        scan = read_scan(cursor)

        def open_pages(square_cursor):
            params = {"types": "ITEM", **({"cursor": square_cursor} if square_cursor else {})}
            return self.client.paginate_get("/v2/catalog/list", params, "objects")

        for objects, body in resumed(open_pages, scan.next):
            items = []
            for obj in objects:
                if not isinstance(obj, dict) or obj.get("type") != "ITEM" or obj.get("is_deleted"):
                    continue
                changed = str(obj.get("updated_at") or "")
                if scan.since and changed and later(scan.since, changed) == scan.since:
                    continue
                items.append(RawRecord(safe_id(obj.get("id")), obj, str(obj.get("version") or "")))
                scan.latest = later(scan.latest, changed)
            following = body.get("cursor")
            yield Page(
                items, cursor=scan_cursor(scan, "catalog" if following else None, following), more=bool(following)
            )

    def parse_products(self, payload):
        return parse_item(payload, self._location_ids())

    # ------------------------------------------------------------------
    # stock
    def _variation_index(self):
        """``{variation id: summary}`` of the whole catalogue, read once (for SKUs of counts)."""
        if not self._catalog_complete:
            for objects, _body in self.client.paginate_get("/v2/catalog/list", {"types": "ITEM"}, "objects"):
                for obj in objects:
                    for variation in ((obj or {}).get("item_data") or {}).get("variations") or []:
                        if is_valid_id(variation.get("id")):
                            self._variations[variation["id"]] = variation_summary(variation)
            self._catalog_complete = True
        return self._variations

    def fetch_stock(self, cursor):
        """IN_STOCK counts changed since the scan began, location by location, a page per Square page.

        Counts come newest first, not in change order: each page's cursor resumes the scan there
        (see :mod:`.scans`), the last one is the latest ``calculated_at`` read.
        """
        index = self._variation_index()
        scan = read_scan(cursor)
        locations = sorted(self._location_ids())
        if scan.stream in locations:
            locations = locations[locations.index(scan.stream) :]
        for position, location_id in enumerate(locations):
            following = locations[position + 1] if position + 1 < len(locations) else None

            def open_pages(square_cursor, location_id=location_id):
                return stock.count_pages(self.client, location_id, updated_after=scan.since, cursor=square_cursor)

            resume = scan.next if location_id == scan.stream else None
            for counts, body in resumed(open_pages, resume):
                items = [self._count_record(count, index) for count in counts if isinstance(count, dict)]
                for count in counts:
                    if isinstance(count, dict):
                        scan.latest = later(scan.latest, count.get("calculated_at"))
                if body.get("cursor"):
                    page_cursor = scan_cursor(scan, location_id, body["cursor"])
                else:
                    page_cursor = scan_cursor(scan, following)
                yield Page(items, cursor=page_cursor, more=bool(body.get("cursor") or following))

    @staticmethod
    def _count_record(count, index):
        variation_id, location_id = safe_id(count.get("catalog_object_id")), safe_id(count.get("location_id"))
        external_id = f"{variation_id}@{location_id}" if variation_id and location_id else ""
        sku = (index.get(str(count.get("catalog_object_id"))) or {}).get("sku", "")
        return RawRecord(external_id, {**count, "sku": sku}, str(count.get("calculated_at") or ""))

    def parse_stock(self, payload):
        levels = stock.parse_counts(payload, self._variations)
        if isinstance(payload, dict) and payload.get("sku"):
            for level in levels:
                level.sku = level.sku or payload["sku"]
        return levels

    def fetch_stock_levels(self, variant_external_ids=None):
        index = self._variation_index()
        wanted = None
        if variant_external_ids is not None:
            wanted = sorted({str(item) for item in variant_external_ids if is_valid_id(str(item))})
            if not wanted:
                return
        batches = [None] if wanted is None else list(chunks(wanted, CATALOG_IDS_PER_CALL))
        for batch in batches:
            for count in stock.read_counts(self.client, sorted(self._location_ids()), variation_ids=batch):
                yield stock.parse_count(count, index)

    def push_stock(self, updates):
        """Set levels with PHYSICAL_COUNT changes, 100 a call; each update accepted or failed with a reason."""
        result = PushResult()
        ready = []
        default_location = None
        for update in updates:
            if not update.location_external_id:
                default_location = default_location or next(iter(self._location_ids()), "")
            problem = stock.check_update(update, default_location)
            if problem:
                result.failed.append((update, problem))
            else:
                ready.append(update)
        if ready:
            accepted, failed = stock.push_counts(self.client, ready, default_location=default_location)
            result.accepted.extend(accepted)
            result.failed.extend(failed)
        return result

    # ------------------------------------------------------------------
    # single records
    def fetch_record(self, flow, external_id):
        external_id = str(external_id or "")
        if flow == "orders":
            order_id = valid_id(external_id, "order id", ApiError)
            order = self.client.get_json(f"/v2/orders/{order_id}").get("order") or {}
            if not order:
                raise NotFoundError(f"Square order {order_id} not found", 404)
            catalog = self._catalog_for(item.get("catalog_object_id") for item in order.get("line_items") or [])
            return self._order_record(order, catalog)
        if flow == "refunds":
            kind, _sep, object_id = external_id.partition(":")
            if kind not in ("payment", "refund"):
                raise ApiError(f"not a Square payment or refund reference: {external_id[:60]!r}")
            object_id = valid_id(object_id, f"{kind} id", ApiError)
            path = f"/v2/payments/{object_id}" if kind == "payment" else f"/v2/refunds/{object_id}"
            obj = self.client.get_json(path).get(kind) or {}
            return RawRecord(external_id, {kind: obj}, webhooks.revision_of(kind, obj))
        if flow == "payouts":
            payout_id = valid_id(external_id, "payout id", ApiError)
            payout = self.client.get_json(f"/v2/payouts/{payout_id}").get("payout") or {}
            if not payout:
                raise NotFoundError(f"Square payout {payout_id} not found", 404)
            return self._payout_record(payout)
        if flow == "products":
            item_id = valid_id(external_id, "catalog item id", ApiError)
            obj = self.client.get_json(f"/v2/catalog/object/{item_id}").get("object") or {}
            return RawRecord(item_id, obj, str(obj.get("version") or ""))
        raise NotImplementedError(f"Square {flow} records are not fetched one by one")

    # ------------------------------------------------------------------
    # webhooks
    def verify_webhook(self, headers, body):
        return webhooks.verify(
            self.config.get("webhook_signature_key"),
            self.config.get("notification_url"),
            self.header(headers, webhooks.SIGNATURE_HEADER),
            body,
        )

    def parse_webhook(self, headers, body):
        return webhooks.parse(body)
