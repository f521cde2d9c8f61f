"""Shopify Payments payouts and balance transactions -> canonical Payout and PayoutLine.

Balance transactions are in the payout currency. ``amount`` is the gross
(positive for charges, negative for refunds and debits), ``fee`` what Shopify
kept (positive, a cost of the store) and ``net = amount - fee``. The payout's
amount is the sum of the nets of the transactions it settles. The balance
transaction of type "payout" (the transfer itself) is not a line.

Shopify lists payouts newest first and has no ``updated_at``: the payouts
since the cursor's date are read, sorted by date and id, and yielded one page
per payout until the first one still scheduled or in transit, which stops the
run so that the cursor (``<date>|<id>`` of the last settled payout) never
passes it. Payouts at or before the cursor are not read again (a cursor of a
bare date re-reads that date).
"""

from datetime import datetime, time, timezone

from odoo.addons.ecommerce_sync.connector import (
    NotFoundError,
    Page,
    Payout,
    PayoutLine,
    RawRecord,
    RecordError,
    describe,
    numeric_id,
    object_list,
    optional_id,
    require_object,
    required_id,
    to_datetime,
    to_decimal,
)

from .client import PAGE_SIZE
from .payloads import text

LINE_KINDS = {
    "charge": "charge",
    "refund": "refund",
    "dispute": "dispute",
    "reserve": "reserve",
    "adjustment": "adjustment",
    "credit": "adjustment",
    "debit": "adjustment",
}
STATUSES = {
    "scheduled": "scheduled",
    "in_transit": "in_transit",
    "paid": "paid",
    "failed": "failed",
    "canceled": "cancelled",
    "cancelled": "cancelled",
}
#: payouts whose money is settled one way or the other
FINAL_STATUSES = frozenset(("paid", "failed", "canceled", "cancelled"))


def payout_date(value):
    """A payout's date ("2025-03-04") as an aware UTC datetime at midnight."""
    if not value:
        return None
    text_value = str(value)
    if "T" in text_value:
        return to_datetime(text_value, "payout date")
    try:
        day = datetime.strptime(text_value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise RecordError(f"payout date: expected YYYY-MM-DD, got {value!r}") from exc
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def payout_position(payout):
    """Where a payout (a ``/payouts.json`` object) stands in the payouts flow: ``(date, id)``."""
    return str(payout.get("date") or "")[:10], int(numeric_id(payout.get("id")) or 0)


def cursor_position(cursor):
    """The position a payouts cursor (``"<date>|<id>"``, or a bare date) marks as handled.

    A bare date marks nothing of that date as handled: its payouts are read again.
    """
    day, _sep, payout_id = str(cursor or "").partition("|")
    return day[:10], int(payout_id) if payout_id.isdigit() else 0


def parse_balance_transaction(data, currency=""):
    require_object(data, "a balance transaction")
    line_id = required_id(data.get("id"), "balance transaction id")
    what = f"balance transaction {line_id}"
    kind = text(data.get("type")).lower()
    amount = to_decimal(data.get("amount"), f"{what} amount")
    fee = to_decimal(data.get("fee"), f"{what} fee")
    net = to_decimal(data.get("net"), f"{what} net") if "net" in data else amount - fee
    description = kind
    if data.get("adjustment_reason"):
        description = f"{kind}: {data['adjustment_reason']}"
    return PayoutLine(
        external_id=line_id,
        kind=LINE_KINDS.get(kind, "other"),
        amount=amount,
        fee=fee,
        net=net,
        currency=text(data.get("currency")) or currency,
        order_external_id=optional_id(data.get("source_order_id"), f"{what} source_order_id"),
        transaction_external_id=optional_id(
            data.get("source_order_transaction_id"), f"{what} source_order_transaction_id"
        ),
        processed_at=to_datetime(data.get("processed_at"), "balance transaction processed_at"),
        description=description,
    )


def parse_payout(payload):
    """A payout with its balance transactions as a canonical :class:`Payout`.

    :param payload: ``{"payout": {...}, "transactions": [...]}`` as the
        connector fetches it, or a bare payout (no lines then)
    """
    if isinstance(payload, dict) and isinstance(payload.get("payout"), dict):
        payout = payload["payout"]
        transactions = object_list(payload, "transactions", "payout balance transactions")
    else:
        payout, transactions = payload, []
    require_object(payout, "a Shopify payout")
    payout_id = required_id(payout.get("id"), "payout id")
    currency = text(payout.get("currency"))
    if not currency:
        raise RecordError(f"payout {payout_id} has no currency")
    return Payout(
        external_id=payout_id,
        currency=currency,
        amount=to_decimal(payout.get("amount"), f"payout {payout_id} amount"),
        date=payout_date(payout.get("date")),
        status=STATUSES.get(text(payout.get("status")).lower(), "scheduled"),
        lines=[
            parse_balance_transaction(item, currency)
            for item in transactions
            if text(item.get("type")).lower() != "payout"
        ],
    )


# ----------------------------------------------------------------------
# reading payouts
def fetch_payouts(client, cursor, page_size=PAGE_SIZE):
    """Yield one :class:`Page` per settled payout after ``cursor``, oldest first (see the module's description)."""
    after = cursor_position(cursor)
    params = {"limit": page_size}
    if cursor:
        params["date_min"] = after[0]
    payouts = []
    for batch, _response in client.paginate("shopify_payments/payouts.json", params, "payouts"):
        # what is not a payout object carries no position in the flow: it cannot be read, nor placed
        payouts.extend(payout for payout in batch if isinstance(payout, dict))
    payouts.sort(key=payout_position)
    for payout in payouts:
        if payout_position(payout) <= after:
            continue
        if str(payout.get("status") or "").lower() not in FINAL_STATUSES:
            break
        day, payout_id = payout_position(payout)
        yield Page([payout_record(client, payout)], cursor=f"{day}|{payout_id}")


def fetch_payout(client, external_id):
    """One payout with its balance transactions, as a :class:`RawRecord`.

    :raise NotFoundError: when the shop has no such payout
    """
    payout_id = numeric_id(external_id)
    if not payout_id:
        raise NotFoundError(f"{describe(external_id)} is not a Shopify payout id", 404)
    return payout_record(client, client.get_object(f"shopify_payments/payouts/{payout_id}.json", "payout"))


def payout_record(client, payout):
    """A payout and every balance transaction it settles (none read for an id that is not a Shopify id)."""
    payout_id = numeric_id(payout.get("id"))
    transactions = []
    if payout_id:
        params = {"payout_id": payout_id, "limit": PAGE_SIZE}
        for batch, _response in client.paginate("shopify_payments/balance/transactions.json", params, "transactions"):
            transactions.extend(batch)
    payload = {"payout": payout, "transactions": transactions}
    return RawRecord(payout_id, payload, str(payout.get("status") or ""))
