"""The sandbox's generated shop: real Shopify shapes, and figures that add up to the cent."""

import json
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from shopify_support import presentment, real, shape_problems

from odoo.addons.ecommerce_sync_shopify.connector import parse_order
from odoo.addons.ecommerce_sync_shopify.sandbox import generate

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def shop():
    return generate(seed=1, orders=200)


def first(items, condition):
    return next(item for item in items if condition(item))


def test_generated_objects_have_shopifys_shape(shop):
    rich = first(
        shop.orders,
        lambda o: o["refunds"] and o["fulfillments"] and o["discount_applications"] and o["customer"]
        and o["shipping_lines"] and any(item["tax_lines"] for item in o["line_items"]),
    )  # fmt: skip
    refunds = [item for order in shop.orders for item in order["refunds"]]
    with_shipping = first(refunds, lambda item: item["refund_shipping_lines"])
    transactions = [tx for txs in shop.transactions.values() for tx in txs]
    product = shop.products[0]
    authorization = first(transactions, lambda tx: tx["kind"] == "authorization")
    comparisons = {
        "order": (real("order.json")["order"], rich),
        "order list": (real("orders_list.json")["orders"][0], rich),
        "cancelled order": (real("order_cancelled_with_refund_discrepancy_adjustment.json")["order"], rich),
        "refund": (real("refund.json")["refund"], first(refunds, lambda item: item["refund_line_items"])),
        "shipping refund": (real("refund_with_shipping_order_adjustment.json")["refund"], with_shipping),
        "transaction": (real("transaction.json")["transaction"], authorization),
        "transactions": (
            real("transactions_list.json")["transactions"][1],
            first(transactions, lambda tx: tx.get("payment_details") and tx["kind"] == "authorization"),
        ),
        "fulfillment": (real("fulfillment.json")["fulfillment"], rich["fulfillments"][0]),
        "product": (real("product.json")["product"], product),
        "variant": (real("variant.json")["variant"], product["variants"][0]),
        "inventory item": (real("inventory_item.json")["inventory_item"], next(iter(shop.inventory_items.values()))),
        "inventory level": (
            real("inventory_levels_list.json")["inventory_levels"][0],
            next(iter(shop.levels.values())),
        ),
        "location": (real("location.json")["location"], shop.locations[0]),
        "payout": (real("payout.json")["payout"], shop.payouts[0]),
        "balance transaction": (
            first(real("balance_transactions_list.json")["transactions"], lambda item: item["type"] == "charge"),
            first(shop.balance_transactions, lambda item: item["type"] == "charge"),
        ),
    }  # fmt: skip
    problems = {name: shape_problems(r, g) for name, (r, g) in comparisons.items()}
    assert {name: found for name, found in problems.items() if found} == {}


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_base(item):
    discount = sum((presentment(alloc, "amount") for alloc in item["discount_allocations"]), Decimal(0))
    return presentment(item, "price") * item.get("quantity", 1) - discount


def test_orders_add_up_to_the_cent(shop):
    for order in shop.orders:
        included = order["taxes_included"]
        lines = sum((line_base(item) for item in order["line_items"]), Decimal(0))
        shipping = sum((line_base(item) for item in order["shipping_lines"]), Decimal(0))
        taxes = sum(
            (
                presentment(tax, "price")
                for item in order["line_items"] + order["shipping_lines"]
                for tax in item["tax_lines"]
            ),
            Decimal(0),
        )
        assert presentment(order, "subtotal_price") == lines, order["name"]
        assert (
            presentment(order, "total_tax")
            == taxes
            == sum((presentment(tax, "price") for tax in order["tax_lines"]), Decimal(0))
        ), order["name"]
        expected = lines + shipping + (Decimal(0) if included else taxes)
        assert presentment(order, "total_price") == expected, order["name"]
        allocations = sum(
            (
                presentment(a, "amount")
                for item in order["line_items"] + order["shipping_lines"]
                for a in item["discount_allocations"]
            ),
            Decimal(0),
        )
        assert presentment(order, "total_discounts") == allocations, order["name"]


