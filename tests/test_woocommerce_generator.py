"""The sandbox's generated WooCommerce data: real payload shapes, deterministic, consistent to the cent."""

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from woocommerce_support import compare_shapes, fixture, sandbox_connector

from odoo.addons.ecommerce_sync_woocommerce.sandbox import WooCommerceSandbox, generate_site

D = Decimal
CENT = D("0.01")


@pytest.fixture(scope="module")
def served():
    """Payloads as the sandbox serves them over HTTP."""
    with WooCommerceSandbox(profile="eu", orders=60, seed=2) as sandbox:
        client = sandbox_connector(sandbox).client
        site = sandbox.site
        refunded = next(oid for oid, refunds in site.refunds.items() if any(r["line_items"] for r in refunds))
        variation_line = next(
            oid for oid, o in site.orders.items() if any(line["variation_id"] for line in o["line_items"])
        )
        simple = next(p for p in site.products.values() if p["type"] == "simple" and p["manage_stock"])
        variable = next(p for p in site.products.values() if p["type"] == "variable")
        yield {
            "order": client.get_json(f"orders/{variation_line}"),
            "refunded_order": client.get_json(f"orders/{refunded}"),
            "refunds": client.get_json(f"orders/{refunded}/refunds"),
            "simple": client.get_json(f"products/{simple['id']}"),
            "variable": client.get_json(f"products/{variable['id']}"),
            "variations": client.get_json(f"products/{variable['id']}/variations"),
            "variation": client.get_json(f"products/{variable['id']}/variations/{variable['variations'][0]}"),
        }


def test_orders_have_the_real_shape(served):
    real = fixture("order.json")
    assert compare_shapes(real, served["order"]) == []
    real_with_refunds = next(o for o in fixture("orders_list.json") if o["refunds"])
    assert compare_shapes(real_with_refunds, served["refunded_order"]) == []


def test_fee_and_coupon_lines_have_the_documented_shape(served):
    # the real samples have no fee or coupon line: the REST API reference lists their properties
    orders = list(generate_site("us", orders=80, seed=2).orders.values())
    fee = next(line for o in orders for line in o["fee_lines"])
    coupon = next(line for o in orders for line in o["coupon_lines"])
    assert set(fee) == {"id", "name", "tax_class", "tax_status", "total", "total_tax", "taxes", "meta_data"}
    assert set(coupon) == {"id", "code", "discount", "discount_tax", "meta_data"}
    assert isinstance(fee["id"], int) and isinstance(coupon["discount"], str)


def test_refunds_have_the_real_shape(served):
    real = fixture("refunds_list.json")[1]  # the one with a line item
    for refund in served["refunds"]:
        assert compare_shapes(real, refund) == []
    assert compare_shapes(fixture("refund.json"), served["refunds"][0]) == []


def test_products_and_variations_have_the_real_shape(served):
    assert compare_shapes(fixture("product.json"), served["simple"]) == []
    assert compare_shapes(fixture("products_list.json")[0], served["variable"]) == []
    assert compare_shapes(fixture("product_variation.json"), served["variation"]) == []
    for variation in served["variations"]:
        assert compare_shapes(fixture("product_variations_list.json")[0], variation) == []


def test_shape_check_catches_a_difference():
    real = fixture("order.json")
    broken = json.loads(json.dumps(real))
    broken["total"] = 29.35
    del broken["line_items"][0]["sku"]
    broken["line_items"][1]["extra"] = 1
    assert sorted(compare_shapes(real, broken)) == [
        "line_items[].extra: not in the real payload",
        "line_items[].sku: missing",
        "total: str in the real payload, number generated",
    ]


def test_generation_is_deterministic():
    first = generate_site("eu", orders=30, seed=9)
    again = generate_site("eu", orders=30, seed=9)
    other = generate_site("eu", orders=30, seed=10)
    dump = lambda site: json.dumps([site.orders, site.refunds, site.products, site.variations], sort_keys=True)  # noqa: E731
    assert dump(first) == dump(again)
    assert dump(first) != dump(other)


