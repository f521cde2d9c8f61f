"""What the sandbox shop says, in the terms the Odoo documents are checked against.

Everything here is read from the sandbox's own data (its order drafts, its JSON and its Shopify
Payments balance), never from the connector, so that the tests compare Odoo with the shop itself.
"""

from collections import Counter, defaultdict
from decimal import Decimal

from odoo.addons.ecommerce_sync_shopify.sandbox.data_orders import is_payment, is_refund
from odoo.addons.ecommerce_sync_shopify.sandbox.data_payments import SHOPIFY_PAYMENTS

ZERO = Decimal("0.00")


def money(obj, key):
    """The presentment amount of ``obj[key + "_set"]``."""
    return Decimal(obj[f"{key}_set"]["presentment_money"]["amount"])


def order_totals(order):
    """``(untaxed, tax, total)`` of a Shopify order, in its presentment currency."""
    total, tax = money(order, "total_price"), money(order, "total_tax")
    return total - tax, tax, total


def refund_value(draft, draft_refund):
    """What a refund credits the customer: the items and shipping given back, less any shortfall."""
    value = draft_refund.calculated(draft.taxes_included)
    for kind, amount, _tax, _reason in draft_refund.adjustments:
        if kind == "refund_discrepancy":
            value -= amount
    return value


def captured(draft):
    return sum((Decimal(tx["amount"]) for tx in draft.transactions if is_payment(tx)), ZERO)


def refunded(draft):
    return sum((Decimal(tx["amount"]) for tx in draft.transactions if is_refund(tx)), ZERO)


def open_amount(draft):
    """What the customer still owes on an order (negative: what the shop owes the customer)."""
    credited = sum((refund_value(draft, item) for item in draft.refunds), ZERO)
    return draft.total - credited - captured(draft) + refunded(draft)


def paid_payouts(shop):
    """The payouts Shopify has paid out (those the store books), oldest first."""
    return sorted((p for p in shop.payouts.values() if p["status"] == "paid"), key=lambda p: (p["date"], p["id"]))


def payout_lines(shop, payouts):
    ids = {payout["id"] for payout in payouts}
    return [line for line in shop.balance if line["payout_id"] in ids]


def not_paid_out(shop):
    """``{currency: amount}`` of the Shopify Payments movements no paid payout has settled yet."""
    settled = {line["source_order_transaction_id"] for line in payout_lines(shop, paid_payouts(shop))}
    result = defaultdict(lambda: ZERO)
    for draft in shop.data.drafts.values():
        for tx in draft.transactions:
            if tx["gateway"] != SHOPIFY_PAYMENTS or tx["id"] in settled:
                continue
            if is_payment(tx):
                result[tx["currency"]] += Decimal(tx["amount"])
            elif is_refund(tx):
                result[tx["currency"]] -= Decimal(tx["amount"])
    return {currency: amount for currency, amount in result.items() if amount}


def stock_moves(shop):
    """Per SKU: units shipped, units returned to stock, and units still to ship.

    Returns ``(shipped, returned, to_ship)`` Counters. A unit refunded with restock type "return"
    was shipped and comes back; "cancel" units were removed before shipping; units of a cancelled
    order are never shipped.
    """
    shipped, returned, to_ship = Counter(), Counter(), Counter()
    for draft in shop.data.drafts.values():
        for fulfillment in draft.fulfillments:
            for line, units in fulfillment.items:
                shipped[line.variant["sku"]] += units
        for item in draft.refunds:
            for line, units, restock, _subtotal, _taxes, _location in item.lines:
                if restock == "return":
                    returned[line.variant["sku"]] += units
        if draft.cancelled_at:
            continue
        for line in draft.lines:
            if line.requires_shipping:
                to_ship[line.variant["sku"]] += line.quantity - line.fulfilled - line.removed
    return shipped, returned, to_ship


def census(shop):
    """How many times the shop exercises each case the books and the stock must handle."""
    cases = Counter()
    for order in shop.orders.values():
        draft = shop.data.drafts[order["id"]]
        cases[f"currency {order['presentment_currency']}"] += 1
        cases["taxes included" if order["taxes_included"] else "taxes excluded"] += 1
        cases["discount"] += bool(order["discount_applications"])
        cases["gift card sold"] += any(line["gift_card"] for line in order["line_items"])
        cases["paid by gift card"] += any(tx["gateway"] == "gift_card" and is_payment(tx) for tx in draft.transactions)
        cases["failed payment"] += any(tx["status"] == "failure" for tx in draft.transactions)
        cases["pending"] += order["financial_status"] == "pending"
        cases["authorized"] += order["financial_status"] == "authorized"
        cases["split fulfilment"] += len(order["fulfillments"]) > 1
        if order["cancelled_at"]:
            cases["cancelled paid" if captured(draft) else "cancelled unpaid"] += 1
        for refund in order["refunds"]:
            for line in refund["refund_line_items"]:
                cases[f"refund restock {line['restock_type']}"] += 1
            for adjustment in refund["order_adjustments"]:
                cases[f"refund {adjustment['kind']}"] += 1
    cases["paid payouts"] = len(paid_payouts(shop))
    cases["payout fees"] = sum(Decimal(line["fee"]) > 0 for line in payout_lines(shop, paid_payouts(shop)))
    return cases
