"""What the ledger builders hand one another: line plans, store totals, settlements, issues (no Odoo needed)."""

from decimal import Decimal as D

from odoo.addons.ecommerce_sync.connector.records import PayoutLine
from odoo.addons.ecommerce_sync.ledger.amounts import LinePart
from odoo.addons.ecommerce_sync.ledger.issues import Issue, merge_issues
from odoo.addons.ecommerce_sync.ledger.plans import LinePlan, Settlement, StoreTotals


def test_a_line_plan_is_written_at_its_currency_and_the_odoo_precisions():
    # 3 x 3.33 for 10.00: no single price at two decimals, so two lines a cent apart
    plan = LinePlan("l1", D(3), D("3.33"), D("10.00"), tax_included=True)
    assert plan.candidates()[-1] == [LinePart(D(2), D("3.33")), LinePart(D(1), D("3.34"))]
    # in a currency without cents, 3 x 1000 with 10 off is 0.33 % off (2990.10 rounds to 2990)
    yen = LinePlan("l2", D(3), D("1000"), D("2990"), currency_digits=0)
    assert yen.candidates()[0] == [LinePart(D(3), D("1000"), D("0.33"))]
    assert LinePlan("l3", D(3), D("1000"), D("2990")).candidates()[0] != yen.candidates()[0]


def test_store_totals_add_the_tax_to_the_untaxed_amount():
    assert StoreTotals(D("100.00"), D("6.25")).total == D("106.25")


def test_a_settlement_is_converted_when_the_payment_is_in_another_currency():
    line = PayoutLine("bt-1", "charge", D("50.00"), D("1.75"), D("48.25"), "USD")
    assert not Settlement(line, payment=None, payment_currency="USD").converted
    assert Settlement(line, payment=None, payment_currency="EUR").converted


def test_issues_merge_per_kind_and_reference_keeping_the_first_amounts():
    issues = [
        Issue("unmatched_product", "Line 1 matches no product."),
        Issue("unmapped_tax", "Tax GST 5 created.", external_id="GST 5"),
        Issue("unmatched_product", "Line 2 matches no product."),
        Issue("tax_mismatch", "INV/1: tax 6.26, the store says 6.25.", expected=D("6.25"), found=6.26),
        Issue("unmapped_tax", "Tax QST 9.975 created.", external_id="QST 9.975"),
        Issue("tax_mismatch", "INV/1 again.", expected=D("1.00"), found=2.0),
    ]
    merged = merge_issues(issues)
    assert [(issue.kind, issue.external_id) for issue in merged] == [
        ("unmatched_product", None),
        ("unmapped_tax", "GST 5"),
        ("tax_mismatch", None),
        ("unmapped_tax", "QST 9.975"),
    ]
    assert merged[0].message == "Line 1 matches no product.\nLine 2 matches no product."
    assert (merged[2].expected, merged[2].found) == (D("6.25"), 6.26)
    assert merged[2].message == "INV/1: tax 6.26, the store says 6.25.\nINV/1 again."
