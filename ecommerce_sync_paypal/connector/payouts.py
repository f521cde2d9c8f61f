"""PayPal transactions -> balance movements; withdrawals -> payouts; chargebacks and disputes -> Dispute.

Transaction Search gives every movement of the PayPal balance with its
T-code (:mod:`.codes`): ``transaction_amount`` is the gross as it moves the
balance (positive when money comes in), ``fee_amount`` what PayPal kept,
negative in PayPal's payload (and positive when a refund gives part of the
fee back), ``ending_balance`` PayPal's balance right after it. The canonical
movement has ``amount`` = gross, ``fee`` = what PayPal kept (positive is a
cost), ``net = amount - fee``.

A denied (D) or failed (F) transaction moved no money: its movement is kept
with zero amounts. A withdrawal to the bank (T04nn) is a payout of the
movements since the previous withdrawal in its currency; a chargeback
(T12nn, T1106) comes with a :class:`Dispute`.
"""

from decimal import Decimal

from odoo.addons.ecommerce_sync.connector import RecordError
from odoo.addons.ecommerce_sync.connector.balance import BalanceMovement, BalancePayout, Dispute, FeeDetail

from . import codes, money
from .money import text
from .payments import info, payment_match

STATUSES = {"S": "success", "P": "pending", "V": "reversed", "D": "denied", "F": "failed"}
MOVED_NO_MONEY = frozenset(("D", "F"))
PAYOUT_STATUSES = {"S": "paid", "P": "in_transit", "V": "failed", "D": "failed", "F": "failed"}
#: PayPal's dispute states (Disputes API) -> canonical
DISPUTE_STATUSES = {
    "OPEN": "needs_response",
    "WAITING_FOR_SELLER_RESPONSE": "needs_response",
    "WAITING_FOR_BUYER_RESPONSE": "under_review",
    "UNDER_REVIEW": "under_review",
    "OTHER": "under_review",
}
DISPUTE_OUTCOMES = {"RESOLVED_SELLER_FAVOUR": "won", "RESOLVED_BUYER_FAVOUR": "lost"}


def transaction_id(detail):
    txn_id = text(info(detail).get("transaction_id"))
    if not txn_id:
        raise RecordError(f"not a PayPal transaction: {str(detail)[:120]!r}")
    return txn_id


def parse_transaction(detail, prefixes, counterpart=None):
    """A Transaction Search ``transaction_detail`` as a :class:`BalanceMovement`.

    :param dict counterpart: the other leg of a currency conversion, when known:
        the movement then says what it is worth in the other currency
    """
    txn_id = transaction_id(detail)
    data = info(detail)
    code = text(data.get("transaction_event_code"))
    gross, currency = money.money(data.get("transaction_amount"), f"transaction {txn_id} amount")
    if gross is None:
        raise RecordError(f"transaction {txn_id} has no transaction_amount")
    fee = -money.amount(data.get("fee_amount"), currency, f"transaction {txn_id} fee_amount")
    status = text(data.get("transaction_status"))
    category = codes.category(code, gross)
    description = text(data.get("transaction_subject") or data.get("transaction_note"))
    if status in MOVED_NO_MONEY:
        description = f"{STATUSES[status]}: {gross} {currency} not moved" + (f" ({description})" if description else "")
        gross = fee = Decimal(0) * gross
    balance, balance_currency = money.money(data.get("ending_balance"), f"transaction {txn_id} ending_balance")
    related = category in codes.PAYMENT_CATEGORIES
    reference = text(data.get("paypal_reference_id"))
    movement = BalanceMovement(
        external_id=txn_id,
        category=category,
        amount=gross,
        fee=fee,
        net=gross - fee,
        currency=currency,
        created_at=money.stamp(data.get("transaction_initiation_date"), f"transaction {txn_id} date"),
        platform_category=code or "unknown",
        status=STATUSES.get(status, status),
        source_id=reference,
        source_type=text(data.get("paypal_reference_id_type")),
        payout_external_id=txn_id if category == "payout" else "",
        fee_details=[FeeDetail("gateway", fee, currency, platform_type=code)] if fee else [],
        description=description or code,
        order_external_id=(txn_id if category == "charge" else reference or txn_id) if related else "",
        transaction_external_id=txn_id if related else "",
        match=payment_match(detail, prefixes) if related else None,
        balance_after=balance if balance is not None and balance_currency == currency else None,
    )
    if counterpart is not None and category == "conversion":
        other, other_currency = money.money(info(counterpart).get("transaction_amount"), f"{txn_id} counterpart")
        if other is not None and other and other_currency != currency:
            movement.presentment_amount, movement.presentment_currency = -other, other_currency
            movement.exchange_rate = abs(gross / other)
    return movement


