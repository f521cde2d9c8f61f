"""The PayPal connector: a PayPal business account as a store whose records are balance movements.

Configuration (``ecommerce.store._connector_config()``):

``client_id``, ``client_secret``
    the REST app's credentials (OAuth 2 client credentials); the app needs
    the *Transaction search* feature
``environment``
    "live" (``https://api-m.paypal.com``) or "sandbox" (``https://api-m.sandbox.paypal.com``)
``api_base`` / ``local_test_account``
    a local address (the sandbox on this machine), for a store marked as a local test account only
``webhook_id``
    the id PayPal gave the store's webhook (it is part of what PayPal signs)
``invoice_prefixes``
    ``{invoice prefix: site address}`` of the stores paid through this
    account (WooCommerce PayPal Payments writes ``WC-<order number>``;
    ``{"WC-": ""}`` by default): their payments are their orders
``history_days``
    how far back a first sync reads (90 days by default)

Every flow reads Transaction Search (``GET /v1/reporting/transactions``) in
windows of at most 31 days (:mod:`.cursors`); each keeps what it imports:

``orders``
    payments (T00nn): a direct sale becomes an :class:`Order`, a denied
    payment a :class:`FailedPayment`, another store's payment nothing (its
    money comes with the ledger); a direct sale without cart items brings its
    capture and Orders v2 order (``GET /v2/payments/captures/{id}``,
    ``GET /v2/checkout/orders/{id}``)
``refunds``
    refunds of direct sales, with the payment they refund (for the tax share)
``payouts``
    the ledger: every transaction as a :class:`BalanceMovement`; a
    withdrawal to the bank (T04nn) also as a :class:`BalancePayout` of the
    movements since the previous withdrawal in its currency, a chargeback
    with its :class:`Dispute`, a currency conversion leg with its counterpart

PayPal keeps no stock: :meth:`push_stock` and :meth:`fetch_stock_levels` do nothing.
"""

import logging
from datetime import timedelta

from odoo.addons.ecommerce_sync.connector import (
    ConnectionInfo,
    Connector,
    NotFoundError,
    Page,
    PushResult,
    RawRecord,
    RecordError,
    register_connector,
    to_datetime,
)

from . import codes, money, webhooks
from .client import OBJECT_ID, PayPalClient, valid_id
from .cursors import DEFAULT_HISTORY, WINDOW, initiated, walk
from .money import text
from .orders import parse_payment_bundle
from .payments import GATEWAY_CODES, info, payment_match, prefixes_of
from .payouts import parse_ledger
from .refunds import parse_refund_bundle

_logger = logging.getLogger(__name__)

#: windows read back (31 days each) to find the withdrawal before the first one of a run
LOOKBACK_WINDOWS = 6


def revision(detail):
    data = info(detail)
    return f"{text(data.get('transaction_updated_date'))}|{text(data.get('transaction_status'))}"


def _gross(detail):
    """The transaction's signed gross, or None when unreadable (the record then fails alone when parsed)."""
    try:
        value, _currency = money.money(info(detail).get("transaction_amount"), "transaction_amount")
    except RecordError:
        return None
    return value


class RunRows:
    """The transactions one run has read, in order: what payouts and conversions are put together from."""

    def __init__(self, start=None):
        self.start = start
        self.rows = []
        self.seen = set()
        self.earlier = None

    def add(self, detail):
        """Keep ``detail``; False when this run has read it already (a window boundary)."""
        key = (text(info(detail).get("transaction_id")), revision(detail))
        if key in self.seen:
            return False
        self.seen.add(key)
        self.rows.append(detail)
        return True

    def find(self, txn_id):
        return next((row for row in self.rows if text(info(row).get("transaction_id")) == txn_id), None)


