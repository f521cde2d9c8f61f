import math
from decimal import Decimal

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.ecommerce_sync_shopify.connector.transactions import ORDERS_PER_QUERY
from odoo.addons.ecommerce_sync_shopify.sandbox import WebhookSender

from ..sandbox import merchant
from . import shop_figures
from .common import SECRET, start_sandbox, store_values

#: a generated shop of 50 orders that exercises every case (see test_the_shop_exercises_every_case)
ORDERS = 50
SEED = 18


class ShopifyFullSyncCommon(HttpCase):
    """A merchant's Odoo set up for the sandbox shop, after one "Sync now" of the whole shop."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.server = start_sandbox(orders=ORDERS, seed=SEED)
        cls.addClassCleanup(cls.server.stop)
        cls.shop = cls.server.shop
        cls.store = cls.env["ecommerce.store"].create(store_values(cls.server))
        cls.products = merchant.set_up_store(cls.env, cls.store, cls.shop)
        cls.path = f"/ecommerce_sync/webhook/{cls.store.sudo().webhook_token}"
        cls.shop.webhooks = WebhookSender(f"{cls.base_url()}{cls.path}", SECRET, cls.shop.domain, enabled=False)
        cls.calls_before = cls.server.calls()
        cls.sync_answer = cls.store.action_sync_now()
        cls.sync_logs = cls.store.sync_log_ids.sorted("id")
        cls.sync_calls = cls.server.calls() - cls.calls_before
        cls.shop_state = cls.shop.snapshot()

    def setUp(self):
        super().setUp()
        # what a test changes in the shop is undone, as Odoo's side is rolled back
        self.addCleanup(self.shop.restore, self.shop_state)

    # ------------------------------------------------------------------
    def sale_order(self, order_id):
        return self.env["sale.order"].search(
            [("ecommerce_store_id", "=", self.store.id), ("ecommerce_external_id", "=", str(order_id))]
        )

    def bound(self, kind, external_id):
        return self.env["ecommerce.binding"]._find_record(self.store, kind, external_id)

    def store_moves(self, move_type):
        return self.env["account.move"].search(
            [("ecommerce_store_id", "=", self.store.id), ("move_type", "=", move_type), ("state", "=", "posted")]
        )

    def balance(self, account):
        lines = self.env["account.move.line"].search([("account_id", "=", account.id), ("parent_state", "=", "posted")])
        return round(sum(lines.mapped("balance")), 2)

    def documents(self):
        """How many documents of each kind Odoo holds."""
        return {
            "sale orders": self.env["sale.order"].search_count([]),
            "journal entries": self.env["account.move"].search_count([]),
            "payments": self.env["account.payment"].search_count([]),
            "transfers": self.env["stock.picking"].search_count([]),
            "done moves": self.env["stock.move"].search_count([("state", "=", "done")]),
            "bindings": self.env["ecommerce.binding"].search_count([]),
            "discrepancies": self.env["ecommerce.discrepancy"].search_count([]),
        }

    def open_discrepancies(self):
        return self.env["ecommerce.discrepancy"].search([("store_id", "=", self.store.id), ("state", "=", "open")])

    def expected_levels(self):
        """Per SKU, what Odoo should show and send: on hand - shipped + returned - still to ship."""
        shipped, returned, to_ship = shop_figures.stock_moves(self.shop)
        on_hand = {sku: merchant.ON_HAND - shipped[sku] + returned[sku] for sku in self.tracked_skus()}
        return on_hand, {sku: on_hand[sku] - to_ship[sku] for sku in on_hand}

    def tracked_skus(self):
        return [sku for sku, product in self.products.items() if product.is_storable]

    def pushed_levels(self, location_id=None):
        """The last level the sandbox received per SKU (at one location)."""
        skus = {item_id: item["sku"] for item_id, item in self.shop.items.items()}
        levels = {}
        for push in self.shop.pushes:
            if location_id is None or push["location_id"] == location_id:
                levels[skus[push["inventory_item_id"]]] = push["available"]
        return levels

    def main_location(self):
        return next(loc["id"] for loc in self.shop.locations.values() if loc["name"] == merchant.MAIN_LOCATION)


class FullSyncChecks:
    """What one "Sync now" of the whole shop made (see :class:`TestShopifyFullSync`)."""

    def test_the_shop_exercises_every_case(self):
        cases = shop_figures.census(self.shop)
        for case in (
            "currency USD", "currency CAD", "currency EUR", "currency GBP", "taxes included", "taxes excluded",
            "discount", "gift card sold", "paid by gift card", "failed payment", "pending", "authorized",
            "split fulfilment", "cancelled paid", "cancelled unpaid", "refund restock return",
            "refund restock no_restock", "refund restock cancel", "refund refund_discrepancy",
            "refund shipping_refund", "paid payouts", "payout fees",
        ):  # fmt: skip
            self.assertTrue(cases[case], f"the generated shop has no {case}")
        self.assertEqual(len(self.shop.orders), ORDERS)

    def test_sync_now_runs_the_flows_in_order_and_reports_them(self):
        self.assertEqual(self.sync_logs.mapped("flow"), ["products", "orders", "payouts", "stock", "stock"])
        self.assertEqual(set(self.sync_logs.mapped("state")), {"done"})
        self.assertFalse(self.sync_logs.line_ids, "no record failed")
        products, orders, payouts, levels, push = self.sync_logs
        self.assertRecordValues(
            products | orders | payouts,
            [
                {"fetched_count": len(self.shop.products), "created_count": len(self.shop.products)},
                {"fetched_count": ORDERS, "created_count": ORDERS},
                {"fetched_count": len(shop_figures.paid_payouts(self.shop)), "created_count": 5},
            ],
        )
        tracked = len(self.tracked_skus())
        self.assertRecordValues(levels, [{"fetched_count": tracked, "skipped_count": tracked}])
        self.assertRecordValues(push, [{"fetched_count": tracked, "updated_count": tracked, "failed_count": 0}])
        # every call is counted: one page of orders, one GraphQL query per 19 orders for their transactions
        self.assertEqual(orders.api_calls, 1 + math.ceil(ORDERS / ORDERS_PER_QUERY))
        self.assertEqual(sum(self.sync_logs.mapped("api_calls")), self.sync_calls)
        self.assertEqual(self.server.calls(status=429), 0, "the client stays under Shopify's bucket")
        params = self.sync_answer["params"]
        self.assertEqual(params["type"], "success")
        self.assertEqual(
            params["message"],
            f"Products: {len(self.shop.products)} created. Orders: {ORDERS} created. Payouts: 5 created. "
            f"Stock levels: {tracked} read, {tracked} sent.",
        )
        self.assertEqual(self.store.last_sync_result, "ok")

    def test_every_invoice_is_its_shopify_order_to_the_cent(self):
        invoices = self.store_moves("out_invoice")
        self.assertEqual(len(invoices), ORDERS, "one invoice per order, none remade")
        for order in self.shop.orders.values():
            draft = self.shop.data.drafts[order["id"]]
            sale_order = self.sale_order(order["id"])
            self.assertEqual(sale_order.state, "cancel" if order["cancelled_at"] else "sale", order["name"])
            invoice = sale_order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")
            untaxed, tax, total = shop_figures.order_totals(order)
            self.assertRecordValues(
                invoice,
                [
                    {
                        "state": "posted",
                        "currency_id": self.env.ref(f"base.{order['presentment_currency']}").id,
                        "amount_untaxed": float(untaxed),
                        "amount_tax": float(tax),
                        "amount_total": float(total),
                        "ref": order["name"],
                    }
                ],
            )
            # in dollars, what Shopify converted the order to (not the sum of Odoo's converted lines)
            shop_total = Decimal(order["total_price_set"]["shop_money"]["amount"])
            self.assertEqual(invoice.amount_total_signed, float(shop_total), order["name"])
            # what the customer still owes, after payments, credit notes and refunds, is Shopify's
            moves = sale_order.invoice_ids | self.transaction_moves(draft)
            receivable = moves.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
            self.assertAlmostEqual(
                sum(receivable.mapped("amount_residual_currency")),
                float(shop_figures.open_amount(draft)),
                places=2,
                msg=order["name"],
            )
        self.assertFalse(self.open_discrepancies(), "the shop is consistent: nothing to flag")

    def transaction_moves(self, draft):
        moves = self.env["account.move"]
        for tx in draft.transactions:
            payment = self.bound("transaction", tx["id"])
            if payment and payment._name == "account.payment":
                moves |= payment.move_id
        return moves

    def test_payments_follow_the_transactions_in_their_journals(self):
        journals = {
            "shopify_payments": self.store.clearing_journal_id,
            "gift_card": self.env["ecommerce.gateway.mapping"]._lookup(self.store, "gift_card"),
            "paypal": self.env["ecommerce.gateway.mapping"]._lookup(self.store, "paypal"),
            "Cash on Delivery (COD)": self.env["ecommerce.gateway.mapping"]._lookup(
                self.store, "Cash on Delivery (COD)"
            ),
        }
        count = 0
        for draft in self.shop.data.drafts.values():
            for tx in draft.transactions:
                payment = self.bound("transaction", tx["id"])
                if not (shop_figures.is_payment(tx) or shop_figures.is_refund(tx)):
                    self.assertFalse(payment and payment._name == "account.payment", tx["kind"])
                    continue
                count += 1
                self.assertRecordValues(
                    payment,
                    [
                        {
                            "state": "paid",
                            "amount": float(tx["amount"]),
                            "currency_id": self.env.ref(f"base.{tx['currency']}").id,
                            "payment_type": "inbound" if shop_figures.is_payment(tx) else "outbound",
                            "journal_id": journals[tx["gateway"]].id,
                        }
                    ],
                )
        self.assertEqual(len(self.store_payments()), count)

    def store_payments(self):
        return self.env["account.payment"].search(
            [
                ("partner_type", "=", "customer"),
                ("move_id.ecommerce_store_id", "=", self.store.id),
                ("paired_internal_transfer_payment_id", "=", False),
            ]
        )

    def test_refunds_are_credit_notes_with_their_refund_payments(self):
        expected = []
        for draft in self.shop.data.drafts.values():
            for item in draft.refunds:
                value = shop_figures.refund_value(draft, item)
                credit_note = self.bound("refund", item.id)
                self.assertEqual(credit_note._name, "account.move", item.note)
                self.assertRecordValues(
                    credit_note,
                    [{"move_type": "out_refund", "state": "posted", "amount_total": float(value),
                      "reversed_entry_id": self.sale_order(draft.id).invoice_ids[:1].id}],
                )  # fmt: skip
                self.assertEqual(credit_note.currency_id.name, draft.currency)
                self.assertIn(credit_note.payment_state, ("paid", "reversed"), item.note)
                for tx in item.transactions:
                    payment = self.bound("transaction", tx["id"])
                    self.assertIn(payment.move_id, credit_note._get_reconciled_payments().move_id, item.note)
                expected.append(credit_note)
        self.assertEqual(len(self.store_moves("out_refund")), len(expected))
        self.assertTrue(expected)

    def test_fees_and_payouts_tie_out_to_the_bank(self):
        payouts = shop_figures.paid_payouts(self.shop)
        lines = shop_figures.payout_lines(self.shop, payouts)
        fees = sum(Decimal(line["fee"]) for line in lines)
        adjustments = sum(Decimal(line["amount"]) for line in lines if line["type"] == "adjustment")
        self.assertGreater(fees, 0)
        self.assertEqual(self.balance(self.store.fee_account_id), float(fees))
        self.assertEqual(self.balance(self.store.adjustment_account_id), float(-adjustments))
        # each payout moved its amount from the clearing journal to the bank
        received = self.env["account.payment"]
        for payout in payouts:
            transfer = self.bound("payout", payout["id"])
            self.assertRecordValues(
                transfer,
                [{"amount": float(payout["amount"]), "journal_id": self.store.clearing_journal_id.id,
                  "payment_type": "outbound"}],
            )  # fmt: skip
            liquidity, _counterpart, _writeoff = transfer._seek_for_lines()
            self.assertTrue(all(liquidity.mapped("reconciled")), "settled against what the payout paid out")
            received |= transfer.paired_internal_transfer_payment_id
        self.assertEqual(received.journal_id, self.store.payout_journal_id)
        self.assertEqual(round(sum(received.mapped("amount")), 2), float(sum(Decimal(p["amount"]) for p in payouts)))
        # the clearing account holds exactly what no payout has settled yet, in each currency
        clearing = self.env["account.move.line"].search(
            [("account_id", "=", self.store.clearing_account_id.id), ("parent_state", "=", "posted")]
        )
        open_items = clearing.filtered(lambda line: not line.reconciled)
        by_currency = {}
        for line in open_items:
            by_currency[line.currency_id.name] = round(
                by_currency.get(line.currency_id.name, 0) + line.amount_residual_currency, 2
            )
        expected = {currency: float(amount) for currency, amount in shop_figures.not_paid_out(self.shop).items()}
        self.assertEqual({key: value for key, value in by_currency.items() if value}, expected)
        self.assertEqual(
            self.balance(self.store.clearing_account_id), round(sum(open_items.mapped("amount_residual")), 2)
        )
        self.assertFalse(self.open_discrepancies().filtered(lambda d: d.kind == "payout_mismatch"))
        # the books balance
        posted = self.env["account.move.line"].search([("parent_state", "=", "posted")])
        self.assertAlmostEqual(sum(posted.mapped("debit")), sum(posted.mapped("credit")), places=2)

    def test_a_payout_lists_what_it_settled_and_its_bank_match(self):
        payouts = shop_figures.paid_payouts(self.shop)
        documents = {"charge": "out_invoice", "refund": "out_refund", "adjustment": "entry"}
        kinds = set()
        for payout in payouts:
            transfer = self.bound("payout", payout["id"])
            rows = transfer.ecommerce_payout_line_ids
            lines = shop_figures.payout_lines(self.shop, [payout])
            # one row per balance transaction of the payout, as Shopify lists it, to the cent
            self.assertEqual(
                sorted((row.external_id, row.kind, row.amount, row.fee, row.net) for row in rows),
                sorted(
                    (str(line["id"]), line["type"], float(line["amount"]), float(line["fee"]), float(line["net"]))
                    for line in lines
                ),
            )
            self.assertEqual(round(sum(rows.mapped("net")), 2), float(payout["amount"]))
            self.assertEqual(transfer.ecommerce_payout_net, float(payout["amount"]))
            self.assertEqual(transfer.ecommerce_payout_ref, str(payout["id"]))
            for row, line in zip(
                rows.sorted("external_id"), sorted(lines, key=lambda line: str(line["id"])), strict=True
            ):
                kinds.add(row.kind)
                self.assertEqual(row.document_id.move_type, documents[row.kind], row.display_name)
                if row.kind == "adjustment":
                    self.assertFalse(row.order_name)
                    self.assertIn(self.store.adjustment_account_id, row.document_id.line_ids.account_id)
                    continue
                order = self.shop.orders[line["source_order_id"]]
                payment = self.bound("transaction", line["source_order_transaction_id"])
                self.assertEqual(row.payment_id, payment)
                self.assertEqual(row.order_name, order["name"])
                self.assertEqual(row.sale_order_id, self.sale_order(order["id"]))
                self.assertIn(row.document_id, payment.reconciled_invoice_ids)
                self.assertIn(row.document_id, row.sale_order_id.invoice_ids)
                fee_entry = self.bound("fee", line["id"])
                self.assertEqual(row.fee_move_id, fee_entry or self.env["account.move"])
                if float(line["fee"]):
                    self.assertIn(self.store.fee_account_id, row.fee_move_id.line_ids.account_id)
            self.assertEqual(transfer.ecommerce_deposit_state, "waiting", "no bank statement imported yet")
            self.assertFalse(transfer.ecommerce_deposit_line_id)
        self.assertLessEqual({"charge", "refund"}, kinds)
        # the bank statement brings the deposit: the payout says it is matched, with the line
        payout = payouts[-1]
        transfer = self.bound("payout", payout["id"])
        statement_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.store.payout_journal_id.id,
                "date": transfer.date,
                "payment_ref": f"SHOPIFY PAYOUT {payout['id']}",
                "amount": float(payout["amount"]),
            }
        )
        transfer.invalidate_recordset()
        self.assertRecordValues(
            transfer,
            [
                {
                    "ecommerce_deposit_state": "matched",
                    "ecommerce_deposit_line_id": statement_line.id,
                    "ecommerce_deposit_amount": float(payout["amount"]),
                    "ecommerce_deposit_label": f"SHOPIFY PAYOUT {payout['id']}",
                }
            ],
        )
        # an accountant without E-commerce rights reads it on the payment form
        accountant = self.env["res.users"].create(
            {
                "name": "Payout Accountant",
                "login": "payout_accountant",
                "groups_id": [(6, 0, [self.env.ref("account.group_account_invoice").id])],
            }
        )
        seen = transfer.with_user(accountant)
        self.assertEqual(seen.ecommerce_deposit_state, "matched")
        self.assertEqual(round(sum(seen.ecommerce_payout_line_ids.mapped("net")), 2), float(payout["amount"]))
        self.assertTrue(seen.ecommerce_payout_line_ids[0].action_open_document()["res_id"])
        # a payment that is not a payout has no payout page
        charge = next(line for line in shop_figures.payout_lines(self.shop, [payout]) if line["type"] == "charge")
        customer_payment = self.bound("transaction", charge["source_order_transaction_id"])
        self.assertFalse(customer_payment.ecommerce_is_payout)
        self.assertFalse(customer_payment.ecommerce_payout_line_ids)

    def test_deliveries_are_validated_per_fulfilment_with_tracking(self):
        fulfilments = 0
        for draft in self.shop.data.drafts.values():
            sale_order = self.sale_order(draft.id)
            for fulfilment in draft.fulfillments:
                fulfilments += 1
                delivery = self.bound("fulfillment", fulfilment.id)
                self.assertEqual(delivery._name, "stock.picking")
                self.assertEqual(delivery.state, "done")
                self.assertIn(fulfilment.tracking_number, delivery.carrier_tracking_ref.split(","))
                self.assertIn(delivery, sale_order.picking_ids)
            # what left for the customer is what Shopify shipped, per product
            shipped = {}
            for fulfilment in draft.fulfillments:
                for line, units in fulfilment.items:
                    shipped[line.variant["sku"]] = shipped.get(line.variant["sku"], 0) + units
            delivered = {}
            for move in sale_order.picking_ids.move_ids.filtered(
                lambda move: move.state == "done" and move.location_dest_id.usage == "customer"
            ):
                delivered[move.product_id.default_code] = delivered.get(move.product_id.default_code, 0) + move.quantity
            self.assertEqual(delivered, shipped, draft.number)
            if draft.cancelled_at:
                self.assertFalse(sale_order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")))
        self.assertGreater(fulfilments, ORDERS / 3)

    def test_stock_on_hand_returns_and_levels_sent_to_shopify(self):
        on_hand, available = self.expected_levels()
        warehouse = self.store.warehouse_id
        for sku in self.tracked_skus():
            product = self.products[sku].with_context(warehouse_id=warehouse.id)
            self.assertEqual(product.qty_available, on_hand[sku], sku)
            self.assertEqual(product.free_qty, available[sku], sku)
        # restocked returns came back through Odoo's returns
        _shipped, returned, _to_ship = shop_figures.stock_moves(self.shop)
        returns = self.env["stock.picking"].search(
            [("picking_type_code", "=", "incoming"), ("sale_id.ecommerce_store_id", "=", self.store.id)]
        )
        self.assertEqual(set(returns.mapped("state")), {"done"})
        self.assertEqual(sum(returns.move_ids.mapped("quantity")), sum(returned.values()))
        # Shopify received Odoo's available quantities, at the mapped location only, in one GraphQL call
        self.assertEqual(self.pushed_levels(self.main_location()), available)
        self.assertEqual(self.pushed_levels(), available)
        self.assertEqual({push["api"] for push in self.shop.pushes}, {"graphql"})
        self.assertEqual(self.store.stock_platform_location_id, str(self.main_location()))
        # a comparison finds Shopify and Odoo agreeing
        self.store.action_compare_stock()
        self.assertEqual(self.store.inventory_discrepancy_rate, 0.0)
        self.assertFalse(self.open_discrepancies())

    def test_a_second_sync_creates_nothing(self):
        before = self.documents()
        pushes = len(self.shop.pushes)
        answer = self.store.action_sync_now()
        self.assertEqual(self.documents(), before)
        self.assertEqual(len(self.shop.pushes), pushes, "no level changed: nothing sent")
        logs = self.store.sync_log_ids.sorted("id")[len(self.sync_logs) :]
        self.assertEqual(sum(logs.mapped("created_count")), 0)
        self.assertEqual(sum(logs.mapped("failed_count")), 0)
        self.assertEqual(answer["params"]["type"], "success")


class FaultChecks:
    """A second store, of a second sandbox serving the same shop, synced through Shopify's bad moments."""

    def order_summary(self, sale_order):
        """What an order became, in terms two stores importing the same shop can compare."""
        moves = sale_order.invoice_ids.sorted(lambda move: (move.move_type, move.amount_total))
        return {
            "state": sale_order.state,
            "moves": [
                (move.move_type, move.state, move.currency_id.name, move.amount_untaxed, move.amount_tax,
                 move.amount_total, move.payment_state)
                for move in moves
            ],
            "deliveries": sorted(
                (picking.picking_type_code, picking.state, picking.carrier_tracking_ref or "",
                 sum(picking.move_ids.mapped("quantity")))
                for picking in sale_order.picking_ids
            ),
        }  # fmt: skip

    def store_figures(self, store):
        Line = self.env["account.move.line"]
        clearing = Line.search([("account_id", "=", store.clearing_account_id.id), ("parent_state", "=", "posted")])
        open_items = {}
        for line in clearing.filtered(lambda line: not line.reconciled):
            currency = line.currency_id.name
            open_items[currency] = round(open_items.get(currency, 0.0) + line.amount_residual_currency, 2)
        transfers = self.env["account.payment"].search(
            [("journal_id", "=", store.clearing_journal_id.id), ("paired_internal_transfer_payment_id", "!=", False)]
        )
        fees = Line.search([("account_id", "=", store.fee_account_id.id), ("parent_state", "=", "posted")])
        return {
            "fees": round(sum(fees.mapped("balance")), 2),
            "not paid out": {key: value for key, value in open_items.items() if value},
            "payouts": sorted(transfers.mapped("amount")),
            "payments": sorted(
                (payment.payment_type, payment.currency_id.name, payment.amount, payment.journal_id.type)
                for payment in self.env["account.payment"].search(
                    [("move_id.ecommerce_store_id", "=", store.id), ("paired_internal_transfer_payment_id", "=", False)]
                )
            ),
        }

    def test_a_429_storm_and_a_5xx_burst_slow_the_sync_but_lose_nothing(self):
        server = start_sandbox(orders=ORDERS, seed=SEED)
        self.addCleanup(server.stop)
        store = self.env["ecommerce.store"].create(store_values(server, name="Stormy Outfitters"))
        store.warehouse_id = self.env["stock.warehouse"].create({"name": "Stormy warehouse", "code": "STRM"})
        merchant.set_up_store(self.env, store, server.shop)
        calls = server.calls()
        # the first calls are refused (429, then 503 three times in a row), then one call in twenty fails
        server.throttle_next(6, retry_after="0.05")
        server.fail_next(3)
        server.error_rate = 0.05

        answer = store.action_sync_now()

        logs = store.sync_log_ids
        self.assertEqual(set(logs.mapped("state")), {"done"}, answer["params"]["message"])
        self.assertFalse(logs.line_ids)
        self.assertGreaterEqual(server.calls(status=429), 6)
        self.assertGreaterEqual(server.calls(status=503), 3)
        self.assertEqual(sum(logs.mapped("api_calls")), server.calls() - calls, "retries are counted")
        self.assertGreater(sum(logs.mapped("api_calls")), self.sync_calls)
        # the same documents and totals as the clean run of the first store
        for order_id in self.shop.orders:
            stormy = self.env["sale.order"].search(
                [("ecommerce_store_id", "=", store.id), ("ecommerce_external_id", "=", str(order_id))]
            )
            self.assertEqual(self.order_summary(stormy), self.order_summary(self.sale_order(order_id)), order_id)
        self.assertEqual(self.store_figures(store), self.store_figures(self.store))
        levels = self.pushed_levels()
        self.assertEqual({push["inventory_item_id"] for push in server.shop.pushes}, {
            item_id for item_id, item in self.shop.items.items() if item["sku"] in levels
        })  # fmt: skip
        skus = {item_id: item["sku"] for item_id, item in server.shop.items.items()}
        self.assertEqual({skus[push["inventory_item_id"]]: push["available"] for push in server.shop.pushes}, levels)


