"""The ledger through the sync engine: pages of canonical records, failures logged and retried."""

from odoo.tests import tagged

from ..connector import ConnectionInfo, Connector, NotFoundError, Page, PushResult, RawRecord, register_connector
from ..connector.errors import WebhookError
from ..connector.records import Payout, PayoutLine
from .common_ledger import D, LedgerCommon, RefundAdjustment

# what the ledger test platform serves: flow -> list of (external id, canonical record)
LEDGER_SHOP = {"orders": [], "refunds": [], "payouts": []}


@register_connector
class LedgerTestConnector(Connector):
    """A platform whose payloads name canonical records kept in memory (one page per record)."""

    platform = "ledger_test"
    label = "Ledger records (tests)"
    flows = ("orders", "refunds", "payouts")

    def make_client(self):
        return None

    def test_connection(self):
        return ConnectionInfo(name=self.config["store_name"], currency="USD")

    def _fetch(self, flow, cursor):
        position = int(cursor or 0)
        for index, (external_id, _record) in enumerate(LEDGER_SHOP[flow][position:], start=position + 1):
            yield Page([RawRecord(external_id, {"flow": flow, "index": index - 1})], cursor=str(index))

    def fetch_orders(self, cursor):
        return self._fetch("orders", cursor)

    def fetch_refunds(self, cursor):
        return self._fetch("refunds", cursor)

    def fetch_payouts(self, cursor):
        return self._fetch("payouts", cursor)

    def fetch_record(self, flow, external_id):
        for index, (known_id, _record) in enumerate(LEDGER_SHOP[flow]):
            if known_id == external_id:
                return RawRecord(external_id, {"flow": flow, "index": index})
        raise NotFoundError(f"{flow} {external_id} not found", 404)

    def _parse(self, payload):
        return LEDGER_SHOP[payload["flow"]][payload["index"]][1]

    parse_orders = parse_refunds = parse_payouts = _parse

    def push_stock(self, updates):
        return PushResult(failed=[(update, "this platform keeps no stock") for update in updates])

    def fetch_stock_levels(self, variant_external_ids=None):
        return iter(())

    def verify_webhook(self, headers, body):
        return False

    def parse_webhook(self, headers, body):
        raise WebhookError("this platform sends no webhooks")


@tagged("post_install", "-at_install")
class TestLedgerEngine(LedgerCommon):
    def setUp(self):
        super().setUp()
        for records in LEDGER_SHOP.values():
            records.clear()
        self.store.platform = "ledger_test"
        self.engine = self.env["ecommerce.sync.engine"]

    def add(self, flow, record):
        LEDGER_SHOP[flow].append((record.external_id, record))

    def test_bad_records_are_logged_and_retried_never_lost(self):
        good, later = self.us_order("1301"), self.us_order("1303")
        self.add("orders", good)
        self.add("orders", self.us_order("1302", currency="XXX"))
        self.add("refunds", self.refund_of(good, "r-1301", adjustments=[RefundAdjustment("shipping", D("7.99"))]))
        self.add("refunds", self.refund_of(later, "r-1303", adjustments=[RefundAdjustment("shipping", D("7.99"))]))

        orders_log = self.engine.run_flow(self.store, "orders")
        self.assertRecordValues(orders_log, [{"state": "partial", "created_count": 1, "failed_count": 1}])
        self.assertEqual(orders_log.line_ids.external_id, "1302")
        self.assertIn("Unknown currency XXX", orders_log.line_ids.error)
        refunds_log = self.engine.run_flow(self.store, "refunds")
        self.assertRecordValues(refunds_log, [{"created_count": 1, "failed_count": 1}])
        failed_refund = refunds_log.line_ids
        self.assertIn("not imported yet", failed_refund.error)
        self.assertEqual(self.store.cursor_refunds, "2", "the cursor passes the refund kept for retry")

        # the order arrives; the retry books the refund
        self.add("orders", later)
        self.assertRecordValues(self.engine.run_flow(self.store, "orders"), [{"created_count": 1}])
        self.engine.retry_lines(failed_refund)
        self.assertEqual(failed_refund.state, "resolved")
        self.assertRecordValues(self.binding("refund", "r-1303"), [{"move_type": "out_refund", "amount_total": 7.99}])
        # the payout of both orders (less their shipping refunds) through the engine
        self.add(
            "payouts",
            Payout(
                "P-engine",
                "USD",
                D("140.40"),
                lines=[
                    PayoutLine("b1", "charge", D("80.19"), D("2.00"), D("78.19"), "USD", "1301", "t-1301"),
                    PayoutLine("b2", "charge", D("80.19"), D("2.00"), D("78.19"), "USD", "1303", "t-1303"),
                    PayoutLine("b3", "refund", D("-7.99"), D("0"), D("-7.99"), "USD", "1301", "rt-r-1301"),
                    PayoutLine("b4", "refund", D("-7.99"), D("0"), D("-7.99"), "USD", "1303", "rt-r-1303"),
                ],
            ),
        )
        payouts_log = self.engine.run_flow(self.store, "payouts")
        self.assertRecordValues(payouts_log, [{"state": "done", "created_count": 1}])
        self.assertEqual(self.balance(self.clearing), 0.0)
        self.assertFalse(self.discrepancies())
        # everything again from the start: nothing new
        self.store.write({"cursor_orders": False, "cursor_refunds": False, "cursor_payouts": False})
        moves_before = self.env["account.move"].search_count([])
        for flow in ("orders", "refunds", "payouts"):
            log = self.engine.run_flow(self.store, flow)
            self.assertEqual(log.created_count + log.updated_count, 0, flow)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