def test_line_taxes_follow_their_rates(shop):
    checked = 0
    for order in shop.orders:
        for item in order["line_items"] + order["shipping_lines"]:
            if not item["tax_lines"]:
                continue
            base = line_base(item)
            rates = [Decimal(str(tax["rate"])) for tax in item["tax_lines"]]
            amounts = [presentment(tax, "price") for tax in item["tax_lines"]]
            if order["taxes_included"]:
                assert sum(amounts) == cents(base - base / (1 + sum(rates))), order["name"]
            else:
                assert amounts == [cents(base * rate) for rate in rates], order["name"]
            checked += 1
    assert checked > 300


def test_refunds_never_exceed_what_was_paid(shop):
    for order in shop.orders:
        transactions = shop.transactions[order["id"]]
        paid = {tx["id"]: Decimal(tx["amount"]) for tx in transactions
                if tx["kind"] in ("sale", "capture") and tx["status"] == "success"}  # fmt: skip
        refunded = defaultdict(Decimal)
        for tx in transactions:
            if tx["kind"] == "refund" and tx["status"] == "success":
                assert tx["parent_id"] in paid, order["name"]
                refunded[tx["parent_id"]] += Decimal(tx["amount"])
        for parent, amount in refunded.items():
            assert amount <= paid[parent], order["name"]
        units = Counter()
        for item in order["refunds"]:
            for line in item["refund_line_items"]:
                units[line["line_item_id"]] += line["quantity"]
            value = sum((presentment(line, "subtotal") for line in item["refund_line_items"]), Decimal(0))
            value += sum((presentment(line, "subtotal_amount") for line in item["refund_shipping_lines"]), Decimal(0))
            if not order["taxes_included"]:
                value += sum((presentment(line, "total_tax") for line in item["refund_line_items"]), Decimal(0))
                value += sum((presentment(line, "tax_amount") for line in item["refund_shipping_lines"]), Decimal(0))
            discrepancy = sum(
                (
                    presentment(adj, "amount")
                    for adj in item["order_adjustments"]
                    if adj["kind"] == "refund_discrepancy"
                ),
                Decimal(0),
            )
            money = sum((Decimal(tx["amount"]) for tx in item["transactions"]), Decimal(0))
            if item["transactions"] or discrepancy:
                assert money == value - discrepancy, (order["name"], item["id"])
            else:  # a removal from an order not paid yet: nothing to pay back
                paid_before = [
                    tx for tx in transactions if tx["id"] in paid and tx["processed_at"] <= item["processed_at"]
                ]
                assert not paid_before, (order["name"], item["id"])
        for line in order["line_items"]:
            assert units[line["id"]] <= line["quantity"], order["name"]
            assert line["current_quantity"] == line["quantity"] - units[line["id"]], order["name"]


def test_a_paid_order_was_paid_what_it_currently_costs(shop):
    """An item removed by an edit before a manual payment lowers what the customer is marked to pay."""
    edited = 0
    for order in shop.orders:
        if order["financial_status"] != "paid":
            continue
        paid = sum(
            (Decimal(tx["amount"]) for tx in shop.transactions[order["id"]]
             if tx["kind"] in ("sale", "capture") and tx["status"] == "success"),
            Decimal(0),
        )  # fmt: skip
        assert paid == presentment(order, "current_total_price"), order["name"]
        edited += any(not item["transactions"] for item in order["refunds"])
    assert edited >= 1


def test_fulfilments_ship_no_more_than_was_sold(shop):
    for order in shop.orders:
        shipped = Counter()
        for fulfillment in order["fulfillments"]:
            assert fulfillment["tracking_number"] and fulfillment["status"] == "success"
            for item in fulfillment["line_items"]:
                shipped[item["id"]] += item["quantity"]
        returned = Counter()
        for refund in order["refunds"]:
            for line in refund["refund_line_items"]:
                if line["restock_type"] == "return":
                    returned[line["line_item_id"]] += line["quantity"]
        for line in order["line_items"]:
            assert shipped[line["id"]] <= line["quantity"], order["name"]
            assert returned[line["id"]] <= shipped[line["id"]], f"{order['name']}: returned what never shipped"


