import json
import logging
import time
import zlib

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..connector import AuthenticationError, ConnectorError, TransientError, redact

_logger = logging.getLogger(__name__)

EXCERPT_LENGTH = 1500
OUTCOMES = ("created", "updated", "skipped")


class RunAborted(Exception):
    """A record hit an error that concerns the whole run (credentials, platform down)."""


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
      type in :meth:`_get_handlers`, which the ledger and stock parts extend.
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
            "StockLevel": self.env["ecommerce.stock.builder"]._import_stock_level,
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
    def _start_log(self, store, flow, trigger):
        return (
            self.env["ecommerce.sync.log"]
            .sudo()
            .create({"store_id": store.id, "flow": flow, "trigger": trigger, "started_at": fields.Datetime.now()})
        )

    @api.model
    def _finish_log(self, log, stats, started, connector=None, calls_before=0, state=None, message=None):
        values = {
            "ended_at": fields.Datetime.now(),
            "duration": time.monotonic() - started,
            "api_calls": (connector.api_calls - calls_before) if connector else 0,
            **{f"{key}_count": stats[key] for key in ("fetched", "created", "updated", "skipped", "failed")},
        }
        values["state"] = state or ("partial" if stats["failed"] else "done")
        if message:
            values["message"] = message
        log.write(values)
        return log

    @api.model
    def _new_stats(self):
        return dict.fromkeys(("fetched", "created", "updated", "skipped", "failed"), 0)

    @api.model
    def sync_store(self, store, trigger="manual"):
        """Run every enabled flow of ``store``, then send its queued stock levels; return the sync logs."""
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
        log = self._start_log(store, flow, trigger)
        started = time.monotonic()
        stats = self._new_stats()
        if not self._try_lock(store, flow):
            return self._finish_log(
                log,
                stats,
                started,
                state="skipped",
                message=_("Another run of this store and flow is in progress; nothing was done."),
            )
        connector = connector or store._get_connector()
        calls_before = connector.api_calls
        max_pages = max_pages or store.page_budget
        cursor = store._get_cursor(flow)
        log.cursor_before = cursor
        pages = advancing = 0
        try:
            for page in connector.fetch(flow, cursor):
                stats["fetched"] += len(page.items)
                for item in page.items:
                    _outcome, error = self._process_item(store, connector, flow, item.payload, stats)
                    if error:
                        self._log_failure(log, item.external_id, item.payload, error)
                pages += 1
                # a page that only re-reads the records at the cursor (inclusive cursors such as
                # updated_at_min) is not progress: it does not use the budget
                if page.cursor is None or page.cursor != cursor:
                    advancing += 1
                if page.cursor:
                    cursor = page.cursor
                    store._set_cursor(flow, cursor)
                if advancing >= max_pages:
                    log.more_pending = page.more is not False
                    break
        except (RunAborted, ConnectorError) as exc:
            error = exc.__cause__ if isinstance(exc, RunAborted) else exc
            if isinstance(error, AuthenticationError):
                store._set_error(_("The platform refused the credentials: %(error)s", error=error))
            _logger.warning("Sync of %s (%s) stopped: %s", store.name, flow, error)
            log.write({"pages": pages, "cursor_after": cursor})
            return self._finish_log(log, stats, started, connector, calls_before, state="failed", message=str(error))
        if store.state == "error":
            store.write({"state": "connected", "state_message": False})
        log.write({"pages": pages, "cursor_after": cursor})
        return self._finish_log(log, stats, started, connector, calls_before)

    @api.model
    def _process_item(self, store, connector, flow, payload, stats):
        """Parse and handle one raw record in a savepoint.

        :return: ``(outcome, error)``: the outcome ("created", "updated",
            "skipped" or "failed") and, when failed, the exception
        :raise RunAborted: on errors that concern the whole run
        """
        try:
            with self.env.cr.savepoint():
                records = connector.parse(flow, payload)
                outcome = self._handle_records(store, records)
        except (AuthenticationError, TransientError) as exc:
            raise RunAborted(str(exc)) from exc
        except Exception as exc:
            stats["failed"] += 1
            return "failed", exc
        stats[outcome] += 1
        return outcome, None

    @api.model
    def _error_text(self, exc):
        if isinstance(exc, ConnectorError | UserError):
            return str(exc)
        return f"{type(exc).__name__}: {exc}"

    @api.model
    def _log_failure(self, log, external_id, payload, exc):
        _logger.info("Record %s of %s (%s) failed: %s", external_id, log.store_id.name, log.flow, exc)
        return (
            self.env["ecommerce.sync.log.line"]
            .sudo()
            .create(
                {
                    "log_id": log.id,
                    "external_id": str(external_id or ""),
                    "error": self._error_text(exc),
                    "payload_excerpt": redact(payload, limit=EXCERPT_LENGTH),
                    "payload": json.dumps(payload, default=str),
                }
            )
        )

    # ------------------------------------------------------------------
    # retries
    @api.model
    def retry_lines(self, lines):
        """Process the payloads of failed lines again; resolved lines leave the retry queue.

        Lines are grouped per store and flow, each group under its lock, with
        one sync log (trigger "retry") per group.
        """
        for (store, flow), group in lines.grouped(lambda line: (line.store_id, line.flow)).items():
            store = store.sudo().with_company(store.company_id)
            log = self._start_log(store, flow, "retry")
            started = time.monotonic()
            stats = self._new_stats()
            if not self._try_lock(store, flow):
                self._finish_log(
                    log,
                    stats,
                    started,
                    state="skipped",
                    message=_("Another run of this store and flow is in progress."),
                )
                continue
            connector = store._get_connector()
            calls_before = connector.api_calls
            message = None
            for line in group:
                stats["fetched"] += 1
                try:
                    payload = self._fresh_payload(connector, flow, line)
                    _outcome, error = self._process_item(store, connector, flow, payload, stats)
                except RunAborted as exc:
                    message = str(exc)
                    line._schedule_next_retry(message)
                    break
                if error:
                    line._schedule_next_retry(self._error_text(error))
                else:
                    line.write({"state": "resolved", "resolved_at": fields.Datetime.now()})
            self._finish_log(
                log, stats, started, connector, calls_before, state="failed" if message else None, message=message
            )
        return lines

    @api.model
    def _fresh_payload(self, connector, flow, line):
        """The record as the store has it now, else the payload kept with the line.

        Fetching again picks up corrections made in the store since the
        failure; the kept payload serves when the cause was on the Odoo side
        (a mapping, a product) or the platform cannot fetch single records.

        :raise RunAborted: when the platform refuses the credentials or is down
        """
        if line.external_id:
            try:
                return connector.fetch_record(flow, line.external_id).payload
            except NotImplementedError:
                return line._payload_dict()
            except (AuthenticationError, TransientError) as exc:
                raise RunAborted(str(exc)) from exc
            except ConnectorError as exc:
                _logger.info("Could not fetch %s %s again (%s); retrying the kept payload", flow, line.external_id, exc)
        return line._payload_dict()

    # ------------------------------------------------------------------
    # webhooks
    @api.model
    def process_webhook_events(self, events):
        """Handle stored webhook events (pending ones), grouped per store and flow."""
        events = events.filtered(lambda event: event.state == "pending")
        for (store, flow), group in events.grouped(lambda event: (event.store_id, event.flow)).items():
            store = store.sudo().with_company(store.company_id)
            if not self._try_lock(store, flow):
                continue  # stays pending; the next processing run takes it
            log = self._start_log(store, flow, "webhook")
            started = time.monotonic()
            stats = self._new_stats()
            connector = store._get_connector()
            calls_before = connector.api_calls
            message = None
            for event in group:
                stats["fetched"] += 1
                try:
                    payload = event._payload_for_processing(connector)
                    _outcome, error = self._process_item(store, connector, flow, payload, stats)
                except (RunAborted, AuthenticationError, TransientError) as exc:
                    message = str(exc)
                    break  # this event and the rest stay pending
                except ConnectorError as exc:
                    # the record could not be fetched again (e.g. deleted in the store): this event fails alone
                    stats["failed"] += 1
                    payload, error = event.sudo().payload, exc
                if error:
                    self._log_failure(log, event.external_id, payload, error)
                event.write(
                    {
                        "state": "failed" if error else "done",
                        "error": self._error_text(error) if error else False,
                        "processed_at": fields.Datetime.now(),
                    }
                )
            self._finish_log(
                log, stats, started, connector, calls_before, state="failed" if message else None, message=message
            )
            if flow == "orders" and stats["created"]:
                store._check_order_volume()
        return events
