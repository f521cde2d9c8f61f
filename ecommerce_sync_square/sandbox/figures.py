"""What the sandbox seller says, in the terms Odoo's documents are checked against (tests and demo).

Everything here is read from the sandbox's own data (its orders, payments, refunds and payouts as
Square keeps them), never through the connector, so that the tests compare Odoo with Square itself.
"""

from collections import Counter
from decimal import Decimal


def dollars(cents):
    return Decimal(cents) / 100


def sales(seller):
    """The sale orders (those with items), oldest first."""
    return sorted((o for o in seller.data["orders"].values() if o.get("line_items")), key=lambda o: o["created_at"])


def returns(seller):
    """The return orders: ``[(return order, its refund)]``."""
    result = []
    for order in seller.data["orders"].values():
        if order.get("returns"):
            refund = next(item for item in seller.data["refunds"].values() if item["order_id"] == order["id"])
            result.append((order, refund))
    return result


def totals(order):
    """``(untaxed, tax, total)`` of a sale order in dollars; the tip is part of the untaxed amount."""
    total, tax = dollars(order["total_money"]["amount"]), dollars(order["total_tax_money"]["amount"])
    return total - tax, tax, total


def net_sales(seller):
    """What the seller sold, less what was returned (tax and tips included)."""
    sold = sum(dollars(order["total_money"]["amount"]) for order in sales(seller))
    given_back = sum(dollars(refund["amount_money"]["amount"]) for _order, refund in returns(seller))
    return sold - given_back


def fees(seller):
    """Square's processing fees: initial fees, later adjustments, and the part refunds gave back."""
    cents = sum(
        fee["amount_money"]["amount"]
        for objects in (seller.data["payments"], seller.data["refunds"])
        for item in objects.values()
        for fee in item.get("processing_fee") or []
    )
    return dollars(cents)


def payouts(seller, status="PAID"):
    return sorted(
        (payout for payout in seller.data["payouts"].values() if payout["status"] == status),
        key=lambda payout: (payout["created_at"], payout["id"]),
    )


def tender_of(order):
    return order["tenders"][0]


def census(seller):
    """How many times the seller exercises each case the books and the stock must handle."""
    cases = Counter()
    locations = {location["id"]: location["_key"] for location in seller.data["locations"]}
    for order in sales(seller):
        cases[f"location {locations[order['location_id']]}"] += 1
        cases[f"tax {order['taxes'][0]['type'].lower()}"] += 1
        cases["tip"] += bool(order["total_tip_money"]["amount"])
        cases["discount"] += bool(order["discounts"])
        cases["service charge"] += bool(order["service_charges"])
        cases[f"paid {tender_of(order)['type'].lower()}"] += 1
        payment = seller.data["payments"][tender_of(order)["payment_id"]]
        cases["offline upload"] += payment["is_offline_payment"]
        cases["fee adjustment"] += any(fee["type"] == "ADJUSTMENT" for fee in payment["processing_fee"])
    cases["return"] = len(returns(seller))
    cases["paid payout"] = len(payouts(seller))
    cases["sent payout"] = len(payouts(seller, "SENT"))
    cases["payout fee entry"] = sum(
        entry["type"] == "FEE" for payout in payouts(seller) for entry in seller.data["entries"][payout["id"]]
    )
    return cases