def test_payouts_are_the_sum_of_their_balance_transactions(shop):
    by_payout = defaultdict(list)
    for line in shop.balance_transactions:
        assert Decimal(line["net"]) == Decimal(line["amount"]) - Decimal(line["fee"])
        by_payout[line["payout_id"]].append(line)
    payments = {
        tx["id"]
        for txs in shop.transactions.values()
        for tx in txs
        if tx["gateway"] == "shopify_payments"
        and tx["status"] == "success"
        and tx["kind"] in ("sale", "capture", "refund")
    }
    for payout in shop.payouts:
        lines = by_payout[payout["id"]]
        assert Decimal(payout["amount"]) == sum((Decimal(line["net"]) for line in lines), Decimal(0)) > 0
        assert Decimal(payout["summary"]["charges_fee_amount"]) == sum(
            (Decimal(line["fee"]) for line in lines if line["type"] == "charge"), Decimal(0)
        )
        for line in lines:
            assert line["payout_status"] == payout["status"]
            if line["type"] != "adjustment":
                assert line["source_order_transaction_id"] in payments
    assert {payout["status"] for payout in shop.payouts} >= {"paid", "scheduled"}


def test_the_shop_covers_the_cases_the_books_must_handle(shop):
    orders = shop.orders
    transactions = [tx for txs in shop.transactions.values() for tx in txs]
    refund_lines = [line for order in orders for item in order["refunds"] for line in item["refund_line_items"]]
    adjustments = [adj["kind"] for order in orders for item in order["refunds"] for adj in item["order_adjustments"]]
    assert {order["presentment_currency"] for order in orders} == {"USD", "CAD", "EUR", "GBP"}
    assert {order["taxes_included"] for order in orders} == {True, False}
    assert any(len(item["tax_lines"]) == 2 for order in orders for item in order["line_items"]), "two taxes on a line"
    assert {app["type"] for order in orders for app in order["discount_applications"]} == {"discount_code", "automatic"}
    assert any(app["target_type"] == "shipping_line" for order in orders for app in order["discount_applications"])
    assert any(item["gift_card"] for order in orders for item in order["line_items"]), "gift cards sold"
    assert any(tx["gateway"] == "gift_card" for tx in transactions), "gift cards used to pay"
    assert {tx["gateway"] for tx in transactions} >= {
        "shopify_payments",
        "paypal",
        "gift_card",
        "Cash on Delivery (COD)",
    }
    assert any(tx["status"] == "failure" for tx in transactions)
    assert {line["restock_type"] for line in refund_lines} == {"return", "no_restock", "cancel"}
    assert {"shipping_refund", "refund_discrepancy"} <= set(adjustments)
    assert any(len(order["fulfillments"]) == 2 for order in orders), "split shipments"
    assert Counter(order["fulfillment_status"] for order in orders).keys() >= {None, "partial", "fulfilled"}
    statuses = Counter(order["financial_status"] for order in orders)
    assert statuses.keys() >= {"paid", "partially_refunded", "refunded", "pending", "authorized", "voided"}
    cancelled = [order for order in orders if order["cancelled_at"]]
    assert {order["financial_status"] for order in cancelled} >= {"refunded", "voided"}, "paid and unpaid cancellations"
    assert any(item["note"] == "Order edited: item removed" for order in orders for item in order["refunds"])
    assert any(order["customer"] is None for order in orders), "guest checkouts"
    customers = Counter(order["customer"]["id"] for order in orders if order["customer"])
    assert max(customers.values()) > 1, "returning customers"


def test_the_same_seed_gives_the_same_shop():
    first_run, second_run = generate(seed=5, orders=30), generate(seed=5, orders=30)
    assert json.dumps(first_run.orders) == json.dumps(second_run.orders)
    assert json.dumps(first_run.payouts) == json.dumps(second_run.payouts)
    assert json.dumps(generate(seed=6, orders=30).orders) != json.dumps(first_run.orders)


def test_returns_and_removals_say_whether_the_units_shipped(shop):
    kinds = Counter()
    for raw in shop.orders:
        order = parse_order(dict(raw, transactions=shop.transactions[raw["id"]]))
        shopify = {
            (str(item["line_item_id"]), item["restock_type"])
            for refund in raw["refunds"]
            for item in refund["refund_line_items"]
        }
        for refund in order.refunds:
            for line in refund.lines:
                assert (line.line_external_id, line.restock_type or "no_restock") in shopify
                kinds[line.restock_type] += 1
    assert kinds["return"] and kinds["cancel"] and kinds[""]