class LiveWebhookChecks:
    """Shopify's deliveries, signed as Shopify signs them, after the full sync, through the base controller.

    Each test changes the sandbox shop the way a customer or the merchant would (a new order, a refund,
    a cancellation, a stock count), and delivers the webhooks the shop sent for it.
    """

    def deliver(self, delivery):
        self.env.flush_all()
        response = self.url_open(self.path, data=delivery.body, headers=delivery.headers)
        self.env.invalidate_all()
        return response.status_code, response.json().get("status")

    def deliver_new(self):
        """Deliver what the shop sent since the last call; return the deliveries."""
        sender = self.shop.webhooks
        fresh = sender.deliveries[self._delivered :]
        self._delivered = len(sender.deliveries)
        for delivery in fresh:
            self.assertEqual(self.deliver(delivery), (200, "accepted"), delivery.topic)
        return fresh

    @staticmethod
    def topics(deliveries):
        """The order topics of deliveries (the levels Odoo sent come back as inventory_levels/update too)."""
        return [delivery.topic for delivery in deliveries if delivery.topic != "inventory_levels/update"]

    def setUp(self):
        super().setUp()
        self._delivered = len(self.shop.webhooks.deliveries)
        self.Event = self.env["ecommerce.webhook.event"]

    def process(self):
        self.Event._cron_process()
        self.assertFalse(self.Event.search([("store_id", "=", self.store.id), ("state", "!=", "done")]))

    def scheduled_pull(self):
        return self.env["ecommerce.sync.engine"].sync_store(self.store, trigger="cron")

    def order_documents(self, order_id):
        sale_order = self.sale_order(order_id)
        draft = self.shop.data.drafts[order_id]
        payments = self.env["account.payment"]
        for tx in draft.transactions:
            payment = self.bound("transaction", tx["id"])
            if payment and payment._name == "account.payment":
                payments |= payment
        return sale_order, sale_order.invoice_ids, payments

    def assert_books_match(self, order_id):
        """The order's documents say what Shopify says: invoice, credit notes, payments."""
        order = self.shop.orders[order_id]
        draft = self.shop.data.drafts[order_id]
        sale_order, moves, payments = self.order_documents(order_id)
        self.assertEqual(len(sale_order), 1)
        untaxed, tax, total = shop_figures.order_totals(order)
        invoice = moves.filtered(lambda move: move.move_type == "out_invoice")
        self.assertRecordValues(
            invoice, [{"state": "posted", "amount_untaxed": float(untaxed), "amount_tax": float(tax),
                       "amount_total": float(total)}]
        )  # fmt: skip
        credit_notes = moves - invoice
        self.assertEqual(
            sorted(credit_notes.mapped("amount_total")),
            sorted(float(shop_figures.refund_value(draft, item)) for item in draft.refunds),
        )
        money = [tx for tx in draft.transactions if shop_figures.is_payment(tx) or shop_figures.is_refund(tx)]
        self.assertEqual(sorted(payments.mapped("amount")), sorted(float(tx["amount"]) for tx in money))
        receivable = (moves | payments.move_id).line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        self.assertAlmostEqual(
            sum(receivable.mapped("amount_residual_currency")), float(shop_figures.open_amount(draft)), places=2
        )
        return sale_order

    # ------------------------------------------------------------------
    def test_webhook_orders_create_and_refunds_create_make_the_documents_once(self):
        placed = self.shop.place_order(method="card", market="US-NY")
        [created] = self.deliver_new()
        self.assertEqual(created.topic, "orders/create")
        self.process()
        sale_order = self.assert_books_match(placed["id"])
        self.assertEqual(sale_order.state, "sale")
        delivery = sale_order.picking_ids
        self.assertEqual(delivery.state, "assigned")
        documents = self.documents()

        # a redelivery (same X-Shopify-Webhook-Id) is recognised at the door; a later orders/updated of
        # the same revision and the scheduled pull find the order imported
        self.assertEqual(self.deliver(created), (200, "duplicate"))
        self.shop.webhooks.send("orders/updated", self.shop.order(placed["id"]))
        self.deliver_new()
        self.process()
        logs = self.scheduled_pull()
        self.assertEqual(self.documents(), documents)
        orders_log = logs.filtered(lambda log: log.flow == "orders")
        # the order at the cursor and the new one, both imported already
        self.assertRecordValues(orders_log, [{"fetched_count": 2, "skipped_count": 2, "created_count": 0}])

        # the customer gets one unit back before it ships: Shopify sends refunds/create and orders/updated
        refund = self.shop.refund_unit(placed["id"], restock_type="cancel", note="Removed before shipping")
        self.assertEqual(self.topics(self.deliver_new()), ["refunds/create", "orders/updated"])
        self.process()
        self.assert_books_match(placed["id"])
        credit_note = self.bound("refund", refund["id"])
        self.assertEqual(credit_note.payment_state, "paid")
        line_id = refund["refund_line_items"][0]["line_item_id"]
        ordered = next(line["quantity"] for line in placed["line_items"] if line["id"] == line_id)
        sku = next(line["sku"] for line in placed["line_items"] if line["id"] == line_id)
        moves = delivery.move_ids.filtered(lambda move: move.product_id.default_code == sku and move.state != "cancel")
        self.assertEqual(sum(moves.mapped("product_uom_qty")), ordered - 1, "the unit left the delivery")

        # redelivered, and pulled: nothing twice
        documents = self.documents()
        for delivery_again in self.shop.webhooks.deliveries[-2:]:
            self.assertEqual(self.deliver(delivery_again), (200, "duplicate"))
        self.scheduled_pull()
        self.assertEqual(self.documents(), documents)
        # the unit freed goes back on sale in Shopify
        self.env["ecommerce.stock.push"]._cron_flush()
        free = self.products[sku].with_context(warehouse_id=self.store.warehouse_id.id).free_qty
        self.assertEqual(self.pushed_levels(self.main_location())[sku], free)
        self.assertEqual(free, self.expected_levels()[1][sku])

    def test_webhook_racing_the_scheduled_pull_and_a_cancellation(self):
        placed = self.shop.place_order(method="card", market="CA-BC")
        self.deliver_new()
        # the scheduled pull imports the order before its webhook is processed
        self.scheduled_pull()
        documents = self.documents()
        self.process()
        self.assertEqual(self.documents(), documents)
        sale_order = self.assert_books_match(placed["id"])

        # the merchant cancels it: refunds/create and orders/cancelled, processed before the next pull
        self.shop.cancel_order(placed["id"])
        self.assertEqual(self.topics(self.deliver_new()), ["refunds/create", "orders/cancelled"])
        self.process()
        self.assertEqual(sale_order.state, "cancel")
        self.assert_books_match(placed["id"])
        invoice = sale_order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")
        credit_note = sale_order.invoice_ids - invoice
        self.assertRecordValues(credit_note, [{"amount_total": invoice.amount_total, "payment_state": "paid"}])
        self.assertEqual(set(sale_order.picking_ids.mapped("state")), {"cancel"})
        documents = self.documents()
        self.scheduled_pull()
        self.assertEqual(self.documents(), documents)

    def test_webhook_inventory_level_update_is_matched_by_its_inventory_item(self):
        sku = "MCS-M"
        item_id = next(item_id for item_id, item in self.shop.items.items() if item["sku"] == sku)
        main = self.main_location()
        soho = next(loc["id"] for loc in self.shop.locations.values() if loc["name"] == "SoHo Store")
        odoo_level = self.store._stock_levels(self.products[sku])[self.products[sku]]
        Discrepancy = self.env["ecommerce.discrepancy"]

        # someone counts more in Shopify than Odoo has: Shopify could oversell, Odoo's level goes back
        self.shop.set_available(item_id, main, odoo_level + 5, api="admin")
        [update] = self.deliver_new()
        payload = update.body.decode()
        self.assertIn('"inventory_item_id"', payload)
        self.assertNotIn("variant", payload)
        self.process()
        drift = Discrepancy.search([("store_id", "=", self.store.id), ("kind", "=", "inventory_drift")])
        self.assertRecordValues(
            drift, [{"state": "open", "expected": odoo_level + 5, "found": odoo_level, "res_id": self.products[sku].id}]
        )
        self.env["ecommerce.stock.push"]._cron_flush()
        self.assertEqual(self.shop.level(item_id, main)["available"], odoo_level)
        # Shopify announces the corrected level: the drift is resolved
        self.deliver_new()
        self.process()
        self.assertEqual(drift.state, "resolved")

        # a lower count is recorded, not overwritten (Shopify may have sold what Odoo has not imported yet)
        self.shop.set_available(item_id, main, odoo_level - 1, api="admin")
        self.deliver_new()
        self.process()
        lower = Discrepancy.search([("store_id", "=", self.store.id), ("state", "=", "open")])
        self.assertRecordValues(lower, [{"kind": "inventory_drift", "expected": odoo_level - 1, "found": odoo_level}])
        self.assertFalse(self.env["ecommerce.stock.push"].search([("store_id", "=", self.store.id)]))

        # the levels of a location that does not show the store's warehouse are none of Odoo's business
        self.shop.set_available(item_id, soho, 999, api="admin")
        self.deliver_new()
        self.process()
        self.assertEqual(Discrepancy.search([("store_id", "=", self.store.id)]), drift | lower)

    def test_webhook_forged_is_refused_and_touches_nothing(self):
        placed = self.shop.place_order(method="card")
        genuine = self.shop.webhooks.deliveries[-1]
        documents = self.documents()
        forger = WebhookSender(self.shop.webhooks.url, "not-the-app-secret", self.shop.domain, enabled=False)
        forged = forger.build("orders/create", placed)
        with mute_logger("odoo.addons.ecommerce_sync.controllers.main"):
            self.assertEqual(self.deliver(forged), (401, "invalid signature"))
            tampered = genuine.body.replace(b'"total_price":"', b'"total_price":"1')
            response = self.url_open(self.path, data=tampered, headers=genuine.headers)
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.Event.search([("store_id", "=", self.store.id)]))
        self.assertEqual(self.documents(), documents)

    def test_a_broken_order_fails_alone_with_a_clear_message(self):
        broken = self.shop.place_order(method="card")
        good = self.shop.place_order(method="paypal")
        self.shop.corrupt_order(broken["id"])
        logs = self.scheduled_pull()
        orders = logs.filtered(lambda log: log.flow == "orders")
        self.assertRecordValues(orders, [{"state": "partial", "created_count": 1, "failed_count": 1}])
        self.assertRecordValues(orders.line_ids, [{"external_id": str(broken["id"]), "state": "failed"}])
        self.assertIn("12,50 EUR", orders.line_ids.error)
        self.assert_books_match(good["id"])
        self.assertFalse(self.sale_order(broken["id"]))


@tagged("post_install", "-at_install")
class TestShopifyFullSync(FullSyncChecks, LiveWebhookChecks, FaultChecks, ShopifyFullSyncCommon):
    """One sync of the whole shop, shared by every check (each test's changes are rolled back)."""
