"""A store whose platform reports no payouts says what its clearing account waits for."""

from odoo.tests import tagged

from . import test_ledger_engine  # noqa: F401  (registers the "ledger_test" platform, which has payouts)
from .common_ledger import LedgerCommon


@tagged("post_install", "-at_install")
class TestStoreWithoutPayouts(LedgerCommon):
    def test_clearing_account_of_a_platform_without_payouts_says_what_to_connect(self):
        # the memory platform pulls products only: nothing ever empties its clearing account
        self.assertFalse(self.store.payouts_supported)
        self.assertIn("reports no payouts", self.clearing.note)
        self.assertIn("Connect the payment platform", self.clearing.note)
        self.assertIn("by hand", self.clearing.note)

        with_payouts = self.env["ecommerce.store"].create(
            {"name": "Paid-out shop", "platform": "ledger_test", "company_id": self.company.id}
        )
        with_payouts.action_setup_accounting()
        self.assertTrue(with_payouts.payouts_supported)
        self.assertFalse(with_payouts.clearing_account_id.note)
