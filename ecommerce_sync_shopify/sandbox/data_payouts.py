"""Shopify Payments: balance transactions (charges, refunds, adjustments) and the payouts settling them.

Every successful Shopify Payments payment becomes a charge (gross in the shop
currency, fee 2.9 % + 0.30, plus 1.5 % for a foreign currency), every refund a
negative refund line, and some days carry an adjustment (a shipping label
bought from the balance). Lines are paid out two days later, one payout per
day; a day whose net is not positive rolls into the next payout. A payout's
amount is the sum of its lines' nets, to the cent.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from .data_money import ZERO, cents, day, fmt, stamp, to_shop
from .data_orders import is_payment, is_refund
from .data_payments import SHOPIFY_PAYMENTS

FEE_RATE = Decimal("0.029")
FEE_FIXED = Decimal("0.30")
FX_FEE_RATE = Decimal("0.015")
LABEL_PRICE = Decimal("8.45")
SUMMARY_KINDS = ("adjustments", "charges", "refunds", "reserved_funds", "retried_payouts")


def entries_of(draft):
    """``(moment, type, gross, fee, transaction)`` for each Shopify Payments movement of an order."""
    entries = []
    for tx in draft.transactions:
        if tx["gateway"] != SHOPIFY_PAYMENTS:
            continue
        moment = tx["_moment"]
        if is_payment(tx):
            gross = to_shop(Decimal(tx["amount"]), draft.rate)
            fee = cents(gross * FEE_RATE) + FEE_FIXED
            if draft.currency != "USD":
                fee += cents(gross * FX_FEE_RATE)
            entries.append((moment, "charge", gross, fee, tx))
        elif is_refund(tx):
            entries.append((moment, "refund", ZERO - to_shop(Decimal(tx["amount"]), draft.rate), ZERO, tx))
    return entries


def make_payouts(rng, ids, drafts, now):
    """``(payouts, balance transactions)`` for ``drafts`` as of ``now``."""
    entries = [entry for draft in drafts for entry in entries_of(draft)]
    days = sorted({day(moment) for moment, *_rest in entries})
    for index, label_day in enumerate(days):
        if index % 6 == 5:
            moment = next(moment for moment, *_rest in entries if day(moment) == label_day)
            entries.append((moment + timedelta(minutes=1), "adjustment", ZERO - LABEL_PRICE, ZERO, None))
    by_day = defaultdict(list)
    for entry in sorted(entries, key=lambda entry: entry[0]):
        by_day[day(entry[0] + timedelta(days=2))].append(entry)
    payouts, balance = [], []
    carried = []
    today = day(now)
    for payout_day in sorted(by_day):
        group = carried + by_day[payout_day]
        net = sum((gross - fee for _m, _k, gross, fee, _tx in group), ZERO)
        if net <= 0:
            carried = group
            continue
        carried = []
        status = "paid" if payout_day < today else "in_transit" if payout_day == today else "scheduled"
        payout_id = ids.next("payout")
        lines = [_balance_line(ids, payout_id, status, entry) for entry in group]
        balance.extend(lines)
        payouts.append(_payout(payout_id, payout_day, status, net, lines))
    return payouts, balance


def _balance_line(ids, payout_id, status, entry):
    moment, kind, gross, fee, tx = entry
    line_id = ids.next("balance_transaction")
    source_type = {"charge": "charge", "refund": "Payments::Refund", "adjustment": "adjustment"}[kind]
    return {
        "id": line_id,
        "type": kind,
        "test": False,
        "payout_id": payout_id,
        "payout_status": status,
        "currency": "USD",
        "amount": fmt(gross),
        "fee": fmt(fee),
        "net": fmt(gross - fee),
        "source_id": tx["id"] if tx else line_id,
        "source_type": source_type,
        "source_order_id": tx["order_id"] if tx else None,
        "source_order_transaction_id": tx["id"] if tx else None,
        "processed_at": stamp(moment),
        "adjustment_order_transactions": [] if kind == "adjustment" else None,
        "adjustment_reason": "shipping_label" if kind == "adjustment" else None,
    }


def _payout(payout_id, payout_day, status, net, lines):
    summary = {}
    for kind in SUMMARY_KINDS:
        rows = [line for line in lines if f"{line['type']}s" == kind]
        summary[f"{kind}_fee_amount"] = fmt(sum((Decimal(line["fee"]) for line in rows), ZERO))
        summary[f"{kind}_gross_amount"] = fmt(sum((Decimal(line["amount"]) for line in rows), ZERO))
    return {
        "id": payout_id,
        "status": status,
        "date": payout_day,
        "currency": "USD",
        "amount": fmt(net),
        "summary": summary,
    }
