"""Pages of orders booked as batches: the same documents as record by record, a bad record fails alone."""

from unittest.mock import patch

from odoo.tests import tagged

from ..connector import Page, RawRecord, register_connector
from ..models.ecommerce_builder_mixin import IMPORT_CONTEXT
from .common_ledger import LedgerCommon
from .order_generator import generate
from .test_ledger_engine import LedgerTestConnector

# what the page test platform serves: flow -> canonical records, ``page_size`` of them a page
PAGED_SHOP = {"orders": [], "refunds": [], "payouts": [], "page_size": 10}


@register_connector
class PagedLedgerConnector(LedgerTestConnector):
    """The ledger test platform, with pages of several records (and records that make its parser raise)."""

    platform = "ledger_pages"
    label = "Ledger pages (tests)"

    def _fetch(self, flow, cursor):
        position = int(cursor or 0)
        size = PAGED_SHOP["page_size"]
        while position < len(PAGED_SHOP[flow]):
            chunk = range(position, min(position + size, len(PAGED_SHOP[flow])))
            position = chunk[-1] + 1
            yield Page(
                [RawRecord(str(index), {"flow": flow, "index": index}) for index in chunk],
                cursor=str(position),
                more=position < len(PAGED_SHOP[flow]),
            )

    def _parse(self, payload):
        record = PAGED_SHOP[payload["flow"]][payload["index"]]
        if isinstance(record, Exception):
            raise record
        return record

    parse_orders = parse_refunds = parse_payouts = _parse


