from decimal import Decimal

from ..sandbox import figures
from ..sandbox.figures import dollars
from .full_sync_common import ORDERS


class BookChecks:
    """What one "Sync now" of the whole seller made in the books (see ``test_full_sync``)."""

    def test_the_seller_exercises_every_case(self):
        cases = figures.census(self.seller)
        for case in (
            "location cafe", "location kiosk", "location online", "tax inclusive", "tax additive", "tip",
            "discount", "service charge", "paid card", "paid cash", "offline upload", "fee adjustment", "return",
            "paid payout", "sent payout", "payout fee entry",
        ):  # fmt: skip
            self.assertTrue(cases[case], f"the generated seller has no {case}")
        self.assertEqual(len(figures.sales(self.seller)), ORDERS)

    def test_the_sales_and_returns_of_a_page_are_booked_together(self):
        # the engine's batch handlers book a page's orders and refunds at once (see docs/ARCHITECTURE.md)
        self.assertGreaterEqual(sum(self.batches["Order"]), ORDERS, "every sale through the batch handler")
        self.assertGreater(max(self.batches["Order"]), 1)
        self.assertGreaterEqual(sum(self.batches["Refund"]), len(figures.returns(self.seller)))

    def test_sync_now_runs_the_flows_in_order_and_reports_them(self):
        self.assertEqual(self.sync_logs.mapped("flow"), ["products", "orders", "refunds", "payouts", "stock", "stock"])
        self.assertEqual(set(self.sync_logs.mapped("state")), {"done"}, self.sync_answer["params"]["message"])
        self.assertFalse(self.sync_logs.line_ids, "no record failed")
        products, orders, refunds, payouts, _levels, push = self.sync_logs
        returns = figures.returns(self.seller)
        paid = len(figures.payouts(self.seller))
        self.assertRecordValues(
            products | orders | refunds | payouts,
            [
                {"fetched_count": len(self.seller.data["items"]), "created_count": len(self.seller.data["items"])},
                {"fetched_count": ORDERS + len(returns), "created_count": ORDERS + len(returns)},
                # payments and refunds, for their fees: each card payment's and each refund's are booked
                {"fetched_count": len(self.seller.data["payments"]) + len(returns),
                 "created_count": len([p for p in self.seller.data["payments"].values() if p["processing_fee"]])
                 + len(returns)},
                {"fetched_count": paid, "created_count": paid},
            ],
        )  # fmt: skip
        self.assertEqual(push.failed_count, 0)
        self.assertEqual(sum(self.sync_logs.mapped("api_calls")), self.sync_calls, "every call is counted")
        self.assertEqual(self.sync_answer["params"]["type"], "success")
        self.assertEqual(self.store.last_sync_result, "ok")

    def test_every_invoice_is_its_square_order_to_the_cent(self):
        invoices = self.store_moves("out_invoice")
        self.assertEqual(len(invoices), ORDERS, "one invoice per sale, none remade")
        tips = Decimal(0)
        for order in figures.sales(self.seller):
            sale_order = self.sale_order(order["id"])
            location = self.locations[self.location_key(order["location_id"])]
            self.assertRecordValues(
                sale_order,
                [{"state": "sale", "warehouse_id": location.warehouse_id.id,
                  "ecommerce_location_external_id": location.external_id}],
            )  # fmt: skip
            untaxed, tax, total = figures.totals(order)
            invoice = sale_order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")
            self.assertRecordValues(
                invoice,
                [{"move_type": "out_invoice", "state": "posted", "amount_untaxed": float(untaxed),
                  "amount_tax": float(tax), "amount_total": float(total)}],
            )  # fmt: skip
            self.assertEqual(
                set(invoice.invoice_line_ids.mapped(lambda line: tuple(line.analytic_distribution))),
                {(str(location.analytic_account_id.id),)},
                "what a register sells carries its analytic account",
            )
            tip_lines = invoice.invoice_line_ids.filtered(lambda line: line.sale_line_ids.ecommerce_line_kind == "tip")
            self.assertEqual(sum(tip_lines.mapped("price_subtotal")), order["total_tip_money"]["amount"] / 100)
            if tip_lines:
                self.assertEqual(tip_lines.account_id, self.store.tips_account_id)
            tips += dollars(order["total_tip_money"]["amount"])
        self.assertEqual(self.balance(self.store.tips_account_id), -float(tips), "tips owed to staff")
        self.assertFalse(self.open_discrepancies(), "the seller is consistent: nothing to flag")

    def test_payments_follow_the_tenders_into_their_journals(self):
        cash = self.env["ecommerce.gateway.mapping"]._lookup(self.store, "cash")
        for order in figures.sales(self.seller):
            tender = figures.tender_of(order)
            payment = self.bound("transaction", tender["payment_id"])
            journal = self.store.clearing_journal_id if tender["type"] == "CARD" else cash
            self.assertRecordValues(
                payment,
                [{"state": "paid", "amount": tender["amount_money"]["amount"] / 100, "payment_type": "inbound",
                  "journal_id": journal.id}],
            )  # fmt: skip
        for _order, refund in figures.returns(self.seller):
            payment = self.bound("transaction", refund["id"])
            self.assertRecordValues(
                payment,
                [{"amount": refund["amount_money"]["amount"] / 100, "payment_type": "outbound",
                  "journal_id": self.store.clearing_journal_id.id}],
            )  # fmt: skip

    def test_returns_are_credit_notes_and_invoices_less_credit_notes_are_net_sales(self):
        returns = figures.returns(self.seller)
        for order, refund in returns:
            credit_note = self.bound("refund", refund["id"])
            source = self.sale_order(order["returns"][0]["source_order_id"])
            self.assertRecordValues(
                credit_note,
                [{"move_type": "out_refund", "state": "posted", "payment_state": "paid",
                  "amount_total": refund["amount_money"]["amount"] / 100,
                  "reversed_entry_id": source.invoice_ids.filtered(lambda m: m.move_type == "out_invoice").id}],
            )  # fmt: skip
            # the unit came back to the warehouse of the location that took it back
            comeback = source.picking_ids.filtered(lambda picking: picking.picking_type_code == "incoming")
            self.assertRecordValues(comeback, [{"state": "done"}])
            self.assertEqual(comeback.picking_type_id.warehouse_id, source.warehouse_id)
        self.assertEqual(len(self.store_moves("out_refund")), len(returns))
        invoiced = sum(self.store_moves("out_invoice").mapped("amount_total"))
        credited = sum(self.store_moves("out_refund").mapped("amount_total"))
        self.assertAlmostEqual(invoiced - credited, float(figures.net_sales(self.seller)), places=2)

    def test_fees_are_squares_and_paid_payouts_reach_the_bank(self):
        self.assertEqual(self.balance(self.store.fee_account_id), float(figures.fees(self.seller)))
        received = self.env["account.payment"]
        for payout in figures.payouts(self.seller):
            transfer = self.bound("payout", payout["id"])
            self.assertRecordValues(
                transfer,
                [{"amount": payout["amount_money"]["amount"] / 100, "payment_type": "outbound",
                  "journal_id": self.store.clearing_journal_id.id}],
            )  # fmt: skip
            receiving = transfer.paired_internal_transfer_payment_id
            self.assertTrue(receiving.is_matched, "matched with the bank's statement line")
            received |= receiving
        self.assertEqual(received.journal_id, self.store.payout_journal_id)
        # the clearing account holds exactly what Square has not paid out yet
        still_sent = sum(dollars(p["amount_money"]["amount"]) for p in figures.payouts(self.seller, "SENT"))
        self.assertEqual(self.balance(self.store.clearing_account_id), float(still_sent))
        self.assertFalse(self.open_discrepancies("payout_mismatch"))

    def test_once_every_payout_is_paid_the_clearing_account_is_empty(self):
        sent = figures.payouts(self.seller, "SENT")
        self.deposit(sent)
        self.seller.settle_payouts()
        # Square announces each payout: the events are hints, each payout is read again
        delivered = self.deliver_new()
        self.assertEqual({topic for topic, _headers, _body in delivered}, {"payout.paid"})
        self.process()

        for payout in sent:
            self.assertTrue(self.bound("payout", payout["id"]).paired_internal_transfer_payment_id.is_matched)
        clearing = self.env["account.move.line"].search(
            [("account_id", "=", self.store.clearing_account_id.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(self.balance(self.store.clearing_account_id), 0.0)
        self.assertTrue(all(clearing.mapped("reconciled")), "every clearing item is settled by its payout")
        paid_out = sum(dollars(p["amount_money"]["amount"]) for p in figures.payouts(self.seller))
        self.assertEqual(self.balance(self.store.payout_journal_id.default_account_id), float(paid_out))
        self.assertFalse(self.open_discrepancies())
        documents = self.documents()
        self.scheduled_pull()
        self.assertEqual(self.documents(), documents, "the pull finds the payouts booked")

    def test_a_payout_whose_entries_do_not_add_up_is_a_mismatch(self):
        payout = figures.payouts(self.seller, "SENT")[0]
        payout["amount_money"]["amount"] += 100
        self.seller.settle_payouts()
        self.env["ecommerce.sync.engine"].run_flow(self.store, "payouts")
        [mismatch] = self.open_discrepancies("payout_mismatch")
        self.assertEqual(mismatch.external_id, payout["id"])
        self.assertIn("add up to", mismatch.message)
        self.assertEqual(mismatch.expected, payout["amount_money"]["amount"] / 100)

    def test_a_second_sync_creates_nothing(self):
        before = self.documents()
        pushes = self.server.calls("/v2/inventory/changes/batch-create")
        answer = self.store.action_sync_now()
        self.assertEqual(self.documents(), before)
        self.assertEqual(self.server.calls("/v2/inventory/changes/batch-create"), pushes, "no level changed")
        logs = self.store.sync_log_ids.sorted("id")[len(self.sync_logs) :]
        self.assertEqual(sum(logs.mapped("created_count")), 0)
        self.assertEqual(sum(logs.mapped("failed_count")), 0)
        self.assertEqual(answer["params"]["type"], "success")
