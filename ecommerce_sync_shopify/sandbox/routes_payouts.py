"""REST routes of Shopify Payments: payouts and the balance transactions they settle."""

from .routes_paging import filters_of, listing, utc, window
from .state import UnknownObject


def balance_key(line):
    return [utc(line["processed_at"]), line["id"]]


def list_payouts(request):
    filters = filters_of(request, ("date_min", "date_max", "status", "since_id"))
    payouts = list(request.shop.payouts.values())
    if "date_min" in filters:
        payouts = [payout for payout in payouts if payout["date"] >= filters["date_min"][:10]]
    if "date_max" in filters:
        payouts = [payout for payout in payouts if payout["date"] <= filters["date_max"][:10]]
    if "status" in filters:
        payouts = [payout for payout in payouts if payout["status"] == filters["status"]]
    return listing(request, "payouts", payouts, lambda obj: [obj["date"], obj["id"]], True, filters)


def get_payout(request, payout_id):
    payout = request.shop.payouts.get(int(payout_id))
    if payout is None:
        raise UnknownObject(payout_id)
    return 200, {"payout": payout}, {}


def list_balance(request):
    filters = filters_of(request, ("payout_id", "processed_at_min", "processed_at_max"))
    lines = request.shop.balance
    if "payout_id" in filters:
        payout_id = int(filters["payout_id"])
        lines = [line for line in lines if line["payout_id"] == payout_id]
    lines = window(lines, filters, "processed_at", "processed_at")
    return listing(request, "transactions", lines, balance_key, True, filters)
