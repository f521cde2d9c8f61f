"""The exact expression of store line amounts as Odoo line values (no Odoo needed)."""

import random
from decimal import Decimal as D

import pytest

from odoo.addons.ecommerce_sync.ledger.amounts import LinePart, line_candidates, parts_amount, round_float


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(2.675, 2, "2.68"), (1.005, 2, "1.01"), (-2.675, 2, "-2.68"), (0.125, 2, "0.13"), (0.0, 2, "0.00")],
)
def test_round_float_rounds_half_up_like_odoo(value, digits, expected):
    assert round_float(value, digits) == D(expected)


def test_a_line_without_discount_keeps_the_store_price():
    assert line_candidates(D(3), D("19.99"), D("59.97"))[0] == [LinePart(D(3), D("19.99"))]


def test_a_discount_becomes_a_percentage_when_one_gives_the_amount():
    # 2 x 20.00 with 4.00 off: 10 %
    assert line_candidates(D(2), D("20.00"), D("36.00"))[0] == [LinePart(D(2), D("20.00"), D("10.00"))]
    # 1 x 35.50 with 3.55 off, 1 x 1000.00 with 33.30 off
    assert line_candidates(D(1), D("35.50"), D("31.95"))[0] == [LinePart(D(1), D("35.50"), D("10.00"))]
    assert line_candidates(D(1), D("1000.00"), D("966.70"))[0] == [LinePart(D(1), D("1000.00"), D("3.33"))]


def test_the_net_price_serves_when_no_percentage_does():
    # 33.33 off 1000.00 is 3.333 %: 3.33 % would give 966.70
    assert line_candidates(D(1), D("1000.00"), D("966.67"))[0] == [LinePart(D(1), D("966.67"))]
    assert line_candidates(D(3), D("400.00"), D("1166.67"))[0] == [LinePart(D(3), D("388.89"))]


def test_the_line_is_split_when_neither_does():
    candidates = line_candidates(D(3), D("333.33"), D("966.67"))
    assert candidates[0] == [LinePart(D(2), D("322.22")), LinePart(D(1), D("322.23"))]
    assert parts_amount(candidates[0]) == D("966.67")


def test_free_items_and_free_shipping():
    assert line_candidates(D(1), D("7.99"), D("0.00"))[0] == [LinePart(D(1), D("7.99"), D("100.00"))]
    assert line_candidates(D(2), D("0.00"), D("0.00"))[0] == [LinePart(D(2), D("0.00"))]


@pytest.mark.parametrize("seed", range(5))
def test_every_first_candidate_is_exact_for_whole_quantities(seed):
    rng = random.Random(seed)
    for _ in range(400):
        quantity = D(rng.randint(1, 12))
        price = D(rng.randint(1, 200000)) / 100
        discount = D(rng.randint(0, int(quantity * price * 100))) / 100
        amount = quantity * price - discount
        best = line_candidates(quantity, price, amount)[0]
        assert parts_amount(best) == amount, (quantity, price, discount, best)
        assert sum(part.quantity for part in best) == quantity
