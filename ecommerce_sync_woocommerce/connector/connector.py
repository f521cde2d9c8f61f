"""The WooCommerce connector: the base contract over a site's ``wc/v3`` REST API.

Configuration (``ecommerce.store._connector_config()``):

``site_url``
    the WordPress site address (HTTPS, unless ``local_test_site``)
``consumer_key`` / ``consumer_secret``
    REST API keys (WooCommerce > Settings > Advanced > REST API), read/write
    for stock pushes
``api_namespace``
    ``wc/v3``
``local_test_site``
    accept a plain-HTTP site URL (a local test site, never a live shop)
``query_string_auth``
    send the keys as query parameters (servers that strip ``Authorization``)
``webhook_secret``
    the secret of the site's webhooks

Pull: ``orders`` and ``products`` by ``modified_after`` (GMT) in
``orderby=modified&order=asc`` order, 100 per page. Each request starts from
the newest modification already seen (less one second: ``modified_after`` is
strict and stamps have whole seconds) instead of walking page numbers, so a
record modified while a long pull runs cannot shift an unseen one out of the
pages; records already seen at that second are recognised and not yielded
again, and page numbers are only walked while more than a page of records
share one second. The cursor is that second plus the ids already seen in it.

An order's refunds (``orders/<id>/refunds``) and a variable product's
variations (``products/<id>/variations``) are fetched with it and attached
to its payload (see :mod:`.mapper`).
"""

import json
import re
from datetime import timedelta

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    ConnectionInfo,
    Connector,
    ConnectorError,
    NotFoundError,
    Page,
    PushResult,
    RawRecord,
    RecordError,
    TransientError,
    WebhookError,
    WebhookEvent,
    register_connector,
    to_datetime,
    verify_base64_hmac,
)

from . import mapper
from .client import DEFAULT_NAMESPACE, PER_PAGE, WooCommerceClient

SIGNATURE_HEADER = "X-WC-Webhook-Signature"
TOPIC_HEADER = "X-WC-Webhook-Topic"
DELIVERY_HEADER = "X-WC-Webhook-Delivery-ID"
PING_BODY = re.compile(rb"^webhook_id=(\d+)$")
HOOKSHOT_AGENT = re.compile(r"^WooCommerce/\S+ Hookshot\b")
#: webhook resources whose payload the engine can process, and their flow
WEBHOOK_FLOWS = {"order": "orders", "product": "products"}


def read_cursor(cursor):
    """``(datetime or None, {ids seen at that second})`` from a stored cursor."""
    if not cursor:
        return None, set()
    stamp, _sep, ids = str(cursor).partition("|")
    try:
        moment = to_datetime(stamp.strip(), "cursor")
    except ConnectorError:
        return None, set()
    return moment, {item for item in ids.split(",") if item}


def write_cursor(moment, ids):
    if moment is None:
        return None
    stamp = mapper.format_gmt(moment)
    return f"{stamp}|{','.join(sorted(ids, key=lambda item: (len(item), item)))}" if ids else stamp


