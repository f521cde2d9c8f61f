"""Stripe balance transactions, payouts and disputes -> canonical balance records.

A balance transaction is one movement of the Stripe balance: ``amount`` is
the gross as it moves the balance (charges positive; refunds, dispute
withdrawals and payouts negative), ``fee`` what Stripe kept, ``net =
amount - fee``, all in the settlement currency; ``exchange_rate`` is set
when the customer paid in another currency. Its ``reporting_category`` is
Stripe's own accounting classification: it is mapped to the canonical
vocabulary, and a category this code does not know is kept as "other"
with Stripe's word, never dropped. Older payloads without
``reporting_category`` are classified by their source object.

A payout's lines are the balance transactions it settles (for automatic
payouts, ``GET /v1/balance_transactions?payout=po_...``), without the
payout's own transaction; ``balance_after`` is the balance right after the
payout left, as the connector read it (:mod:`.balances`).
"""

from odoo.addons.ecommerce_sync.connector import RecordError
from odoo.addons.ecommerce_sync.connector.balance import BalanceMovement, BalancePayout, Dispute, FeeDetail

from . import money
from .payments import charge_match, object_id, order_key, related_match, text

CATEGORIES = {
    "charge": "charge",
    "partial_capture_reversal": "charge",
    "refund": "refund",
    "dispute": "dispute",
    "dispute_reversal": "dispute_reversal",
    "fee": "fee",
    "network_cost": "fee",
    "tax": "fee",
    "payout": "payout",
    "payout_reversal": "payout_reversal",
    "other_adjustment": "adjustment",
    "charge_failure": "adjustment",
    "refund_failure": "adjustment",
    "transfer": "adjustment",
    "transfer_reversal": "adjustment",
    "topup": "adjustment",
    "topup_reversal": "adjustment",
    "connect_collection_transfer": "adjustment",
    "platform_earning": "adjustment",
    "platform_earning_refund": "adjustment",
    "issuing_authorization_hold": "hold",
    "issuing_authorization_release": "release",
}
#: categories whose direction (hold or release) is the sign of the amount
RESERVE_CATEGORIES = frozenset(("risk_reserved_funds", "connect_reserved_funds"))
#: classification by source object, for payloads without reporting_category: (when negative, when positive)
SOURCE_CATEGORIES = {
    "charge": ("charge", "charge"),
    "refund": ("refund", "refund"),
    "dispute": ("dispute", "dispute_reversal"),
    "payout": ("payout", "payout_reversal"),
}
SOURCE_PREFIXES = {
    "ch": "charge",
    "py": "charge",
    "re": "refund",
    "pyr": "refund",
    "dp": "dispute",
    "du": "dispute",
    "po": "payout",
    "tr": "transfer",
    "trr": "transfer_reversal",
    "tu": "topup",
    "fee": "application_fee",
    "fr": "fee_refund",
}
FEE_DETAIL_KINDS = {
    "stripe_fee": "gateway",
    "payment_method_passthrough_fee": "gateway",
    "application_fee": "platform",
    "tax": "tax",
    "withheld_tax": "tax",
}
PAYOUT_STATUSES = {
    "paid": "paid",
    "pending": "scheduled",
    "in_transit": "in_transit",
    "canceled": "cancelled",
    "failed": "failed",
}
DISPUTE_STATUSES = {
    "warning_needs_response": "needs_response",
    "needs_response": "needs_response",
    "warning_under_review": "under_review",
    "under_review": "under_review",
    "won": "won",
    "lost": "lost",
    "warning_closed": "closed",
    "prevented": "closed",
}


def source_type(source):
    """The object type of a balance transaction's source (expanded or an id)."""
    if isinstance(source, dict):
        return str(source.get("object") or "")
    prefix = str(source or "").split("_", 1)[0]
    return SOURCE_PREFIXES.get(prefix, "")