@tagged("post_install", "-at_install")
class TestLedgerPages(LedgerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_up_generated_shop()
        cls.engine = cls.env["ecommerce.sync.engine"]

    def tearDown(self):
        for flow in ("orders", "refunds", "payouts"):
            PAGED_SHOP[flow] = []
        PAGED_SHOP["page_size"] = 10
        super().tearDown()

    # ------------------------------------------------------------------
    # what the books hold, in terms that do not depend on sequence numbers
    def snapshot(self):
        """Every document of the store, keyed by the store's order number, with what a user checks."""
        Move = self.env["account.move"]
        moves = Move.search([("ecommerce_store_id", "=", self.store.id)], order="id")
        sale_orders = self.env["sale.order"].search([("ecommerce_store_id", "=", self.store.id)], order="id")
        order_of = {}
        for sale_order in sale_orders:
            for move in sale_order.invoice_ids:
                order_of[move.id] = sale_order.client_order_ref
        keys = {}
        for move in moves:
            owner = order_of.get(move.id) or move.ref or move.move_type
            count = sum(1 for key in keys.values() if key[:2] == (move.move_type, owner))
            keys[move.id] = (move.move_type, owner, count)

        def move_key(move):
            return keys.get(move.id, (move.move_type, move.ref, -1))

        documents = {}
        for move in moves:
            documents[move_key(move)] = {
                "state": move.state,
                "payment_state": move.payment_state,
                "journal": move.journal_id.code,
                "date": move.date,
                "partner": move.partner_id.name,
                "amounts": (move.amount_untaxed, move.amount_tax, move.amount_total, move.amount_residual),
                "lines": sorted(
                    (
                        line.account_id.code,
                        line.product_id.default_code or "",
                        round(line.debit, 2),
                        round(line.credit, 2),
                        round(line.amount_currency, 2),
                        tuple(sorted(line.tax_ids.mapped("name"))),
                        line.reconciled,
                        tuple(
                            sorted(
                                (move_key(partial.debit_move_id.move_id), move_key(partial.credit_move_id.move_id))
                                + (round(partial.amount, 2),)
                                for partial in line.matched_debit_ids | line.matched_credit_ids
                            )
                        ),
                    )
                    for line in move.line_ids
                ),
            }
        payments = self.env["account.payment"].search([("move_id", "in", moves.ids)], order="id")
        documents["payments"] = sorted(
            (
                move_key(payment.move_id),
                payment.payment_type,
                payment.amount,
                payment.state,
                payment.is_reconciled,
                payment.is_matched,
                tuple(sorted(move_key(invoice) for invoice in payment.invoice_ids)),
            )
            for payment in payments
        )
        documents["sale_orders"] = {
            sale_order.client_order_ref: (
                sale_order.state,
                sale_order.amount_total,
                sale_order.invoice_status,
                sorted(
                    (line.product_id.default_code or "", line.product_uom_qty, line.price_subtotal, line.qty_invoiced)
                    for line in sale_order.order_line
                ),
                sorted(
                    (
                        picking.picking_type_id.code,
                        picking.state,
                        tuple(sorted((move.product_id.default_code, move.quantity) for move in picking.move_ids)),
                    )
                    for picking in sale_order.picking_ids
                ),
                len(sale_order.message_ids.filtered(lambda message: "Imported from" in (message.body or ""))),
            )
            for sale_order in sale_orders
        }
        documents["discrepancies"] = sorted(
            self.env["ecommerce.discrepancy"].search([("store_id", "=", self.store.id)]).mapped("kind")
        )
        return documents

    def book(self, batch, batched):
        """Book ``batch`` through the engine's handlers: as pages (batched) or record by record."""
        if batched:
            for records in (batch.orders, batch.refunds, [batch.payout]):
                outcomes = self.engine._handle_record_lists(self.store, [[record] for record in records])
                self.assertEqual(set(outcomes), {"created"})
        else:
            for record in [*batch.orders, *batch.refunds, batch.payout]:
                self.assertEqual(self.engine._handle_records(self.store, [record]), "created")
        self.env.flush_all()
        return self.snapshot()

    def book_and_undo(self, batch, batched):
        savepoint = self.env.cr.savepoint()
        try:
            return self.book(batch, batched)
        finally:
            savepoint.close(rollback=True)

    # ------------------------------------------------------------------
    def test_pages_book_the_same_documents_as_record_by_record(self):
        batch = generate(40, seed=11)
        one_by_one = self.book_and_undo(batch, batched=False)
        pages = self.book_and_undo(batch, batched=True)
        self.assertEqual(len(one_by_one["sale_orders"]), 40)
        self.assertTrue(any(key[0] == "out_refund" for key in one_by_one if isinstance(key, tuple)))
        self.assertTrue(one_by_one["payments"])
        self.assertEqual(sorted(map(str, pages)), sorted(map(str, one_by_one)))
        for key, value in one_by_one.items():
            self.assertEqual(pages[key], value, key)
        # one note per imported sale order, invoice and payment, naming the store and the order
        sale_order = self.env["sale.order"].search([("ecommerce_store_id", "=", self.store.id)], limit=1)
        self.assertFalse(sale_order, "both imports were undone")
        self.book(batch, batched=True)
        sale_order = self.env["sale.order"].search(
            [("ecommerce_store_id", "=", self.store.id), ("client_order_ref", "=", batch.orders[0].name)]
        )
        bodies = sale_order.message_ids.mapped("body")
        self.assertIn(f"Imported from Ledger Shop: order {batch.orders[0].name}", " ".join(bodies))
        self.assertNotIn(self.env.user.partner_id, sale_order.message_partner_ids, "the import subscribes nobody")
        invoice = sale_order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")
        self.assertIn("Imported from Ledger Shop", " ".join(invoice.message_ids.mapped("body")))
        payment = invoice.matched_payment_ids[:1]
        if payment:
            self.assertIn("Imported from Ledger Shop", " ".join(payment.message_ids.mapped("body")))

    def test_a_bad_order_in_a_page_fails_alone(self):
        batch = generate(12, seed=5)
        orders = list(batch.orders)
        bad = orders[6]
        bad.currency = "XYZ"  # no such currency: the order cannot be booked
        PAGED_SHOP["orders"] = orders
        PAGED_SHOP["page_size"] = 12
        self.store.write({"platform": "ledger_pages"})
        self.store._ensure_accounting()

        log = self.engine.run_flow(self.store, "orders")

        self.assertRecordValues(
            log, [{"state": "partial", "fetched_count": 12, "created_count": 11, "failed_count": 1}]
        )
        self.assertEqual(log.line_ids.external_id, "6")
        self.assertIn("Unknown currency XYZ", log.line_ids.error)
        self.assertEqual(log.line_ids._payload_dict(), {"flow": "orders", "index": 6})
        imported = self.env["sale.order"].search([("ecommerce_store_id", "=", self.store.id)])
        self.assertEqual(
            sorted(imported.mapped("client_order_ref")), sorted(order.name for order in orders if order is not bad)
        )
        invoices = imported.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")
        self.assertEqual(len(invoices), 11)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})

        # the merchant activates the currency's fix in the store; the retry books it
        bad.currency = "USD"
        log.line_ids.action_retry()
        self.assertEqual(log.line_ids.state, "resolved")
        self.assertEqual(self.env["sale.order"].search_count([("ecommerce_store_id", "=", self.store.id)]), 12)

    def test_an_exception_of_any_kind_fails_its_record_alone(self):
        batch = generate(4, seed=3)
        PAGED_SHOP["orders"] = [
            batch.orders[0],
            ValueError("invalid literal for int() with base 10: '²'"),
            *batch.orders[1:],
        ]
        self.store.write({"platform": "ledger_pages"})

        log = self.engine.run_flow(self.store, "orders")

        self.assertRecordValues(log, [{"state": "partial", "created_count": 4, "failed_count": 1}])
        self.assertIn("ValueError: invalid literal", log.line_ids.error)

    def numbers(self, batch):
        """The sequence numbers booking ``batch`` in pages gives, per journal in Odoo's numbering order, and
        the customers' ranks (then undone)."""
        savepoint = self.env.cr.savepoint()
        try:
            self.book(batch, batched=True)
            moves = self.env["account.move"].search(
                [("ecommerce_store_id", "=", self.store.id), ("state", "=", "posted")]
            )
            numbers = {
                journal.code: [
                    (move.date, move.ref, move.move_type, move.amount_total, move.name)
                    for move in group.sorted(lambda move: (move.date, move.ref or "", move.id))
                ]
                for journal, group in moves.grouped("journal_id").items()
            }
            customers = moves.partner_id.commercial_partner_id
            numbers["ranks"] = sorted(customers.mapped(lambda partner: (partner.name, partner.customer_rank)))
            return numbers
        finally:
            savepoint.close(rollback=True)

    def test_pages_are_numbered_and_ranked_as_odoo_does_entry_by_entry(self):
        batch = generate(30, seed=13)
        with patch.dict(IMPORT_CONTEXT, {"ecommerce_import_posting": False}):
            by_odoo = self.numbers(batch)
        pages = self.numbers(batch)
        self.assertEqual(pages, by_odoo)
        sales = self.env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", self.env.company.id)])
        invoices = [
            entry for code in sales.mapped("code") for entry in pages.get(code, []) if entry[2] == "out_invoice"
        ]
        self.assertEqual(len(invoices), 30)
        numbers = sorted(int(entry[4].rsplit("/", 1)[1]) for entry in invoices)
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 30)), "a row without gaps")