def parse_withdrawal(payload, prefixes):
    """A withdrawal with the movements it settles: ``{"transaction": ..., "settled": [...]}``.

    :return: ``(movement of the withdrawal, BalancePayout)``
    """
    detail = payload.get("transaction") if isinstance(payload, dict) else None
    own = parse_transaction(detail, prefixes)
    settled = [parse_transaction(item, prefixes) for item in payload.get("settled") or []]
    settled = [movement for movement in settled if movement.currency == own.currency]
    for movement in settled:
        movement.payout_external_id = own.external_id
    status = text(info(detail).get("transaction_status"))
    payout = BalancePayout(
        external_id=own.external_id,
        currency=own.currency,
        amount=-own.net,
        date=own.created_at,
        status=PAYOUT_STATUSES.get(status, "scheduled"),
        lines=[movement.payout_line() for movement in settled],
        updated_at=money.stamp(info(detail).get("transaction_updated_date"), "transaction_updated_date"),
        automatic=own.platform_category == "T0401",
        method="bank",
        platform_status=status,
        balance_transaction_id=own.external_id,
        movements=settled,
        balance_after=own.balance_after,
        balance_at=own.created_at,
    )
    return own, payout


def chargeback(movement, code):
    """The :class:`Dispute` a chargeback transaction tells of (as Transaction Search sees it)."""
    if movement.category == "dispute_reversal":
        status = "won"
    elif code == "T1106":
        status = "lost"
    else:
        status = "under_review"
    disputed = movement.source_id or movement.external_id
    return Dispute(
        external_id=disputed,
        charge_external_id=disputed,
        amount=abs(movement.amount),
        currency=movement.currency,
        status=status,
        platform_status=code,
        created_at=movement.created_at,
        movements=[movement],
        order_external_id=disputed,
        match=movement.match,
    )


def parse_dispute(resource):
    """A dispute of PayPal's Disputes API (``/v1/customer/disputes/{id}``, dispute webhooks) as a :class:`Dispute`.

    Its id is the disputed payment's, as for the chargeback transactions, so both tell of one dispute.
    """
    if not isinstance(resource, dict) or not resource.get("dispute_id"):
        raise RecordError(f"not a PayPal dispute: {str(resource)[:120]!r}")
    disputed = [item for item in resource.get("disputed_transactions") or [] if isinstance(item, dict)]
    payment = text(disputed[0].get("seller_transaction_id")) if disputed else ""
    value, currency = money.money(resource.get("dispute_amount"), f"dispute {resource['dispute_id']} amount")
    state = text(resource.get("status"))
    outcome = text((resource.get("dispute_outcome") or {}).get("outcome_code"))
    if state == "RESOLVED":
        status = DISPUTE_OUTCOMES.get(outcome, "closed")
    else:
        status = DISPUTE_STATUSES.get(state, "under_review")
    return Dispute(
        external_id=payment or text(resource["dispute_id"]),
        charge_external_id=payment,
        amount=value if value is not None else Decimal(0),
        currency=currency,
        status=status,
        platform_status="/".join(part for part in (state, outcome) if part),
        reason=text(resource.get("reason")).lower(),
        created_at=money.stamp(resource.get("create_time"), "dispute create_time"),
        evidence_due_by=money.stamp(resource.get("seller_response_due_date"), "dispute seller_response_due_date"),
        is_inquiry=text(resource.get("dispute_life_cycle_stage")) == "INQUIRY",
        order_external_id=payment,
    )


def parse_ledger(payload, prefixes):
    """The records of one payouts-flow payload (see :mod:`.connector`)."""
    if not isinstance(payload, dict):
        raise RecordError(f"not a PayPal payload: {str(payload)[:120]!r}")
    if "dispute" in payload:
        return [parse_dispute(payload["dispute"])]
    if "settled" in payload:
        return list(parse_withdrawal(payload, prefixes))
    detail = payload.get("transaction") if "transaction" in payload else payload
    movement = parse_transaction(detail, prefixes, payload.get("counterpart"))
    code = movement.platform_category
    if code in codes.CHARGEBACKS and movement.status not in ("denied", "failed"):
        return [movement, chargeback(movement, code)]
    return [movement]