def _cents(value):
    return D(value).quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("profile", ["us", "eu"])
def test_generated_orders_are_consistent_to_the_cent(profile):
    """WooCommerce's own arithmetic: per-line rounded taxes, totals from the lines."""
    site = generate_site(profile, orders=150, seed=21)
    incl = site.profile.prices_include_tax
    for order in site.orders.values():
        items = order["line_items"] + order["fee_lines"]
        for item in items + order["shipping_lines"]:
            # a line's tax is its rates' unrounded amounts, each rounded to the cent
            assert D(item["total_tax"]) == sum(_cents(tax["total"]) for tax in item["taxes"])
        cart_tax = sum(D(item["total_tax"]) for item in items)
        shipping_tax = sum(D(line["total_tax"]) for line in order["shipping_lines"])
        assert D(order["cart_tax"]) == cart_tax and D(order["shipping_tax"]) == shipping_tax
        assert D(order["total_tax"]) == cart_tax + shipping_tax
        assert sum(D(t["tax_total"]) + D(t["shipping_tax_total"]) for t in order["tax_lines"]) == D(order["total_tax"])
        net = sum(D(item["total"]) for item in items) + D(order["shipping_total"])
        assert D(order["total"]) == net + D(order["total_tax"])
        lines = order["line_items"]
        assert D(order["discount_total"]) == sum(D(line["subtotal"]) - D(line["total"]) for line in lines)
        for line in lines:
            price = D(site.item(line["variation_id"] or line["product_id"])["regular_price"])
            if incl:
                # what the customer pays for the line is price x quantity: the tax is inside
                assert D(line["subtotal"]) + D(line["subtotal_tax"]) == price * line["quantity"]
            else:
                assert D(line["subtotal"]) == price * line["quantity"]
        refunded = D(0)
        for refund in site.refunds[order["id"]]:
            items_value = sum(-D(item["total"]) - D(item["total_tax"]) for item in refund["line_items"])
            assert D(refund["amount"]) >= items_value
            refunded += D(refund["amount"])
        assert refunded <= D(order["total"])
        assert sum(-D(r["total"]) for r in order["refunds"]) == refunded
        if order["status"] == "refunded":
            assert refunded == D(order["total"])


@pytest.mark.parametrize("profile", ["us", "eu"])
def test_generated_sites_cover_what_the_ledger_and_stock_need(profile):
    site = generate_site(profile, orders=60, seed=7)
    orders = list(site.orders.values())
    statuses = {order["status"] for order in orders}
    assert {"completed", "processing", "on-hold", "pending", "cancelled", "failed", "refunded"} <= statuses
    assert any(order["coupon_lines"] for order in orders)
    assert any(fee["tax_status"] == "taxable" for order in orders for fee in order["fee_lines"])
    assert any(line["variation_id"] for order in orders for line in order["line_items"])
    refunds = [refund for refunds in site.refunds.values() for refund in refunds]
    assert any(refund["line_items"] for refund in refunds)  # item refunds
    assert any(not refund["line_items"] for refund in refunds)  # amount-only refunds
    restocked = [
        line
        for order in orders
        for line in order["line_items"]
        if any(m["key"] == "_restock_refunded_items" for m in line["meta_data"])
    ]
    assert restocked  # refunds with restock
    refunded_lines = {
        int(meta["value"])
        for refund in refunds
        for item in refund["line_items"]
        for meta in item["meta_data"]
        if meta["key"] == "_refunded_item_id"
    }
    assert refunded_lines - {line["id"] for line in restocked}  # and without
    assert site.profile.prices_include_tax is (profile == "eu")
    # several orders share one modification second (a bulk "mark complete")
    stamps = [order["date_modified_gmt"] for order in orders]
    assert max(stamps.count(stamp) for stamp in stamps) >= 3


