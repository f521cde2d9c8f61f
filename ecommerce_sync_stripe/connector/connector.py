"""The Stripe connector: a Stripe account as a store whose records are balance movements.

Configuration (``ecommerce.store._connector_config()``):

``secret_key``
    a secret key (``sk_test_``/``sk_live_``) or a restricted key with read
    access (``rk_``); test or live mode is read from its prefix
``api_version``
    the pinned ``Stripe-Version`` (:data:`~.client.DEFAULT_API_VERSION`)
``webhook_secrets`` (and the base's ``webhook_secret``)
    the signing secrets of the account's webhook endpoint; two at once while
    one is being rolled
``api_base`` / ``local_test_account``
    Stripe's address, or a local test account on 127.0.0.1 (the sandbox)
    for a store marked as one
``site_urls``
    addresses of the stores paid through this account (e.g. a WooCommerce
    site): their charges are their orders, matched on the Odoo side

Flows, each walked oldest first from its cursor (:mod:`.cursors`):

``orders``
    charges (``GET /v1/charges``, balance transaction expanded): a direct
    sale becomes an :class:`Order` (from its Checkout Session and line items
    when it has one: the sessions of a page are listed in one call, their
    line items read one session at a time), a failed charge a
    :class:`FailedPayment`; a charge of another store's order gives nothing here
``refunds``
    refunds of direct sales (``GET /v1/refunds``, charge expanded)
``payouts``
    the ledger: every balance transaction (``GET /v1/balance_transactions``,
    source expanded) as a :class:`BalanceMovement`; a payout's own
    transaction also brings the :class:`BalancePayout` with the transactions
    it settles (``?payout=po_...``, automatic payouts), a dispute's the
    :class:`Dispute` as it stands

Each flow then reads the events (``GET /v1/events``) of changes the lists
cannot show (a payout paid or failed, a dispute won or lost, a refund
failed, a charge captured) and reads their objects again.

Stripe keeps no stock: :meth:`push_stock` and :meth:`fetch_stock_levels`
do nothing.
"""

import logging

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    ConnectionInfo,
    Connector,
    NotFoundError,
    Order,
    Page,
    PushResult,
    RawRecord,
    RecordError,
    TransientError,
    register_connector,
)

from . import money, webhooks
from .balances import BalanceHistory
from .client import (
    DEFAULT_API_BASE,
    DEFAULT_API_VERSION,
    ID_PATTERN,
    PAGE_LIMIT,
    PermissionRefused,
    StripeClient,
    valid_id,
)
from .cursors import FlowCursor, read_events, walk_forward
from .orders import parse_order_bundle
from .payments import charge_match, object_id, order_key
from .payouts import parse_balance_transaction, parse_dispute, parse_payout
from .refunds import parse_refund_bundle

_logger = logging.getLogger(__name__)

CHARGE_EXPAND = ["balance_transaction"]
LINE_ITEM_EXPAND = ["data.price.product", "data.taxes", "data.discounts"]
SESSION_EXPAND = ["data.shipping_cost.shipping_rate"]
#: the longest a Checkout Session stays open before its payment (seconds)
SESSION_LIFETIME = 86400
#: what the connector reads, probed for a restricted key: (resource, path)
READ_PROBES = (
    ("Balance transactions", "balance_transactions"),
    ("Charges", "charges"),
    ("Refunds", "refunds"),
    ("Disputes", "disputes"),
    ("Payouts", "payouts"),
    ("PaymentIntents", "payment_intents"),
    ("Checkout Sessions", "checkout/sessions"),
    ("Events", "events"),
)
#: payout statuses once the money left the balance: the balance after it is read
SENT_STATUSES = ("in_transit", "paid")
#: per flow: (list path, list params, event types that show changes the list cannot)
FLOW_LISTS = {
    "orders": ("charges", {"expand": ["data.balance_transaction"]}, ("charge.captured", "charge.succeeded")),
    "refunds": ("refunds", {"expand": ["data.charge"]}, ("refund.updated", "refund.failed", "charge.refund.updated")),
    "payouts": (
        "balance_transactions",
        {"expand": ["data.source"]},
        (
            "payout.paid",
            "payout.failed",
            "payout.canceled",
            "payout.updated",
            "charge.dispute.updated",
            "charge.dispute.closed",
            "charge.dispute.funds_reinstated",
        ),
    ),
}


