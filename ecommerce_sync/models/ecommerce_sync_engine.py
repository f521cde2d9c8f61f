import logging
import zlib

from odoo import _, api, fields, models

from ..connector import ConnectorError
from ..tools import RUN_ERRORS, RunAborted, SyncRun

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
    * each run's log, counts and failures are kept by a :class:`SyncRun`.
    """

    _name = "ecommerce.sync.engine"
    _description = "Sync Engine"

    # ------------------------------------------------------------------
    # locking
    @api.model
    def _lock_key(self, flow):
        return zlib.crc32(f"ecommerce_sync:{flow}".encode()) & 0x7FFFFFFF

    @api.model
    def _try_lock(self, store, flow):
        """Take the store/flow lock for the rest of the transaction; False when someone holds it."""
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (self._lock_key(flow), store.id))
        return self.env.cr.fetchone()[0]

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
        }

    @api.model
    def _handle_records(self, store, records):
        handlers = self._get_handlers()
        outcomes = []
        for record in records:
            handler = handlers.get(type(record).__name__)
            if handler is None:
                raise ConnectorError(_("No handler for %(kind)s records is installed.", kind=type(record).__name__))
            outcomes.append(handler(store, record))
        for outcome in ("created", "updated"):
            if outcome in outcomes:
                return outcome
        return "skipped"

    # ------------------------------------------------------------------
    # runs
    @api.model
    def sync_store(self, store, trigger="manual"):
        """Run every enabled flow of ``store``, then send its queued stock levels; return the sync logs.

        :raise UserError: when no installed addon provides the store's platform
        """
        store = store.sudo().with_company(store.company_id)
        logs = self.env["ecommerce.sync.log"]
        connector = store._get_connector()
        for flow in store._enabled_flows():
            log = self.run_flow(store, flow, trigger=trigger, connector=connector)
            logs |= log
            if flow == "orders" and log.created_count:
                store._check_order_volume()
            if store.state == "error" and log.state == "failed":
                break
        if store.sync_stock and store.state != "error":
            logs |= self.env["ecommerce.stock.push"]._flush_store(store, trigger=trigger, connector=connector)
        failed = logs.filtered(lambda log: log.state == "failed")
        partial = logs.filtered(lambda log: log.state == "partial")
        result = "failed" if failed else "partial" if partial else "ok"
        if logs and all(log.state == "skipped" for log in logs):
            result = "skipped"
        store.write(
            {
                "last_sync_at": fields.Datetime.now(),
                "last_sync_result": result,
                "last_sync_message": "\n".join(log.message for log in failed if log.message) or False,
            }
        )
        return logs

    @api.model
    def run_flow(self, store, flow, trigger="manual", connector=None, max_pages=None):
        """Pull ``flow`` of ``store`` from its cursor.

        :param int max_pages: pages to handle in this transaction (the store's
            budget by default); the log says ``more_pending`` when stopped by it
        :return: the sync log of the run
        :rtype: ecommerce.sync.log
        """
        store = store.sudo().with_company(store.company_id)
        run = SyncRun(store, flow, trigger)
        if not self._try_lock(store, flow):
            return run.skip()
        max_pages = max_pages or store.page_budget
        cursor = store._get_cursor(flow)
        run.note(cursor_before=cursor, cursor_after=cursor, pages=0)
        pages = advancing = 0
        with run:
            for page in run.connect(connector).fetch(flow, cursor):
                run.count("fetched", len(page.items))
                for item in page.items:
                    _outcome, error = self._process_item(run, item.payload)
                    if error:
                        run.keep_failed(item.external_id, item.payload, error)
                pages += 1
                # a page that only re-reads the records at the cursor (inclusive cursors such as
                # updated_at_min) is not progress: it does not use the budget
                if page.cursor is None or page.cursor != cursor:
                    advancing += 1
                if page.cursor:
                    cursor = page.cursor
                    store._set_cursor(flow, cursor)
                run.note(pages=pages, cursor_after=cursor)
                if advancing >= max_pages:
                    run.note(more_pending=page.more is not False)
                    break
            if store.state == "error":
                store.write({"state": "connected", "state_message": False})
        return run.log

    @api.model
    def _process_item(self, run, payload):
        """Parse and handle one raw record of ``run`` in a savepoint; count its outcome when it succeeds.

        :return: ``(outcome, error)``: the outcome ("created", "updated",
            "skipped" or "failed") and, when failed, the exception
        :raise RunAborted: on errors that concern the whole run (see ``RUN_ERRORS``)
        """
        try:
            with self.env.cr.savepoint():
                records = run.connector.parse(run.flow, payload)
                outcome = self._handle_records(run.store, records)
        except RUN_ERRORS:
            raise
        except Exception as exc:
            return "failed", exc
        run.count(outcome)
        return outcome, None

    # ------------------------------------------------------------------
    # retries
    @api.model
    def retry_lines(self, lines):
        """Process the payloads of failed lines again; resolved lines leave the retry queue.

        Lines are grouped per store and flow, each group under its lock, with
        one sync log (trigger "retry") per group. The lines of a store whose
        platform has no installed connector wait for their next retry, with
        that reason, and the other groups go on.
        """
        for (store, flow), group in lines.grouped(lambda line: (line.store_id, line.flow)).items():
            store = store.sudo().with_company(store.company_id)
            run = SyncRun(store, flow, "retry")
            if not self._try_lock(store, flow):
                run.skip()
                continue
            with run:
                try:
                    run.connect()
                except RunAborted as exc:
                    group._schedule_next_retry(str(exc))
                    raise
                for line in group:
                    run.count("fetched")
                    try:
                        _outcome, error = self._process_item(run, self._fresh_payload(run, line))
                    except RUN_ERRORS as exc:
                        line._schedule_next_retry(str(exc))
                        raise
                    if error:
                        run.count("failed")
                        line._schedule_next_retry(run.error_text(error))
                    else:
                        line.write({"state": "resolved", "resolved_at": fields.Datetime.now()})
        return lines

    @api.model
    def _fresh_payload(self, run, line):
        """The record as the store has it now, else the payload kept with the line.

        Fetching again picks up corrections made in the store since the
        failure; the kept payload serves when the cause was on the Odoo side
        (a mapping, a product) or the platform cannot fetch single records.

        :raise AuthenticationError, TransientError: when the platform refuses the credentials or is down
        """
        if line.external_id:
            try:
                return run.connector.fetch_record(run.flow, line.external_id).payload
            except NotImplementedError:
                return line._payload_dict()
            except RUN_ERRORS:
                raise
            except ConnectorError as exc:
                _logger.info(
                    "Could not fetch %s %s again (%s); retrying the kept payload", run.flow, line.external_id, exc
                )
        return line._payload_dict()

    # ------------------------------------------------------------------
    # webhooks
    @api.model
    def process_webhook_events(self, events):
        """Handle stored webhook events (pending ones), grouped per store and flow.

        A group whose store and flow another run holds stays pending for the
        next processing run. The events of a store whose platform has no
        installed connector fail, each kept with its payload for retry.
        """
        events = events.filtered(lambda event: event.state == "pending")
        for (store, flow), group in events.grouped(lambda event: (event.store_id, event.flow)).items():
            store = store.sudo().with_company(store.company_id)
            if not self._try_lock(store, flow):
                continue  # stays pending; the next processing run takes it
            run = SyncRun(store, flow, "webhook")
            with run:
                try:
                    run.connect()
                except RunAborted as exc:
                    for event in group:
                        self._event_failed(run, event, event._payload_dict(), exc)
                    raise
                for event in group:
                    run.count("fetched")
                    try:
                        payload = event._payload_for_processing(run.connector)
                    except RUN_ERRORS:
                        raise  # this event and the rest stay pending
                    except (ConnectorError, ValueError) as exc:
                        # the record could not be fetched again (e.g. deleted in the store) or the stored
                        # payload cannot be read: this event fails alone
                        payload, error = event._payload_dict(), exc
                    else:
                        _outcome, error = self._process_item(run, payload)
                    if error:
                        self._event_failed(run, event, payload, error)
                    else:
                        event.write({"state": "done", "error": False, "processed_at": fields.Datetime.now()})
            if flow == "orders" and run.counts["created"]:
                store._check_order_volume()
        return events

    @api.model
    def _event_failed(self, run, event, payload, error):
        """Fail a webhook event; its record is kept, with the payload, for retry."""
        run.keep_failed(event.external_id, payload, error)
        event.write({"state": "failed", "error": run.error_text(error), "processed_at": fields.Datetime.now()})
