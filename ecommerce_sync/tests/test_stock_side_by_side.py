from contextlib import ExitStack, closing

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestStockSideBySide(TransactionCase):
    """Two imports delivering the same product at once (two workers): neither stops the other.

    The stock must be committed before both transactions begin, so this test works in
    transactions of its own and removes what it committed.
    """

    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        with closing(sql_db.db_connect(self.dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create({"name": "Side by Side Mug", "is_storable": True})
            location = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
            env["stock.quant"]._update_available_quantity(product, location, 10)
            env.flush_all()
            cr.commit()  # pylint: disable=invalid-commit
            self.product_id, self.location_id = product.id, location.id
        self.addCleanup(self.remove_committed)

    def remove_committed(self):
        with closing(sql_db.db_connect(self.dbname).cursor()) as cr:
            cr.execute("DELETE FROM stock_quant WHERE product_id = %s", [self.product_id])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def transaction(self, stack, context):
        cr = stack.enter_context(closing(sql_db.db_connect(self.dbname).cursor()))
        env = api.Environment(cr, SUPERUSER_ID, context)
        # the transaction's snapshot: it sees the stock as it is now
        env["stock.quant"].search([("product_id", "=", self.product_id)]).mapped("quantity")
        return env

    def deliver(self, env, quantity):
        product = env["product.product"].browse(self.product_id)
        location = env["stock.location"].browse(self.location_id)
        env["stock.quant"]._update_available_quantity(product, location, -quantity)
        env.flush_all()

    def on_hand(self):
        with closing(sql_db.db_connect(self.dbname).cursor()) as cr:
            cr.execute(
                "SELECT count(*), sum(quantity) FROM stock_quant WHERE product_id = %s AND location_id = %s",
                [self.product_id, self.location_id],
            )
            return cr.fetchone()

    def test_an_import_passes_over_the_quant_another_one_just_changed(self):
        with ExitStack() as stack:
            first = self.transaction(stack, {"ecommerce_import_quants": True})
            second = self.transaction(stack, {})
            third = self.transaction(stack, {"ecommerce_import_quants": True})
            self.deliver(first, 3)
            first.cr.commit()
            # Odoo's own path: PostgreSQL refuses the quant the first transaction changed
            with self.assertRaises(pg_errors.SerializationFailure), mute_logger("odoo.sql_db"):
                with second.cr.savepoint(flush=False):
                    self.deliver(second, 1)
            second.cr.rollback()
            # an import takes another quant instead, and both deliveries count
            self.deliver(third, 2)
            third.cr.commit()
        quants, quantity = self.on_hand()
        self.assertEqual(quantity, 5.0, "10 on hand, 3 and 2 delivered")
        self.assertEqual(quants, 2, "the second import wrote a quant of its own")

    def test_an_import_updates_the_quant_when_nobody_changed_it(self):
        with ExitStack() as stack:
            env = self.transaction(stack, {"ecommerce_import_quants": True})
            self.deliver(env, 4)
            env.cr.commit()
        self.assertEqual(self.on_hand(), (1, 6.0), "one quant, as Odoo keeps it")