@pytest.mark.parametrize("profile", ["us", "eu"])
def test_item_refunds_are_what_the_refund_form_fills_in(profile):
    """k of q units: k/q of the line's total, and per rate k/q of its unrounded tax rounded to the cent."""
    site = generate_site(profile, orders=150, seed=21)
    checked = 0
    for order in site.orders.values():
        lines = {line["id"]: line for line in order["line_items"]}
        for refund in site.refunds[order["id"]]:
            fields = D(0)
            for item in refund["line_items"]:
                line = lines[int(next(m["value"] for m in item["meta_data"] if m["key"] == "_refunded_item_id"))]
                share = D(-item["quantity"]) / D(line["quantity"])
                assert D(item["total"]) == -_cents(D(line["total"]) * share)
                rates = {tax["id"]: D(tax["total"]) for tax in line["taxes"]}
                for tax in item["taxes"]:
                    assert D(tax["total"]) == -_cents(rates[tax["id"]] * share)
                assert D(item["total_tax"]) == sum(D(tax["total"]) for tax in item["taxes"])
                fields += -D(item["total"]) - D(item["total_tax"])
                checked += 1
            if refund["line_items"] and order["status"] != "refunded":
                # the amount adds up the form's fields, each rounded to the cent
                assert D(refund["amount"]) == fields
    assert checked > 10


def test_a_given_catalogue_is_sold_instead_of_the_default_one():
    from odoo.addons.ecommerce_sync_woocommerce.sandbox import CATALOGUE, Article

    default = generate_site("us", orders=5, seed=3)
    skus = lambda site: sorted(site.item(item_id)["sku"] for item_id in site.sellable())  # noqa: E731
    assert {sku.split("-")[0] + "-" + sku.split("-")[1] for sku in skus(default)} == {row[0] for row in CATALOGUE}
    catalogue = [
        Article("OCT", "Organic Cotton Tee", "29.00", option="Size", variants=(("OCT-S", "S"), ("OCT-M", "M"))),
        Article.from_dict({"sku": "BCB", "name": "Bamboo Cutting Board", "price": 38}),
    ]
    site = generate_site("us", orders=25, seed=3, catalogue=catalogue)
    assert skus(site) == ["BCB", "OCT-M", "OCT-S"]
    board = next(p for p in site.products.values() if p["sku"] == "BCB")
    assert (board["type"], board["price"], board["manage_stock"]) == ("simple", "38.00", True)
    tee = next(p for p in site.products.values() if p["sku"] == "OCT")
    assert [site.variations[v]["attributes"] for v in tee["variations"]] == [
        [{"id": 1, "name": "Size", "option": "S"}],
        [{"id": 1, "name": "Size", "option": "M"}],
    ]
    sold = {line["sku"] for order in site.orders.values() for line in order["line_items"]}
    assert sold == {"BCB", "OCT-S", "OCT-M"}
    # the default catalogue is unchanged by the option
    assert json.dumps(generate_site("us", orders=5, seed=3).orders) == json.dumps(default.orders)


def test_a_permanently_deleted_order_is_gone():
    site = generate_site("us", orders=3, seed=3)
    order_id = next(iter(site.orders))
    site.delete_order(order_id)
    assert order_id not in site.orders and order_id not in site.refunds


def test_the_command_line_reads_a_catalogue_file(tmp_path):
    from odoo.addons.ecommerce_sync_woocommerce.sandbox.__main__ import read_catalogue

    path = tmp_path / "catalogue.json"
    path.write_text(
        json.dumps(
            [
                {
                    "sku": "MCS",
                    "name": "Merino Crew Sweater",
                    "price": "89",
                    "option": "Size",
                    "variants": [["MCS-S", "S"], ["MCS-M", "M"]],
                },
                {"sku": "BCB", "name": "Bamboo Cutting Board", "price": "38.00"},
            ]
        )
    )
    catalogue = read_catalogue(path)
    assert [(a.sku, a.price, a.option, a.variants) for a in catalogue] == [
        ("MCS", "89.00", "Size", (("MCS-S", "S"), ("MCS-M", "M"))),
        ("BCB", "38.00", "", ()),
    ]
    site = generate_site("eu", orders=4, seed=5, catalogue=catalogue)
    assert sorted(site.item(item_id)["sku"] for item_id in site.sellable()) == ["BCB", "MCS-M", "MCS-S"]
