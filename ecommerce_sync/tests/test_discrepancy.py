from odoo.tests import new_test_user, tagged

from .common import EcommerceSyncCommon


@tagged("post_install", "-at_install")
class TestDiscrepancy(EcommerceSyncCommon):
    def test_flag_gives_the_responsible_user_one_activity_and_refreshes(self):
        accountant = new_test_user(self.env, login="ecom_accountant", groups="ecommerce_sync.group_ecommerce_user")
        self.store.discrepancy_user_id = accountant
        Discrepancy = self.env["ecommerce.discrepancy"]
        first = Discrepancy._flag(
            self.store,
            "amount_mismatch",
            "Invoice total 100.01, store 100.00",
            external_id="1001",
            record=self.product_a,
            expected=100.00,
            found=100.01,
            currency=self.env.company.currency_id,
        )
        self.assertRecordValues(
            first,
            [
                {
                    "state": "open",
                    "kind": "amount_mismatch",
                    "external_id": "1001",
                    "res_model": "product.product",
                    "res_id": self.product_a.id,
                }
            ],
        )
        self.assertAlmostEqual(first.difference, 0.01, places=4)
        self.assertEqual(first.activity_ids.user_id, accountant)
        self.assertIn("Review: Amount mismatch: Memory Shop 1001", first.activity_ids.summary)

        again = Discrepancy._flag(
            self.store,
            "amount_mismatch",
            "Invoice total 100.02, store 100.00",
            external_id="1001",
            expected=100.00,
            found=100.02,
        )
        self.assertEqual(again, first, "an open discrepancy is refreshed, not duplicated")
        self.assertEqual(len(first.activity_ids), 1)
        self.assertAlmostEqual(first.difference, 0.02, places=4)

        Discrepancy._resolve(self.store, "amount_mismatch", "1001")
        self.assertEqual(first.state, "resolved")
        self.assertFalse(first.activity_ids)
        third = Discrepancy._flag(self.store, "amount_mismatch", "again", external_id="1001")
        self.assertNotEqual(third, first, "a new difference after resolution is a new discrepancy")