@register_connector
class WooCommerceConnector(Connector):
    platform = "woocommerce"
    label = "WooCommerce"
    #: products first: order lines then find the store variants (and the products made from them)
    flows = ("products", "orders")
    push_batch_size = 100

    def make_client(self):
        config = self.config
        return WooCommerceClient(
            config.get("site_url"),
            config.get("consumer_key"),
            config.get("consumer_secret"),
            namespace=config.get("api_namespace") or DEFAULT_NAMESPACE,
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
        return mapper.text(index.get("name")) if isinstance(index, dict) else ""

    # ------------------------------------------------------------------
    # pull
    def _changed(self, path, cursor, params=None):
        """Yield ``(payloads, cursor)`` for records of ``path`` modified after ``cursor``."""
        since, seen = read_cursor(cursor)
        page = 1
        while True:
            query = {**(params or {}), "orderby": "modified", "order": "asc", "dates_are_gmt": "true"}
            if since is not None:
                query["modified_after"] = mapper.format_gmt(since - timedelta(seconds=1))
            result = self.client.get_page(path, query, page=page, per_page=PER_PAGE)
            fresh = []
            newest = since
            for payload in result.items:
                if not isinstance(payload, dict):
                    continue
                stamp = self._stamp(payload)
                record_id = str(payload.get("id", ""))
                if stamp is not None and stamp == since and record_id in seen:
                    continue
                fresh.append(payload)
                if stamp is not None and (newest is None or stamp > newest):
                    newest = stamp
            more = page < result.total_pages and bool(result.items)
            if newest is not None and newest != since:
                seen = {str(p.get("id", "")) for p in result.items if isinstance(p, dict) and self._stamp(p) == newest}
                since, page = newest, 1
            else:
                seen |= {str(p.get("id", "")) for p in fresh if self._stamp(p) == since}
                page += 1
            if fresh:
                yield fresh, write_cursor(since, seen)
            if not more:
                return

    @staticmethod
    def _stamp(payload):
        try:
            return to_datetime(mapper.revision_of(payload) or None)
        except ConnectorError:
            return None

    def fetch_orders(self, cursor):
        for payloads, page_cursor in self._changed("orders", cursor, {"status": "any"}):
            items = [RawRecord(str(p.get("id", "")), self._with_refunds(p), mapper.revision_of(p)) for p in payloads]
            yield Page(items, cursor=page_cursor)

    def fetch_products(self, cursor):
        for payloads, page_cursor in self._changed("products", cursor):
            items = [RawRecord(str(p.get("id", "")), self._with_variations(p), mapper.revision_of(p)) for p in payloads]
            yield Page(items, cursor=page_cursor)

    def fetch_record(self, flow, external_id):
        if flow in ("orders", "products") and not str(external_id).isdigit():
            raise NotFoundError(f"{external_id!r} is not a WooCommerce id", 404)
        if flow == "orders":
            try:
                payload = self.client.get_json(f"orders/{int(external_id)}")
            except NotFoundError as exc:
                raise NotFoundError(
                    f"order {external_id} is no longer on the site (deleted permanently): nothing to read back; "
                    "its sale order, if any, stays as it is until you cancel it",
                    exc.status,
                ) from exc
            return RawRecord(str(external_id), self._with_refunds(payload), mapper.revision_of(payload))
        if flow == "products":
            payload = self.client.get_json(f"products/{int(external_id)}")
            return RawRecord(str(external_id), self._with_variations(payload), mapper.revision_of(payload))
        return super().fetch_record(flow, external_id)

    def _attach(self, payload, key, path):
        """Attach a sub-collection to a payload; a refusal of this one record is kept for its parser."""
        try:
            payload[key] = self.client.get_all(path)
        except (AuthenticationError, TransientError):
            raise
        except ApiError as exc:
            payload[key] = None
            payload[f"{key}_error"] = str(exc)
        return payload

    def _with_refunds(self, payload):
        if isinstance(payload, dict) and payload.get("refunds") and "id" in payload:
            self._attach(payload, mapper.REFUNDS_KEY, f"orders/{payload['id']}/refunds")
        return payload

    def _with_variations(self, payload):
        if isinstance(payload, dict) and payload.get("type") == "variable" and "id" in payload:
            self._attach(payload, mapper.VARIATIONS_KEY, f"products/{payload['id']}/variations")
        return payload

    # ------------------------------------------------------------------
    # parse
    def parse_orders(self, payload):
        self._raise_attach_error(payload, mapper.REFUNDS_KEY)
        order = mapper.parse_order(payload)
        return [order] if order is not None else []

    def parse_products(self, payload):
        self._raise_attach_error(payload, mapper.VARIATIONS_KEY)
        return mapper.parse_product(payload)

    @staticmethod
    def _raise_attach_error(payload, key):
        error = payload.get(f"{key}_error") if isinstance(payload, dict) else None
        if error:
            raise RecordError(f"{key.replace('_', ' ')} could not be fetched: {error}")

    # ------------------------------------------------------------------
    # stock
    def fetch_stock_levels(self, variant_external_ids=None):
        wanted = {str(item) for item in variant_external_ids} if variant_external_ids is not None else None
        page = 1
        while True:
            result = self.client.get_page("products", {"orderby": "id", "order": "asc"}, page=page)
            for payload in result.items:
                for level in mapper.stock_levels(self._with_variations(payload)):
                    if wanted is None or level.variant_external_id in wanted:
                        yield level
            if page >= result.total_pages or not result.items:
                return
            page += 1

    def push_stock(self, updates):
        """Set ``stock_quantity`` (and ``manage_stock``) through the batch endpoints.

        Simple products go to ``products/batch``, variations to
        ``products/<parent>/variations/batch``; WooCommerce answers item by
        item, and a refused item lands in ``PushResult.failed`` with its
        message.
        """
        result = PushResult()
        groups = {}
        for update in updates:
            variant_id = str(update.variant_external_id)
            product_id = str(update.product_external_id or variant_id)
            if not variant_id.isdigit() or not product_id.isdigit():
                result.failed.append((update, f"not a WooCommerce product id: {variant_id!r}"))
                continue
            path = "products/batch" if product_id == variant_id else f"products/{product_id}/variations/batch"
            groups.setdefault(path, []).append(update)
        for path, group in groups.items():
            bodies = [
                {"id": int(update.variant_external_id), "manage_stock": True, "stock_quantity": int(update.quantity)}
                for update in group
            ]
            try:
                answers = self.client.batch_update(path, bodies)
            except (AuthenticationError, TransientError):
                raise
            except ConnectorError as exc:
                result.failed.extend((update, str(exc)) for update in group)
                continue
            self._read_batch_answers(group, answers, result)
        return result

    @staticmethod
    def _read_batch_answers(group, answers, result):
        by_id = {}
        for answer in answers:
            if isinstance(answer, dict):
                by_id.setdefault(str(answer.get("id")), answer)
        for position, update in enumerate(group):
            answer = answers[position] if position < len(answers) and isinstance(answers[position], dict) else None
            if answer is None or str(answer.get("id")) != str(update.variant_external_id):
                answer = by_id.get(str(update.variant_external_id))
            if answer is None:
                result.failed.append((update, "WooCommerce did not answer for this item"))
            elif answer.get("error"):
                error = answer["error"]
                message = error.get("message") if isinstance(error, dict) else str(error)
                code = error.get("code") if isinstance(error, dict) else ""
                result.failed.append((update, f"{message} ({code})" if code else str(message)))
            elif answer.get("stock_quantity") is not None and int(answer["stock_quantity"]) != int(update.quantity):
                result.failed.append(
                    (update, f"WooCommerce kept stock {answer['stock_quantity']} instead of {update.quantity}")
                )
            else:
                result.accepted.append(update)

    # ------------------------------------------------------------------
    # webhooks
    def _ping_id(self, headers, body):
        """The webhook id of WooCommerce's creation ping, "" when not readable, None when not a ping.

        The ping is an unsigned form post ``webhook_id=<n>`` from WooCommerce's
        "Hookshot" user agent, without any ``X-WC-Webhook-*`` header. A web
        framework may have parsed the form already and leave an empty body:
        then the user agent tells it.
        """
        if self.header(headers, TOPIC_HEADER) or self.header(headers, SIGNATURE_HEADER):
            return None
        raw = (body.encode() if isinstance(body, str) else bytes(body or b"")).strip()
        match = PING_BODY.match(raw)
        if match:
            return match.group(1).decode()
        if not raw and HOOKSHOT_AGENT.search(self.header(headers, "User-Agent")):
            return ""
        return None

    def verify_webhook(self, headers, body):
        """The signature of a delivery, checked in constant time.

        The ping WooCommerce sends when a webhook is saved carries no
        signature and nothing to process: it is let through (and answered
        200, which WooCommerce requires to activate the webhook).
        """
        if self._ping_id(headers, body) is not None:
            return True
        return verify_base64_hmac(self.config.get("webhook_secret"), body, self.header(headers, SIGNATURE_HEADER))

    def parse_webhook(self, headers, body):
        ping = self._ping_id(headers, body)
        if ping is not None:
            return WebhookEvent(delivery_id=f"ping-{ping}" if ping else "ping", topic="ping")
        topic = self.header(headers, TOPIC_HEADER).strip()
        delivery = self.header(headers, DELIVERY_HEADER).strip()
        if not topic or not delivery:
            raise WebhookError(f"missing {TOPIC_HEADER} or {DELIVERY_HEADER} header")
        resource, _sep, event = topic.partition(".")
        flow = WEBHOOK_FLOWS.get(resource)
        if flow is None or (resource == "product" and event == "deleted"):
            return WebhookEvent(delivery_id=delivery, topic=topic)
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise WebhookError(f"the body is not JSON: {exc}") from exc
        if not isinstance(payload, dict) or not payload.get("id"):
            raise WebhookError("the body has no resource id")
        record_id = str(payload["id"])
        if event == "deleted":
            # WooCommerce sends only the id of a deleted (trashed) order: read it back
            return WebhookEvent(
                delivery, topic, flow, record_id, f"{resource}/{record_id}@deleted", payload, refetch=True
            )
        refetch = bool(payload.get("refunds")) if resource == "order" else payload.get("type") == "variable"
        return WebhookEvent(
            delivery,
            topic,
            flow,
            record_id,
            # one delivery id may cover several resources (it is a hash of the
            # webhook id and the second): the resource and its stamp complete it
            f"{resource}/{record_id}@{mapper.revision_of(payload)}",
            payload,
            refetch=refetch,
        )
