from contextlib import ExitStack, closing

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.ecommerce_builder_mixin import IMPORT_CONTEXT

#: a period no other test books in: its first invoice is numbered .../00001
PERIOD_DATE = "2031-03-05"


@tagged("post_install", "-at_install")
class TestNumberingSideBySide(TransactionCase):
    """Two imports posting the first invoices of a period at once (two workers): both are numbered.

    The transactions must see the same committed state, so this test works in transactions of
    its own and removes what it committed.
    """

    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        with closing(sql_db.db_connect(self.dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.partner_id = env["res.partner"].create({"name": "Side by Side Customer"}).id
            self.journal_id = (
                env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1).id
            )
            cr.commit()  # pylint: disable=invalid-commit
        self.addCleanup(self.remove_committed)

    def remove_committed(self):
        with closing(sql_db.db_connect(self.dbname).cursor()) as cr:
            cr.execute("DELETE FROM account_move WHERE partner_id = %s", [self.partner_id])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.partner_id])
            cr.commit()  # pylint: disable=invalid-commit

    def transaction(self, stack, context):
        cr = stack.enter_context(closing(sql_db.db_connect(self.dbname).cursor()))
        env = api.Environment(cr, SUPERUSER_ID, context)
        # the transaction's snapshot: it sees the journal's entries as they are now
        env["account.move"].search_count([("journal_id", "=", self.journal_id)])
        return env

    def invoice(self, env, amount):
        move = self.draft(env, amount)
        draft_name = move.name
        move.action_post()
        env.flush_all()
        return draft_name, move

    def draft(self, env, amount):
        return env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_id,
                "journal_id": self.journal_id,
                "invoice_date": PERIOD_DATE,
                "invoice_line_ids": [(0, 0, {"name": "Mug", "quantity": 1, "price_unit": amount, "tax_ids": []})],
            }
        )

    def assertNumberedInTurn(self, held, waiting):
        """The second posting committed after the first one: the period's first two numbers, in turn."""
        waiting.env.flush_all()
        waiting.env.cr.commit()  # pylint: disable=invalid-commit
        prefix = held.name.rsplit("/", 1)[0]
        self.assertEqual((held.name, waiting.name), (f"{prefix}/00001", f"{prefix}/00002"))

    def test_an_import_leaves_unnumbered_the_first_draft_of_a_period_another_import_holds(self):
        with ExitStack() as stack:
            first = self.transaction(stack, IMPORT_CONTEXT)
            second = self.transaction(stack, IMPORT_CONTEXT)
            held = self.draft(first, 10)
            first.flush_all()
            self.assertNotEqual(held.name, "/", "Odoo numbers the first draft of a period at once")
            waiting = self.draft(second, 20)
            second.flush_all()
            self.assertEqual(waiting.name, "/", "the number is the first import's")
            held.action_post()
            first.cr.commit()
            waiting.action_post()
            self.assertNumberedInTurn(held, waiting)

    def test_an_import_posts_the_first_number_of_a_period_only_while_no_other_one_posts_it(self):
        # drafts numbered by environments without the imports' context (a recompute elsewhere)
        with ExitStack() as stack:
            first = self.transaction(stack, {})
            second = self.transaction(stack, {})
            second.cr.execute("SET LOCAL lock_timeout = '5s'")
            held, waiting = self.draft(first, 10), self.draft(second, 20)
            first.flush_all()
            second.flush_all()
            self.assertEqual(held.name, waiting.name, "both drafts show the period's first number")
            held.with_context(**IMPORT_CONTEXT).action_post()
            first.flush_all()
            # the first posting holds the number: the second gives it up without waiting for it
            waiting.with_context(**IMPORT_CONTEXT)._release_taken_draft_numbers()
            self.assertEqual(waiting.name, "/")
            first.cr.commit()
            waiting.with_context(**IMPORT_CONTEXT).action_post()
            self.assertNumberedInTurn(held, waiting)

    def test_two_imports_post_the_first_invoices_of_a_period_side_by_side(self):
        with ExitStack() as stack:
            first = self.transaction(stack, IMPORT_CONTEXT)
            second = self.transaction(stack, {})
            third = self.transaction(stack, IMPORT_CONTEXT)
            first_draft, move = self.invoice(first, 10)
            first_name = move.name
            self.assertEqual(first_draft, first_name, "Odoo numbers the first draft of a period at once")
            first.cr.commit()
            # Odoo's own path: the draft takes the period's first number, which the posting then finds taken
            with self.assertRaises(pg_errors.UniqueViolation), mute_logger("odoo.sql_db"):
                with second.cr.savepoint(flush=False):
                    self.invoice(second, 20)
            second.cr.rollback()
            # an import passes over the number taken meanwhile
            third_draft, move = self.invoice(third, 30)
            self.assertEqual(third_draft, first_name, "its snapshot shows no entry of the period either")
            third_name = move.name
            third.cr.commit()
        prefix = first_name.rsplit("/", 1)[0]
        self.assertEqual(first_name, f"{prefix}/00001")
        self.assertEqual(third_name, f"{prefix}/00002")
        self.assertEqual(
            self.env["account.move"].search([("partner_id", "=", self.partner_id)]).mapped(lambda m: (m.name, m.state)),
            [(f"{prefix}/00002", "posted"), (f"{prefix}/00001", "posted")],
        )