@register_connector
class PayPalConnector(Connector):
    platform = "paypal"
    label = "PayPal"
    flows = ("orders", "refunds", "payouts")
    push_batch_size = 100
    holds_balance = True
    #: WooCommerce's PayPal gateways (:data:`.payments.GATEWAY_CODES`)
    gateway_codes = GATEWAY_CODES

    def make_client(self):
        config = self.config
        return PayPalClient(
            config.get("client_id"),
            config.get("client_secret"),
            environment=config.get("environment") or "live",
            api_base=config.get("api_base") or "",
            local_test_account=bool(config.get("local_test_account")),
        )

    @property
    def prefixes(self):
        return prefixes_of(self.config.get("invoice_prefixes"))

    @property
    def history(self):
        days = self.config.get("history_days")
        return timedelta(days=int(days)) if days else DEFAULT_HISTORY

    def linked_site(self, match):
        """The configured store address a payment's order comes from ("" when unknown or a direct sale)."""
        return match.site_url if match is not None and match.names_an_order else ""

    # ------------------------------------------------------------------
    # connection
    def test_connection(self):
        """Obtain a token and read the balances (``GET /v1/reporting/balances``)."""
        body = self.client.get_object("v1/reporting/balances")
        balances, primary = {}, ""
        for entry in body.get("balances") or []:
            if not isinstance(entry, dict):
                continue
            code = money.currency_code(entry.get("currency"), "balance currency")
            balances[code] = {
                key: str(money.amount(entry.get(f"{key}_balance"), code, f"{key}_balance"))
                for key in ("total", "available", "withheld")
            }
            if entry.get("primary") or not primary:
                primary = code if entry.get("primary") or not primary else primary
        account = text(body.get("account_id"))
        return ConnectionInfo(
            name=f"PayPal account {account}" if account else "PayPal account",
            currency=primary,
            details={"environment": self.client.environment, "account_id": account, "balances": balances},
        )

    # ------------------------------------------------------------------
    # pull
    def fetch_orders(self, cursor):
        return self._pull("orders", cursor)

    def fetch_refunds(self, cursor):
        return self._pull("refunds", cursor)

    def fetch_payouts(self, cursor):
        return self._pull("payouts", cursor)

    @staticmethod
    def belongs(flow, detail):
        """The transaction is a record of ``flow``."""
        code = text(info(detail).get("transaction_event_code"))
        gross = _gross(detail)
        if gross is None:
            return flow == "payouts"
        if flow == "orders":
            return codes.is_payment(code) and gross > 0
        if flow == "refunds":
            return codes.category(code, gross) == "refund"
        return True

    def _pull(self, flow, text_):
        run = None
        for details, cursor, more, window_start in walk(self.client, text_, history=self.history):
            if run is None:
                run = RunRows(start=window_start)
            fresh = [detail for detail in details if run.add(detail)]
            items = [self._record(flow, detail, run) for detail in fresh if self.belongs(flow, detail)]
            yield Page(items, cursor=cursor, more=more)

    # ------------------------------------------------------------------
    # raw records
    def _record(self, flow, detail, run):
        txn_id = text(info(detail).get("transaction_id"))
        if flow == "orders":
            payload = {"transaction": detail, "capture": None, "order": None}
            cart = detail.get("cart_info") if isinstance(detail.get("cart_info"), dict) else {}
            direct = not payment_match(detail, self.prefixes).names_an_order
            if direct and not cart.get("item_details") and text(info(detail).get("transaction_status")) == "S":
                payload.update(self._payment_detail(txn_id))
        elif flow == "refunds":
            payload = {"refund": detail, "payment": None}
            if not payment_match(detail, self.prefixes).names_an_order:
                payload["payment"] = self._payment_of(text(info(detail).get("paypal_reference_id")), run)
        else:
            payload = self._ledger_payload(detail, run)
        return RawRecord(txn_id, payload, revision(detail))

    def _payment_detail(self, capture_id):
        """The capture of a payment and the Orders v2 order it belongs to (``{}`` when PayPal has none)."""
        try:
            capture = self.client.get_object(f"v2/payments/captures/{valid_id(capture_id, 'capture')}")
        except NotFoundError:
            return {}
        found = {"capture": capture}
        order_id = text(((capture.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id"))
        if order_id:
            try:
                found["order"] = self.client.get_object(f"v2/checkout/orders/{valid_id(order_id, 'order')}")
            except NotFoundError:
                found["order"] = None
        return found

    def _payment_of(self, txn_id, run):
        """The payment transaction ``txn_id`` (a refund's), from this run or looked up; None when not found."""
        if not txn_id:
            return None
        found = run.find(txn_id) if run is not None else None
        if found is not None:
            return found
        try:
            return self._find(valid_id(txn_id, "payment"), self._time_of(txn_id))
        except NotFoundError:
            return None

    def _ledger_payload(self, detail, run):
        data = info(detail)
        code = text(data.get("transaction_event_code"))
        gross = _gross(detail)
        if gross is not None and codes.is_withdrawal(code, gross):
            return {"transaction": detail, "settled": self._settled(detail, run)}
        if code.startswith("T02"):
            reference = text(data.get("paypal_reference_id"))
            currency = (data.get("transaction_amount") or {}).get("currency_code")
            counterpart = next(
                (
                    row
                    for row in run.rows
                    if row is not detail
                    and text(info(row).get("transaction_event_code")).startswith("T02")
                    and text(info(row).get("paypal_reference_id")) == reference
                    and (info(row).get("transaction_amount") or {}).get("currency_code") != currency
                ),
                None,
            )
            return {"transaction": detail, "counterpart": counterpart}
        return detail

    def _settled(self, withdrawal, run):
        """The transactions a withdrawal settles: those since the previous withdrawal in its currency."""
        currency = (info(withdrawal).get("transaction_amount") or {}).get("currency_code")
        index = next(i for i, row in enumerate(run.rows) if row is withdrawal)
        rows = run.rows[:index]
        if not any(self._is_withdrawal(row, currency) for row in rows):
            if run.earlier is None:
                run.earlier = self._look_back(run.start or initiated(withdrawal), currency)
            known = {text(info(row).get("transaction_id")) for row in rows}
            rows = [row for row in run.earlier if text(info(row).get("transaction_id")) not in known] + rows
        last = max((i for i, row in enumerate(rows) if self._is_withdrawal(row, currency)), default=-1)
        return [
            row
            for row in rows[last + 1 :]
            if (info(row).get("transaction_amount") or {}).get("currency_code") == currency
            and not self._is_withdrawal(row, currency)
        ]

    @staticmethod
    def _is_withdrawal(row, currency):
        gross = _gross(row)
        code = text(info(row).get("transaction_event_code"))
        same = (info(row).get("transaction_amount") or {}).get("currency_code") == currency
        return same and gross is not None and codes.is_withdrawal(code, gross)

    def _look_back(self, before, currency):
        """The transactions before ``before`` back to the previous withdrawal in ``currency`` (6 windows at most)."""
        found = []
        end = before
        for _window in range(LOOKBACK_WINDOWS):
            start = end - WINDOW
            rows = []
            page, pages = 1, 1
            while page <= pages:
                body = self.client.search(start, end, page=page)
                pages = max(int(body.get("total_pages") or 1), 1)
                rows += [row for row in body.get("transaction_details") or [] if isinstance(row, dict)]
                page += 1
            rows = [row for row in rows if initiated(row) and initiated(row) < before]
            found = rows + found
            if any(self._is_withdrawal(row, currency) for row in rows):
                break
            end = start
        return found

    # ------------------------------------------------------------------
    def _time_of(self, txn_id):
        """When a payment or refund was made, from the v2 API (a capture or a refund of that id)."""
        for path in (f"v2/payments/captures/{txn_id}", f"v2/payments/refunds/{txn_id}"):
            try:
                found = self.client.get_object(path)
            except NotFoundError:
                continue
            moment = to_datetime(found.get("create_time"), "create_time")
            if moment is not None:
                return moment
        raise NotFoundError(
            f"PayPal knows no capture or refund {txn_id}: give the transaction with its date ({txn_id}@YYYY-MM-DD)",
            404,
        )

    def _find(self, txn_id, moment):
        """The Transaction Search detail of ``txn_id`` made around ``moment``."""
        body = self.client.search(moment - timedelta(days=1), moment + timedelta(days=2), transaction_id=txn_id)
        for detail in body.get("transaction_details") or []:
            if isinstance(detail, dict) and text(info(detail).get("transaction_id")) == txn_id:
                return detail
        raise NotFoundError(f"PayPal's transaction search does not list {txn_id} around {moment:%Y-%m-%d}", 404)

    def fetch_record(self, flow, external_id):
        """Read one record again (webhook hints, retries).

        ``external_id`` is a transaction id (``<id>@<YYYY-MM-DD>`` when the
        v2 APIs do not know it: a withdrawal, a fee), or a dispute id for the
        payouts flow.

        :raise NotFoundError: when the id is not PayPal's or PayPal has no such record of this flow
        """
        bare, _sep, when = text(external_id).partition("@")
        if flow == "payouts" and bare.startswith("PP-"):
            dispute_id = valid_id(bare, "dispute", OBJECT_ID)
            dispute = self.client.get_object(f"v1/customer/disputes/{dispute_id}")
            return RawRecord(dispute_id, {"dispute": dispute}, text(dispute.get("update_time")))
        txn_id = valid_id(bare, "transaction")
        moment = to_datetime(when, "date") if when else self._time_of(txn_id)
        detail = self._find(txn_id, moment)
        if not self.belongs(flow, detail):
            raise NotFoundError(f"{txn_id} is not a PayPal record of the {flow} flow", 404)
        run = RunRows(start=initiated(detail))
        run.add(detail)
        return self._record(flow, detail, run)

    # ------------------------------------------------------------------
    # parse
    def parse_orders(self, payload):
        return parse_payment_bundle(payload, self.prefixes)

    def parse_refunds(self, payload):
        return parse_refund_bundle(payload, self.prefixes)

    def parse_payouts(self, payload):
        if not isinstance(payload, dict):
            raise RecordError(f"not a PayPal payload: {str(payload)[:120]!r}")
        return parse_ledger(payload, self.prefixes)

    # ------------------------------------------------------------------
    # stock: PayPal holds money, not goods
    def push_stock(self, updates):
        """PayPal keeps no stock: nothing is sent, nothing is refused."""
        return PushResult()

    def fetch_stock_levels(self, variant_external_ids=None):
        """PayPal keeps no stock: there are no levels to read."""
        return iter(())

    # ------------------------------------------------------------------
    # webhooks
    def verify_webhook(self, headers, body):
        return webhooks.verify(
            self.client,
            self.config.get("webhook_id"),
            headers,
            body,
            self.client.environment,
            bool(self.config.get("local_test_account")),
        )

    def parse_webhook(self, headers, body):
        return webhooks.parse(body)
