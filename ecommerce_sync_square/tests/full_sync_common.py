import contextlib
import json
from unittest.mock import patch

from odoo.tests import HttpCase

from ..sandbox import figures, merchant
from .common import start_sandbox, store_values

#: a generated seller of 36 sales that exercises every case (see test_the_seller_exercises_every_case)
ORDERS = 36
SEED = 12


class SquareFullSyncCommon(HttpCase):
    """A merchant's Odoo set up for the sandbox seller, its bank statement holding the paid payouts, after
    one "Sync now" of the whole account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.server = start_sandbox(orders=ORDERS, seed=SEED)
        cls.addClassCleanup(cls.server.stop)
        cls.seller = cls.server.seller
        cls.store = cls.env["ecommerce.store"].create(store_values(cls.server))
        cls.path = f"/ecommerce_sync/webhook/{cls.store.sudo().webhook_token}"
        cls.store.square_notification_url = cls.seller.webhooks.notification_url = f"{cls.base_url()}{cls.path}"
        cls.products = merchant.set_up_store(cls.env, cls.store, cls.seller)
        cls.locations = {
            location["_key"]: cls.store.square_location_ids.filtered(
                lambda loc, location=location: loc.external_id == location["id"]
            )
            for location in cls.seller.data["locations"]
        }
        cls.deposit(figures.payouts(cls.seller))
        cls.calls_before = cls.server.calls()
        with cls.batches_booked() as cls.batches:
            cls.sync_answer = cls.store.action_sync_now()
        cls.sync_logs = cls.store.sync_log_ids.sorted("id")
        cls.sync_calls = cls.server.calls() - cls.calls_before
        cls.seller_state = cls.seller.snapshot()

    @classmethod
    @contextlib.contextmanager
    def batches_booked(cls):
        """While it lasts, the sizes of the batches the engine's batch handlers book: ``{record type: [size]}``."""
        Engine = type(cls.env["ecommerce.sync.engine"])
        handlers = Engine._get_batch_handlers
        sizes = {}

        def counted(kind, handler):
            def book(store, records):
                sizes.setdefault(kind, []).append(len(records))
                return handler(store, records)

            return book

        def batch_handlers(engine):
            return {kind: counted(kind, handler) for kind, handler in handlers(engine).items()}

        with patch.object(Engine, "_get_batch_handlers", batch_handlers):
            yield sizes

    def setUp(self):
        super().setUp()
        # what a test changes in the sandbox is undone, as Odoo's side is rolled back
        self.addCleanup(self.seller.restore, self.seller_state)
        self._delivered = len(self.seller.webhooks.sent)
        self.Event = self.env["ecommerce.webhook.event"]

    @classmethod
    def deposit(cls, payouts):
        """The bank statement lines of payouts, as the bank reports them."""
        return cls.env["account.bank.statement.line"].create(
            [
                {
                    "journal_id": cls.store.payout_journal_id.id,
                    "date": payout["arrival_date"],
                    "amount": payout["amount_money"]["amount"] / 100,
                    "payment_ref": f"SQUARE INC TRANSFER {payout['id']}",
                }
                for payout in payouts
            ]
        )

    # ------------------------------------------------------------------
    def sale_order(self, order_id):
        return self.env["sale.order"].search(
            [("ecommerce_store_id", "=", self.store.id), ("ecommerce_external_id", "=", order_id)]
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
            "bindings": self.env["ecommerce.binding"].search_count([]),
            "discrepancies": self.env["ecommerce.discrepancy"].search_count([]),
        }

    def open_discrepancies(self, kind=None):
        domain = [("store_id", "=", self.store.id), ("state", "=", "open")]
        return self.env["ecommerce.discrepancy"].search(domain + ([("kind", "=", kind)] if kind else []))

    def location_key(self, location_id):
        return next(loc["_key"] for loc in self.seller.data["locations"] if loc["id"] == location_id)

    def skus(self):
        return {v["id"]: v["item_variation_data"]["sku"] for v in self.seller.data["variations"].values()}

    def expected_levels(self):
        """``{(sku, location key): level}``: on hand, less what each location sold, plus what came back."""
        skus = self.skus()
        levels = {(sku, key): merchant.ON_HAND for sku in self.products for key in self.locations}
        for order in self.seller.data["orders"].values():
            key = self.location_key(order["location_id"])
            for line in order.get("line_items") or []:
                if skus[line["catalog_object_id"]]:
                    levels[skus[line["catalog_object_id"]], key] -= int(line["quantity"])
            for entry in order.get("returns") or []:
                for line in entry["return_line_items"]:
                    if skus.get(line.get("catalog_object_id")):
                        levels[skus[line["catalog_object_id"]], key] += int(line["quantity"])
        return levels

    def square_levels(self):
        """``{(sku, location key): quantity}`` of the seller's counts."""
        skus = self.skus()
        return {
            (skus[variation_id], self.location_key(location_id)): int(count["quantity"])
            for (variation_id, location_id), count in self.seller.data["counts"].items()
            if skus[variation_id]
        }

    # ------------------------------------------------------------------
    # webhooks
    def deliver(self, headers, body):
        self.env.flush_all()
        response = self.url_open(self.path, data=body, headers=headers)
        self.env.invalidate_all()
        return response.status_code, response.json().get("status")

    def deliver_new(self):
        """Deliver what the seller sent since the last call; return ``[(event type, headers, body)]``."""
        fresh = self.seller.webhooks.sent[self._delivered :]
        self._delivered = len(self.seller.webhooks.sent)
        delivered = []
        for headers, body in fresh:
            topic = json.loads(body)["type"]
            self.assertEqual(self.deliver(headers, body), (200, "accepted"), topic)
            delivered.append((topic, headers, body))
        return delivered

    def process(self):
        self.Event._cron_process()
        self.assertFalse(self.Event.search([("store_id", "=", self.store.id), ("state", "!=", "done")]))

    def scheduled_pull(self):
        return self.env["ecommerce.sync.engine"].sync_store(self.store, trigger="cron")