@register_connector
class StripeConnector(Connector):
    platform = "stripe"
    label = "Stripe"
    flows = ("orders", "refunds", "payouts")
    push_batch_size = 100
    holds_balance = True
    #: the WooCommerce Stripe Gateway's payment method id
    gateway_codes = ("stripe",)

    #: the balance after each payout, read once per connector (:mod:`.balances`)
    _balances = None

    def make_client(self):
        config = self.config
        return StripeClient(
            config.get("secret_key"),
            api_version=config.get("api_version") or DEFAULT_API_VERSION,
            api_base=config.get("api_base") or DEFAULT_API_BASE,
            local_test_account=bool(config.get("local_test_account")),
        )

    @property
    def webhook_secrets(self):
        secrets = list(self.config.get("webhook_secrets") or []) + [self.config.get("webhook_secret")]
        return list(dict.fromkeys(secret.strip() for secret in secrets if secret and secret.strip()))

    def linked_site(self, match):
        """The configured store address (``site_urls``) a payment's order comes from, or "".

        :param PaymentMatch match: the keys of a charge, refund or dispute movement
        """
        if match is None or not match.names_an_order:
            return ""
        return next((url for url in self.config.get("site_urls") or [] if match.is_from(url)), "")

    # ------------------------------------------------------------------
    # connection
    def test_connection(self):
        """Read the account and its balance; for a restricted key, check every read the connector needs.

        :raise AuthenticationError: when the key is refused
        :raise PermissionRefused: when a restricted key lacks read permissions (all are named)
        """
        missing = []
        try:
            account = self.client.get_object("account")
        except PermissionRefused as exc:
            # a restricted key may not read the account's identity; it is not needed for syncing
            account, account_error = {}, exc.permission or "account read"
        else:
            account_error = ""
        try:
            balance = self.client.get_object("balance")
        except PermissionRefused as exc:
            balance = {}
            missing.append(("Balance", exc.permission))
        if self.client.restricted:
            for resource, path in READ_PROBES:
                try:
                    self.client.list_page(path, limit=1)
                except PermissionRefused as exc:
                    missing.append((resource, exc.permission))
        if missing:
            names = ", ".join(
                f"{resource} ({permission})" if permission else resource for resource, permission in missing
            )
            raise PermissionRefused(
                f"The restricted key cannot read what the connector needs: {names}. In Stripe's Dashboard, "
                "give the key Read access to these resources.",
                403,
                permission=",".join(permission for _resource, permission in missing if permission),
            )
        settings = (account.get("settings") or {}).get("dashboard") or {}
        profile = account.get("business_profile") or {}
        name = settings.get("display_name") or profile.get("name") or account.get("email") or account.get("id")
        return ConnectionInfo(
            name=name or "Stripe account",
            currency=str(account.get("default_currency") or "").upper(),
            details={
                "mode": self.client.mode,
                "account_id": str(account.get("id") or ""),
                "country": str(account.get("country") or ""),
                "api_version": self.client.api_version,
                "restricted_key": self.client.restricted,
                "account_not_readable": account_error,
                "balance_available": self._balance(balance.get("available")),
                "balance_pending": self._balance(balance.get("pending")),
            },
        )

    @staticmethod
    def _balance(entries):
        amounts = {}
        for entry in entries or []:
            code = money.currency_code(entry.get("currency"), "balance currency")
            amounts[code] = str(money.amount(entry.get("amount"), code, "balance amount"))
        return amounts

    # ------------------------------------------------------------------
    # pull
    def fetch_orders(self, cursor):
        return self._pull("orders", cursor, self._order_record, self._page_sessions)

    def fetch_refunds(self, cursor):
        return self._pull("refunds", cursor, self._refund_record)

    def fetch_payouts(self, cursor):
        return self._pull("payouts", cursor, self._ledger_record)

    def _pull(self, flow, text, record_of, page_context=None):
        """Pages of ``flow``: the list walked from the cursor, then the events of later changes.

        :param page_context: called with each page's objects; what it returns is
            passed to ``record_of`` with each object (e.g. the page's Checkout Sessions)
        """
        path, params, event_types = FLOW_LISTS[flow]
        cursor = FlowCursor.parse(text)
        read_from = cursor.anchor_created if cursor.anchor_id else cursor.since
        events, events_at, events_seen = read_events(self.client, event_types, cursor.events_at, cursor.events_seen)
        for objects in walk_forward(self.client, path, params, cursor):
            if page_context is None:
                records = [record_of(obj) for obj in objects]
            else:
                context = page_context(objects)
                records = [record_of(obj, context) for obj in objects]
            yield Page(records, cursor=str(cursor), more=True)
        # objects created since the walk started were just read as they are now
        wanted = {}
        for event in events:
            obj = (event.get("data") or {}).get("object") or {}
            if read_from is not None and int(obj.get("created") or 0) > read_from:
                continue
            object_id_ = webhooks.event_object_id(str(event.get("type") or ""), obj)
            if ID_PATTERN.match(object_id_):
                wanted.pop(object_id_, None)
                wanted[object_id_] = True
        cursor.events_at, cursor.events_seen = events_at, events_seen
        records = []
        for object_id_ in wanted:
            try:
                records.append(self.fetch_record(flow, object_id_))
            except (AuthenticationError, TransientError):
                raise
            except ApiError as exc:
                _logger.warning("Stripe %s: %s could not be read again: %s", flow, object_id_, exc)
        for start in range(0, max(len(records), 1), PAGE_LIMIT):
            last = start + PAGE_LIMIT >= len(records)
            yield Page(records[start : start + PAGE_LIMIT], cursor=str(cursor), more=not last)

    # ------------------------------------------------------------------
    # raw records
    def _session_of(self, intent_id):
        """The Checkout Session that made a payment intent, or None."""
        page = self.client.list_page(
            "checkout/sessions", {"payment_intent": intent_id, "expand": SESSION_EXPAND}, limit=1
        )
        return page.data[0] if page.data and isinstance(page.data[0], dict) else None

    def _page_sessions(self, charges):
        """``{payment intent id: Checkout Session}`` of the sessions that can have paid ``charges``.

        One list call per 100 sessions created in the page's time span (a
        session lives 24 hours at most), instead of one lookup per charge.
        """
        stamps = [int(charge.get("created") or 0) for charge in charges]
        params = {"created": {"gte": min(stamps) - SESSION_LIFETIME, "lte": max(stamps)}, "expand": SESSION_EXPAND}
        return {
            object_id(session.get("payment_intent")): session
            for session in self.client.list_all("checkout/sessions", params)
            if isinstance(session, dict) and session.get("payment_intent")
        }

    def _order_record(self, charge, sessions=None, direct_sale=False):
        """A charge and what its order needs: its Checkout Session and line items, for a direct sale.

        :param dict sessions: the sessions of the charge's page by payment intent
            (the session is looked up alone when None)
        :param bool direct_sale: a sale of the account's own even when it names another store's order
        """
        bundle = {"charge": charge, "checkout_session": None, "line_items": None}
        intent = object_id(charge.get("payment_intent"))
        direct = charge.get("status") != "failed" and (direct_sale or not charge_match(charge).names_an_order)
        if intent and direct:
            if sessions is None:
                session = self._session_of(valid_id(intent, "payment intent"))
            else:
                session = sessions.get(intent)
            if session is not None:
                session_id = valid_id(session.get("id"), "checkout session")
                bundle["checkout_session"] = session
                bundle["line_items"] = list(
                    self.client.list_all(f"checkout/sessions/{session_id}/line_items", {"expand": LINE_ITEM_EXPAND})
                )
        key = object_id(charge.get("id")) if charge.get("status") == "failed" else order_key(charge)
        return RawRecord(key, bundle, str(charge.get("status") or ""))

    def _refund_record(self, refund):
        bundle = {"refund": refund, "checkout_session": None}
        charge = refund.get("charge")
        intent = object_id(refund.get("payment_intent"))
        if intent and isinstance(charge, dict) and not charge_match(charge).names_an_order:
            bundle["checkout_session"] = self._session_of(valid_id(intent, "payment intent"))
        return RawRecord(str(refund.get("id") or ""), bundle, str(refund.get("status") or ""))

    def _payout_bundle(self, payout):
        """A payout, the transactions it settles (automatic payouts) and, once it is sent, the balance
        right after it left (``balance_after``, minor units of its currency: :mod:`.balances`)."""
        payout_id = valid_id(payout.get("id"), "payout")
        lines = None
        if payout.get("automatic"):
            params = {"payout": payout_id, "expand": ["data.source"]}
            lines = list(self.client.list_all("balance_transactions", params))
        bundle = {"payout": payout, "balance_transactions": lines}
        own = object_id(payout.get("balance_transaction"))
        if own and payout.get("status") in SENT_STATUSES:
            if self._balances is None:
                self._balances = BalanceHistory(self.client)
            after = self._balances.after(valid_id(own, "balance transaction"))
            if after is not None:
                bundle["balance_after"] = after.get(money.currency_code(payout.get("currency"), "payout currency"), 0)
        return bundle

    def _ledger_record(self, txn):
        """A balance transaction; a payout's or a dispute's also brings that payout or dispute."""
        source = txn.get("source")
        kind = source.get("object") if isinstance(source, dict) else ""
        if kind == "payout":
            payload = {"balance_transaction": txn, **self._payout_bundle(source)}
        elif kind == "dispute":
            payload = {"balance_transaction": txn, "dispute": source}
        else:
            payload = txn
        return RawRecord(str(txn.get("id") or ""), payload, str(txn.get("status") or ""))

    def fetch_record(self, flow, external_id):
        """Read one object again (webhook hints, retries); ``external_id`` is any id the flow knows.

        :raise NotFoundError: when the id is not a Stripe id or not one of this flow
        """
        object_id_ = valid_id(external_id)
        prefix = object_id_.split("_", 1)[0]
        if flow == "orders" and prefix in ("ch", "py"):
            charge = self.client.get_object(f"charges/{object_id_}", {"expand": CHARGE_EXPAND})
            return RawRecord(object_id_, self._order_record(charge).payload)
        if flow == "orders" and prefix == "pi":
            intent = self.client.get_object(f"payment_intents/{object_id_}")
            charge_id = object_id(intent.get("latest_charge"))
            if charge_id:
                return self.fetch_record(flow, charge_id)
            return RawRecord(object_id_, {"payment_intent": intent, "charge": None})
        if flow == "refunds" and prefix in ("re", "pyr"):
            refund = self.client.get_object(f"refunds/{object_id_}", {"expand": ["charge"]})
            return RawRecord(object_id_, self._refund_record(refund).payload)
        if flow == "refunds" and prefix in ("ch", "py"):
            refunds = self.client.list_all("refunds", {"charge": object_id_, "expand": ["data.charge"]})
            return RawRecord(object_id_, {"refunds": [self._refund_record(item).payload for item in refunds]})
        if flow == "payouts" and prefix == "po":
            payout = self.client.get_object(f"payouts/{object_id_}")
            return RawRecord(object_id_, self._payout_bundle(payout), str(payout.get("status") or ""))
        if flow == "payouts" and prefix in ("dp", "du"):
            dispute = self.client.get_object(f"disputes/{object_id_}", {"expand": ["charge"]})
            return RawRecord(object_id_, dispute, str(dispute.get("status") or ""))
        if flow == "payouts" and prefix == "txn":
            txn = self.client.get_object(f"balance_transactions/{object_id_}", {"expand": ["source"]})
            return self._ledger_record(txn)
        raise NotFoundError(f"{object_id_} is not a Stripe object of the {flow} flow", 404)

    def fetch_direct_sale(self, payment_id):
        """The order of a charge as a direct sale of the account (its session's lines, else its amount).

        :param str payment_id: the charge id (``ch_``/``py_``) of a balance movement
        :raise NotFoundError: when the id is not a charge's
        """
        charge_id = valid_id(payment_id, "charge")
        if charge_id.split("_", 1)[0] not in ("ch", "py"):
            raise NotFoundError(f"{charge_id} is not a Stripe charge", 404)
        charge = self.client.get_object(f"charges/{charge_id}", {"expand": CHARGE_EXPAND})
        bundle = self._order_record(charge, direct_sale=True).payload
        orders = parse_order_bundle(bundle, direct_sale=True)
        if not orders or not isinstance(orders[0], Order):
            raise RecordError(f"charge {charge_id} did not succeed: it is no sale")
        return orders[0]

    # ------------------------------------------------------------------
    # parse
    def parse_orders(self, payload):
        return parse_order_bundle(payload)

    def parse_refunds(self, payload):
        if isinstance(payload, dict) and isinstance(payload.get("refunds"), list):
            return [record for item in payload["refunds"] for record in parse_refund_bundle(item)]
        return parse_refund_bundle(payload)

    def parse_payouts(self, payload):
        """A balance transaction, a payout bundle or a dispute (with the transaction that brought them)."""
        if not isinstance(payload, dict):
            raise RecordError(f"not a Stripe object: {str(payload)[:120]!r}")
        if "payout" in payload:
            records = [parse_payout(payload)]
        elif "dispute" in payload:
            records = [parse_dispute(payload["dispute"])]
        elif payload.get("object") == "dispute":
            return [parse_dispute(payload)]
        else:
            return [parse_balance_transaction(payload)]
        if isinstance(payload.get("balance_transaction"), dict):
            records.insert(0, parse_balance_transaction(payload["balance_transaction"]))
        return records

    # ------------------------------------------------------------------
    # stock: Stripe holds money, not goods
    def push_stock(self, updates):
        """Stripe keeps no stock: nothing is sent, nothing is refused."""
        return PushResult()

    def fetch_stock_levels(self, variant_external_ids=None):
        """Stripe keeps no stock: there are no levels to read."""
        return iter(())

    # ------------------------------------------------------------------
    # webhooks
    def verify_webhook(self, headers, body):
        return webhooks.verify(self.webhook_secrets, headers, body)

    def parse_webhook(self, headers, body):
        return webhooks.parse(body, mode=self.client.mode)
