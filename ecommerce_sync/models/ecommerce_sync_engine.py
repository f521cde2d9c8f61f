import logging
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models

from ..connector import ConnectorError
from ..tools import (
    RUN_ERRORS,
    TRANSACTION_ERRORS,
    Deadline,
    RunInterrupted,
    SyncRun,
    breaks_transaction,
    lock_key,
    try_xact_lock,
)
from .ecommerce_builder_mixin import IMPORT_CONTEXT, batch_memo

_logger = logging.getLogger(__name__)


class EcommerceSyncEngine(models.AbstractModel):
    """Runs one store and one flow: pages from the cursor, one savepoint per record.

    * every raw record is parsed and handled in its own savepoint, so a bad
      record never aborts the run: it is logged, with its payload, for retry;
    * the cursor advances page by page, and only past records that were
      either processed or kept for retry;
    * a PostgreSQL advisory lock per store and flow makes scheduled runs,
      "Sync now", retries and webhooks exclusive (the one that finds the lock
      taken skips and leaves its work for later);
    * handlers (canonical record -> Odoo documents) are looked up by record
      type in :meth:`_get_handlers`;
    * each run's log, counts and failures are kept by a :class:`SyncRun`;
    * failed records are retried, and stored webhook events processed, by the
      methods of ``ecommerce_sync_engine_retries.py``.
    """

    _name = "ecommerce.sync.engine"
    _description = "Sync Engine"

    # ------------------------------------------------------------------
    # locking
    @api.model
    def _lock_key(self, flow):
        return lock_key(f"ecommerce_sync:{flow}")

    @api.model
    def _try_lock(self, store, flow):
        """Take the store/flow lock for the rest of the transaction; False when someone holds it."""
        return try_xact_lock(self.env.cr, self._lock_key(flow), store.id)

    # ------------------------------------------------------------------
    # handlers
    @api.model
    def _get_handlers(self):
        """``{canonical record class name: handler(store, record) -> outcome}``.

        An outcome is "created", "updated" or "skipped". Handlers raise to
        reject a record; the engine rolls its savepoint back and logs it.
        """
        return {
            "ProductVariant": self.env["ecommerce.product.link"]._import_variant,
            "StockLevel": self.env["ecommerce.stock.compare"]._import_stock_level,
            "Order": self.env["ecommerce.order.builder"]._import_order,
            "Refund": self.env["ecommerce.refund.builder"]._import_refund,
            "Fee": self.env["ecommerce.fee.builder"]._import_fee,
            "Payout": self.env["ecommerce.payout.builder"]._import_payout,
            "BalanceMovement": self.env["ecommerce.balance.builder"]._import_movement,
            "BalancePayout": self.env["ecommerce.balance.builder"]._import_balance_payout,
            "Dispute": self.env["ecommerce.balance.builder"]._import_dispute,
            "FailedPayment": self.env["ecommerce.balance.builder"]._import_failed_payment,
        }

    @api.model
    def _get_batch_handlers(self):
        """``{canonical record class name: handler(store, records) -> [outcome, ...]}``.

        A batch handler books a list of records of one type at once (one lookup, one
        ``create``, one flush per step for them all) and returns one outcome per record;
        it raises when any record fails, and the engine splits the batch to find it. Types
        without a batch handler go through their handler of :meth:`_get_handlers`, one by one.
        """
        return {
            "Order": self.env["ecommerce.order.builder"]._import_orders,
            "Refund": self.env["ecommerce.refund.builder"]._import_refunds,
            "Payout": self.env["ecommerce.payout.builder"]._import_payouts,
            "StockLevel": self.env["ecommerce.stock.compare"]._import_stock_levels,
        }

    @api.model
    def _handle_records(self, store, records):
        """Handle the records parsed from one raw record; return its outcome."""
        return self._handle_record_lists(store, [records])[0]

    @api.model
    def _handle_record_lists(self, store, record_lists):
        """Handle the records parsed from several raw records, by type, in batches.

        The n-th records of every raw record are handled together, by type (their batch
        handler, else their handler one by one), before the (n+1)-th ones: what one raw record
        holds is handled in its order.

        :param list record_lists: per raw record, the canonical records parsed from it
        :return: per raw record, "created", "updated" or "skipped" (the first of these a record got)
        :rtype: list[str]
        """
        # the handlers work in the run's environment (the store's), never partly in the caller's
        with batch_memo(store.env(context=dict(store.env.context, **IMPORT_CONTEXT))) as env:
            return self.with_env(env)._handle_in_order(store.with_env(env), record_lists)

    @api.model
    def _handle_in_order(self, store, record_lists):
        handlers = self._get_handlers()
        batch_handlers = self._get_batch_handlers()
        outcomes = [[] for _records in record_lists]
        depth = max((len(records) for records in record_lists), default=0)
        for position in range(depth):
            by_type = defaultdict(list)
            for index, records in enumerate(record_lists):
                if position < len(records):
                    by_type[type(records[position]).__name__].append((index, records[position]))
            for kind, entries in by_type.items():
                records = [record for _index, record in entries]
                if kind in batch_handlers:
                    results = batch_handlers[kind](store, records)
                elif kind in handlers:
                    results = [handlers[kind](store, record) for record in records]
                else:
                    raise ConnectorError(_("No handler for %(kind)s records is installed.", kind=kind))
                for (index, _record), outcome in zip(entries, results, strict=True):
                    outcomes[index].append(outcome)
        return [self._outcome(results) for results in outcomes]

    @api.model
    def _outcome(self, outcomes):
        for outcome in ("created", "updated"):
            if outcome in outcomes:
                return outcome
        return "skipped"

    # ------------------------------------------------------------------
    # runs
    @api.model
    def sync_store(self, store, trigger="manual", deadline=None):
        """Run every enabled flow of ``store``, then send its queued stock levels; return the sync logs.

        :param deadline: tools.Deadline after which no new page is taken (the rest waits for the
            next run, the logs say ``more_pending``); a share of Odoo's time limit by default
        :raise UserError: when no installed addon provides the store's platform
        :raise AccessError: when the caller may not run the store's syncs
        """
        store.check_access("write")
        store = store.sudo().with_company(store.company_id)
        deadline = deadline or self._default_deadline(trigger)
        logs = self.env["ecommerce.sync.log"]
        connector = store._get_connector()
        for flow in store._enabled_flows():
            if deadline.expired():
                logs |= SyncRun(store, flow, trigger).pending(_("The run's time was up; the next run carries on."))
                continue
            log = self.run_flow(store, flow, trigger=trigger, connector=connector, deadline=deadline)
            logs |= log
            if flow == "orders" and log.created_count:
                store._check_order_volume()
            if store.state == "error" and log.state == "failed":
                break
        if store.sync_stock and store.state != "error":
            logs |= store.env["ecommerce.stock.push"]._flush_store(
                store, trigger=trigger, connector=connector, deadline=deadline
            )
        self._record_sync(store, logs)
        return logs

    @api.model
    def _record_sync(self, store, logs):
        """Stamp the store's last sync (time, result, what failed) from the logs of its runs, and plan
        its next one: an interval after this one, or due now when more is waiting. Every pull does it
        (:meth:`run_flow`, called by "Sync now", the scheduler, jobs, the demo, scripts)."""
        failed = logs.filtered(lambda log: log.state == "failed")
        partial = logs.filtered(lambda log: log.state == "partial")
        result = "failed" if failed else "partial" if partial else "ok"
        if logs and all(log.state == "skipped" for log in logs):
            result = "skipped"
        now = fields.Datetime.now()
        values = {
            "last_sync_at": now,
            "last_sync_result": result,
            "last_sync_message": "\n".join(log.message for log in failed if log.message) or False,
        }
        if not any(log.more_pending for log in logs):
            values["next_sync_at"] = now + timedelta(minutes=store.sync_interval)
        elif not store.next_sync_at or store.next_sync_at > now:
            values["next_sync_at"] = now
        store.write(values)

    @api.model
    def _default_deadline(self, trigger):
        """The deadline of a unit of work started by ``trigger``: a share of the limit Odoo runs it under.

        A scheduled action runs under the cron limit, a request under the request limit; work
        called from code outside both (a shell, a script, a test) runs under no time limit and
        is bounded by the store's page budget alone.
        """
        if trigger == "cron" or self.env.context.get("cron_id"):
            return Deadline.for_cron(self.env)
        return Deadline.for_caller()

    @api.model
    def run_flow(self, store, flow, trigger="manual", connector=None, max_pages=None, deadline=None):
        """Pull ``flow`` of ``store`` from its cursor, a page at a time.

        :param int max_pages: pages to handle in this transaction (the store's
            budget by default); the log says ``more_pending`` when stopped by it
        :param deadline: tools.Deadline: no page is started that would not end before it
            (the log says ``more_pending`` too)
        :return: the sync log of the run
        :rtype: ecommerce.sync.log
        :raise AccessError: when the caller may not run the store's syncs
        """
        store.check_access("write")
        store = store.sudo().with_company(store.company_id)
        deadline = deadline or self._default_deadline(trigger)
        run = SyncRun(store, flow, trigger)
        if not self._try_lock(store, flow):
            return run.skip()
        with run:
            self._pull_pages(
                run,
                store._get_cursor(flow),
                lambda cursor: self._store_cursor(store, flow, cursor),
                connector=connector,
                max_pages=max_pages or store.page_budget,
                deadline=deadline,
            )
            if store.state == "error":
                store.write({"state": "connected", "state_message": False})
        try:  # a pull is a sync; when a concurrent run changed the store meanwhile, its stamp stands
            with self.env.cr.savepoint():
                self._record_sync(store, run.log)
        except TRANSACTION_ERRORS:
            _logger.info("Store %s changed by a concurrent run: its last sync is that run's.", store.id)
        return run.log

    @api.model
    def _pull_pages(self, run, cursor, save_cursor, connector=None, max_pages=1, deadline=None, window=None):
        """Handle the pages of ``run``'s flow from ``cursor`` (within ``window`` when given), page by page.

        :param save_cursor: called with the cursor after each page handled
        :param int max_pages: pages that advance the cursor to handle at most (``more_pending`` then)
        :param deadline: tools.Deadline: no page is started that would not end before it
        :param window: connector.Window: the records created within it (a backfill's window)
        :return: the cursor after the last page handled
        """
        run.note(cursor_before=cursor, cursor_after=cursor, pages=0)
        pages = advancing = 0
        pace = self._last_pace(run.store, run.flow)
        fetched = run.connect(connector)
        pages_of = fetched.fetch(run.flow, cursor, window=window) if window else fetched.fetch(run.flow, cursor)
        for page in pages_of:
            handled = 0
            for batch in deadline.batches(page.items, pace=pace):
                run.count("fetched", len(batch))
                results = self._process_payloads(run, [(item, item.payload) for item in batch])
                for item, (_outcome, error) in zip(batch, results, strict=True):
                    if error:
                        run.keep_failed(item.external_id, item.payload, error)
                handled += len(batch)
            if handled < len(page.items):
                # time is up within the page: the next run reads it again (what was booked is skipped)
                run.note(more_pending=True)
                break
            pages += 1
            # a page that only re-reads the records at the cursor (inclusive cursors such as
            # updated_at_min) is not progress: it does not use the budget
            if page.cursor is None or page.cursor != cursor:
                advancing += 1
            if page.cursor:
                cursor = page.cursor
                save_cursor(cursor)
            run.note(pages=pages, cursor_after=cursor)
            # the next page's first slice is sized to the time left: room for two records at this pace
            pace = deadline.pace or pace
            reserve = (pace or 0) * 2
            if advancing >= max_pages or deadline.expired(reserve=reserve):
                run.note(more_pending=page.more is not False)
                break
        return cursor

    @api.model
    def _last_pace(self, store, flow):
        """Seconds a record of ``flow`` took in the store's last run that handled some, or None."""
        log = self.env["ecommerce.sync.log"].search(
            [("store_id", "=", store.id), ("flow", "=", flow), ("direction", "=", "pull"), ("fetched_count", ">", 0)],
            order="id desc",
            limit=1,
        )
        return log.duration / log.fetched_count if log and log.duration else None

    @api.model
    def _store_cursor(self, store, flow, cursor):
        """Store the cursor after a page, in a savepoint: a concurrent run's write interrupts the run.

        :raise RunInterrupted: when another transaction changed the store meanwhile
        """
        try:
            with self.env.cr.savepoint():
                store._set_cursor(flow, cursor)
        except TRANSACTION_ERRORS as exc:
            raise RunInterrupted(
                _("Another run changed the store meanwhile (%(error)s); the next run carries on.", error=exc)
            ) from exc

    @api.model
    def _process_item(self, run, payload):
        """Parse and handle one raw record of ``run`` in a savepoint; count its outcome when it succeeds.

        :return: ``(outcome, error)``: the outcome ("created", "updated",
            "skipped" or "failed") and, when failed, the exception
        :raise RunAborted: on errors that concern the whole run (see ``RUN_ERRORS``)
        """
        return self._process_payloads(run, [(None, payload)])[0]

    @api.model
    def _process_payloads(self, run, entries):
        """Parse and handle raw records of ``run`` as one batch; count the outcomes of those that succeed.

        Each payload is parsed alone (a malformed one fails alone). The parsed records are
        handled together in a savepoint; when that fails, the batch is split in two, each half
        in its own savepoint, down to the records that fail: a bad record among good ones
        costs a few more rounds, and fails alone.

        :param list entries: ``(key, payload)`` pairs
        :return: per entry, ``(outcome, error)``: the outcome ("created", "updated", "skipped"
            or "failed") and, when failed, the exception
        :raise RunAborted: on errors that concern the whole run (see ``RUN_ERRORS``), and
            ``RunInterrupted`` when the database broke the transaction
        """
        results = [None] * len(entries)
        parsed = []
        for index, (_key, payload) in enumerate(entries):
            try:
                parsed.append((index, run.connector.parse(run.flow, payload)))
            except RUN_ERRORS:
                raise
            except Exception as exc:
                results[index] = ("failed", exc)
        try:
            self._handle_batch(run, parsed, results)
        except RUN_ERRORS as exc:
            if not breaks_transaction(exc):
                # the halves of the batch booked before the error stay, and are committed
                self._payloads_booked(run, entries, results)
            raise
        self._payloads_booked(run, entries, results)
        return results

    @api.model
    def _payloads_booked(self, run, entries, results):
        """Hook, called once the records of ``entries`` are booked, or when the run stops among them
        with the outcomes of those booked before (the others are ``None``) kept: what follows the
        booking of records in the same transaction (``ecommerce_sync_queue_job`` queues their
        deliveries). The base books nothing more.

        :param list entries: ``(key, payload)`` pairs
        :param list results: per entry, ``(outcome, error)`` or ``None``
        """
        return None

    @api.model
    def _handle_batch(self, run, parsed, results):
        """Handle ``parsed`` (``(index, records)`` pairs) in a savepoint, halving it on failure."""
        if not parsed:
            return
        try:
            with self.env.cr.savepoint():
                outcomes = self._handle_record_lists(run.store, [records for _index, records in parsed])
        except RUN_ERRORS:
            raise
        except TRANSACTION_ERRORS as exc:
            raise RunInterrupted(
                _("The database interrupted the run (%(error)s); the next run carries on.", error=exc)
            ) from exc
        except Exception as exc:
            if len(parsed) == 1:
                results[parsed[0][0]] = ("failed", exc)
                return
            middle = len(parsed) // 2
            self._handle_batch(run, parsed[:middle], results)
            self._handle_batch(run, parsed[middle:], results)
            return
        for (index, _records), outcome in zip(parsed, outcomes, strict=True):
            run.count(outcome)
            results[index] = (outcome, None)