def category_of(data, kind, gross):
    """``(canonical category, Stripe's word)`` of a balance transaction."""
    reporting = text(data.get("reporting_category"))
    if reporting:
        if reporting in RESERVE_CATEGORIES:
            return ("hold" if gross < 0 else "release"), reporting
        return CATEGORIES.get(reporting, "other"), reporting
    word = text(data.get("type"))
    if kind in SOURCE_CATEGORIES:
        negative, positive = SOURCE_CATEGORIES[kind]
        return (negative if gross < 0 else positive), word
    return CATEGORIES.get(word, "other"), word


def _fee_details(data, txn_id):
    details = []
    for item in data.get("fee_details") or []:
        if not isinstance(item, dict):
            raise RecordError(f"balance transaction {txn_id}: a fee detail is not an object")
        currency = money.currency_code(item.get("currency") or data.get("currency"), f"{txn_id} fee currency")
        word = text(item.get("type"))
        details.append(
            FeeDetail(
                kind=FEE_DETAIL_KINDS.get(word, "other"),
                amount=money.amount(item.get("amount"), currency, f"balance transaction {txn_id} fee detail"),
                currency=currency,
                description=text(item.get("description")),
                platform_type=word,
            )
        )
    return details


def _match_of(source, kind):
    if not isinstance(source, dict):
        return None
    if kind == "charge":
        return charge_match(source)
    if kind in ("refund", "dispute"):
        charge = source.get("charge")
        return related_match(source, charge if isinstance(charge, dict) else None)
    return None


def _presentment(source, kind, currency):
    """``(amount, currency)`` the customer saw, when it differs from the settlement currency."""
    if not isinstance(source, dict) or kind not in ("charge", "refund", "dispute") or not source.get("currency"):
        return None, ""
    code = money.currency_code(source["currency"], f"{kind} {source.get('id')} currency")
    if code == currency:
        return None, ""
    value = source.get("amount_captured") if kind == "charge" and source.get("captured") else source.get("amount")
    return money.amount(value, code, f"{kind} {source.get('id')} amount"), code


def parse_balance_transaction(data, payout_id="", source=None):
    """A ``balance_transaction`` object as a :class:`BalanceMovement`.

    :param str payout_id: the payout it was listed under, when read through one
    :param dict source: its source object when the payload names it by id only
        (the balance transactions a dispute embeds)
    :raise RecordError: when the object is malformed
    """
    if not isinstance(data, dict) or data.get("object") not in (None, "balance_transaction") or not data.get("id"):
        raise RecordError(f"not a balance transaction: {str(data)[:120]!r}")
    txn_id = str(data["id"])
    currency = money.currency_code(data.get("currency"), f"balance transaction {txn_id} currency")
    gross = money.amount(data.get("amount"), currency, f"balance transaction {txn_id} amount")
    fee = money.amount(data.get("fee"), currency, f"balance transaction {txn_id} fee")
    net = money.amount(data.get("net"), currency, f"balance transaction {txn_id} net") if "net" in data else gross - fee
    details = _fee_details(data, txn_id)
    if details and sum(detail.amount for detail in details) != fee:
        raise RecordError(f"balance transaction {txn_id}: its fee details do not add up to its fee {fee}")
    src = data.get("source")
    if not isinstance(src, dict) and isinstance(source, dict) and object_id(src) == object_id(source):
        src = source
    kind = source_type(src)
    category, word = category_of(data, kind, gross)
    presentment_amount, presentment_currency = _presentment(src, kind, currency)
    related = kind in ("charge", "refund", "dispute")
    return BalanceMovement(
        external_id=txn_id,
        category=category,
        amount=gross,
        fee=fee,
        net=net,
        currency=currency,
        created_at=money.timestamp(data.get("created"), f"balance transaction {txn_id} created"),
        platform_category=word,
        available_at=money.timestamp(data.get("available_on"), f"balance transaction {txn_id} available_on"),
        status=text(data.get("status")),
        source_id=object_id(src),
        source_type=kind,
        payout_external_id=payout_id or (object_id(src) if kind == "payout" else ""),
        fee_details=details,
        exchange_rate=money.rate(data.get("exchange_rate"), f"balance transaction {txn_id} exchange_rate"),
        presentment_amount=presentment_amount,
        presentment_currency=presentment_currency,
        description=text(data.get("description")),
        order_external_id=order_key(src) if related and isinstance(src, dict) else "",
        transaction_external_id=object_id(src) if related else "",
        match=_match_of(src, kind),
    )


