"""Square payouts and payout entries -> canonical Payout and PayoutLine.

A payout (``GET /v2/payouts``, per location) is the sum of its entries'
``net_amount_money`` (``GET /v2/payouts/{id}/payout-entries``). Each entry
has a ``type`` (CHARGE, REFUND, FEE, ADJUSTMENT, DISPUTE, ...), a gross, a
fee and a net. Canonical lines keep ``net = amount - fee`` with ``fee``
positive when Square kept money, whatever sign Square gives ``fee_amount_money``.

Fee identity: a CHARGE entry's fee is the payment's INITIAL processing fee, a
REFUND entry's is the refund's, and a FEE entry (``type_fee_details``) is a
later ADJUSTMENT of a payment's fee: their lines take the fee ids of
:func:`~.payments.fee_id`, so a fee already booked from its payment is not
booked again with the payout.
"""

from odoo.addons.ecommerce_sync.connector import ZERO, Payout, PayoutLine, RecordError, to_datetime

from .ids import valid_id
from .money import money, money_currency
from .payments import fee_id

LINE_KINDS = {
    "CHARGE": "charge",
    "REFUND": "refund",
    "FEE": "fee",
    "DEPOSIT_FEE": "fee",
    "DEPOSIT_FEE_REVERSED": "fee",
    "TAX_ON_FEE": "fee",
    "THIRD_PARTY_FEE": "fee",
    "THIRD_PARTY_FEE_REFUND": "fee",
    "APP_FEE_REFUND": "fee",
    "FREE_PROCESSING": "adjustment",
    "ADJUSTMENT": "adjustment",
    "OTHER_ADJUSTMENT": "adjustment",
    "HOLD_ADJUSTMENT": "adjustment",
    "RELEASE_ADJUSTMENT": "adjustment",
    "DISPUTE": "dispute",
    "OPEN_DISPUTE": "dispute",
    "RESERVE_HOLD": "reserve",
    "RESERVE_RELEASE": "reserve",
}
STATUSES = {"SENT": "in_transit", "PAID": "paid", "FAILED": "failed"}
#: payouts whose money is settled one way or the other
FINAL_STATUSES = frozenset(("PAID", "FAILED"))


def entry_details(entry):
    """The ``type_*_details`` object of an entry ({} when none)."""
    for key, value in entry.items():
        if key.startswith("type_") and key.endswith("_details") and isinstance(value, dict):
            return value
    return {}


def entry_external_id(entry, kind, effective_at):
    details = entry_details(entry)
    payment_id = details.get("payment_id")
    if entry.get("type") == "CHARGE" and payment_id:
        return fee_id(valid_id(payment_id, "payout entry payment"), "INITIAL", None)
    if entry.get("type") == "REFUND" and details.get("refund_id"):
        return fee_id(valid_id(details["refund_id"], "payout entry refund"), "INITIAL", None)
    if entry.get("type") == "FEE" and payment_id:
        return fee_id(valid_id(payment_id, "payout entry payment"), "ADJUSTMENT", effective_at)
    return valid_id(entry.get("id"), "payout entry id")


def parse_entry(entry, currency):
    if not isinstance(entry, dict):
        raise RecordError(f"payout entry is not an object: {entry!r:.80}")
    entry_id = valid_id(entry.get("id"), "payout entry id")
    what = f"payout entry {entry_id}"
    kind = LINE_KINDS.get(str(entry.get("type") or ""), "other")
    gross = money(entry.get("gross_amount_money"), f"{what} gross", currency)
    net = money(entry.get("net_amount_money"), f"{what} net", currency, required=True)
    fee = gross - net
    stated = money(entry.get("fee_amount_money"), f"{what} fee", currency)
    if abs(stated) != abs(fee):
        raise RecordError(f"{what}: gross {gross} and net {net} disagree with the fee {stated}")
    if kind == "fee":
        gross, fee = ZERO, -net
    details = entry_details(entry)
    effective_at = to_datetime(entry.get("effective_at"), f"{what} effective_at")
    return PayoutLine(
        external_id=entry_external_id(entry, kind, entry.get("effective_at")),
        kind=kind,
        amount=gross,
        fee=fee,
        net=net,
        currency=currency,
        order_external_id="",
        transaction_external_id=str(details.get("refund_id") or details.get("payment_id") or ""),
        processed_at=effective_at,
        description=f"Square {str(entry.get('type') or 'entry').lower()} {entry_id}",
    )


def parse_payout(payload):
    """``{"payout": {...}, "entries": [...]}`` -> canonical Payout whose lines add up to it."""
    if not isinstance(payload, dict) or not isinstance(payload.get("payout"), dict):
        raise RecordError(f"payout payload without payout: {payload!r:.80}")
    data = payload["payout"]
    payout_id = valid_id(data.get("id"), "payout id")
    currency = money_currency(data.get("amount_money"))
    if not currency:
        raise RecordError(f"payout {payout_id}: no currency")
    amount = money(data.get("amount_money"), f"payout {payout_id} amount", currency, required=True)
    lines = [parse_entry(entry, currency) for entry in payload.get("entries") or []]
    missing = amount - sum((line.net for line in lines), ZERO)
    payout_fees = sum(
        (money(fee.get("amount_money"), "payout fee", currency) for fee in data.get("payout_fee") or []), ZERO
    )
    if missing and payout_fees and -missing == payout_fees:
        lines.append(
            PayoutLine(
                external_id=f"{payout_id}/payout_fee",
                kind="fee",
                amount=ZERO,
                fee=payout_fees,
                net=-payout_fees,
                currency=currency,
                processed_at=to_datetime(data.get("created_at"), "payout created_at"),
                description=f"Square transfer fee of payout {payout_id}",
            )
        )
    return Payout(
        external_id=payout_id,
        currency=currency,
        amount=amount,
        date=to_datetime(data.get("arrival_date") or data.get("created_at"), "payout date"),
        status=STATUSES.get(str(data.get("status") or ""), "scheduled"),
        lines=lines,
        updated_at=to_datetime(data.get("updated_at"), "payout updated_at"),
    )


def payout_position(payout):
    """Where a payout stands in the payouts flow: ``(created_at, id)``."""
    return str(payout.get("created_at") or ""), str(payout.get("id") or "")


def cursor_position(cursor):
    if not cursor:
        return ("", "")
    created, _sep, payout_id = str(cursor).partition("|")
    return created, payout_id