def parse_payout(payload):
    """A payout, with the balance transactions it settles, as a :class:`BalancePayout`.

    :param payload: ``{"payout": {...}, "balance_transactions": [...]}`` as the
        connector fetches it (``balance_transactions`` is None for a manual payout)
    """
    payout = payload.get("payout") if isinstance(payload, dict) else None
    if not isinstance(payout, dict) or payout.get("object") != "payout" or not payout.get("id"):
        raise RecordError(f"not a payout: {str(payload)[:120]!r}")
    payout_id = str(payout["id"])
    currency = money.currency_code(payout.get("currency"), f"payout {payout_id} currency")
    transactions = payload.get("balance_transactions")
    movements = [parse_balance_transaction(item, payout_id) for item in transactions or []]
    own = {object_id(payout.get("balance_transaction")), object_id(payout.get("failure_balance_transaction"))}
    settled = [m for m in movements if m.external_id not in own and m.source_id != payout_id]
    platform_status = text(payout.get("status"))
    arrival = money.timestamp(payout.get("arrival_date"), f"payout {payout_id} arrival_date")
    after = payload.get("balance_after")
    return BalancePayout(
        external_id=payout_id,
        currency=currency,
        amount=money.amount(payout.get("amount"), currency, f"payout {payout_id} amount"),
        date=arrival,
        status=PAYOUT_STATUSES.get(platform_status, "scheduled"),
        lines=[movement.payout_line() for movement in settled],
        arrival_date=arrival,
        statement_descriptor=text(payout.get("statement_descriptor")),
        failure_code=text(payout.get("failure_code")),
        failure_message=text(payout.get("failure_message")),
        automatic=bool(payout.get("automatic")),
        method=text(payout.get("method")),
        platform_status=platform_status,
        balance_transaction_id=object_id(payout.get("balance_transaction")),
        movements=settled,
        balance_after=None if after is None else money.amount(after, currency, f"payout {payout_id} balance_after"),
        balance_at=money.timestamp(payout.get("created"), f"payout {payout_id} created"),
    )


def parse_dispute(data):
    """A ``dispute`` object, with the balance transactions it embeds, as a :class:`Dispute`."""
    if not isinstance(data, dict) or data.get("object") != "dispute" or not data.get("id"):
        raise RecordError(f"not a dispute: {str(data)[:120]!r}")
    dispute_id = str(data["id"])
    currency = money.currency_code(data.get("currency"), f"dispute {dispute_id} currency")
    platform_status = text(data.get("status"))
    details = (data.get("payment_method_details") or {}).get("card") or {}
    charge = data.get("charge")
    return Dispute(
        external_id=dispute_id,
        charge_external_id=object_id(charge),
        amount=money.amount(data.get("amount"), currency, f"dispute {dispute_id} amount"),
        currency=currency,
        status=DISPUTE_STATUSES.get(platform_status, "under_review"),
        platform_status=platform_status,
        reason=text(data.get("reason")),
        created_at=money.timestamp(data.get("created"), f"dispute {dispute_id} created"),
        evidence_due_by=money.timestamp(
            (data.get("evidence_details") or {}).get("due_by"), f"dispute {dispute_id} due_by"
        ),
        is_inquiry=platform_status.startswith("warning_") or details.get("case_type") == "inquiry",
        movements=[parse_balance_transaction(item, source=data) for item in data.get("balance_transactions") or []],
        order_external_id=order_key(data),
        match=related_match(data, charge if isinstance(charge, dict) else None),
    )
