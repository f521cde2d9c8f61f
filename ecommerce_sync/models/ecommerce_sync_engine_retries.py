import logging

from odoo import api, fields, models

from ..connector import ConnectorError
from ..tools import RUN_ERRORS, RunAborted, RunInterrupted, SyncRun

_logger = logging.getLogger(__name__)


class EcommerceSyncEngine(models.AbstractModel):
    """The engine's work outside a pull: failed records retried, stored webhook events processed.

    Both go through the same batches as a pull (``_process_payloads``), under the store/flow lock,
    with a sync log of their own (trigger "retry" or "webhook").
    """

    _inherit = "ecommerce.sync.engine"

    # ------------------------------------------------------------------
    # retries
    @api.model
    def retry_lines(self, lines, deadline=None):
        """Process the payloads of failed lines again; resolved lines leave the retry queue.

        Lines are grouped per store and flow, each group under its lock, with
        one sync log (trigger "retry") per group, handled in batches. The lines of a store
        whose platform has no installed connector wait for their next retry, with
        that reason, and the other groups go on. Lines not reached before ``deadline``
        wait for the next retry run, untouched.

        :raise AccessError: when the caller may not retry these lines
        """
        lines.check_access("write")
        deadline = deadline or self._default_deadline("retry")
        for (store, flow), group in lines.grouped(lambda line: (line.store_id, line.flow)).items():
            store = store.sudo().with_company(store.company_id)
            if deadline.expired():
                break
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
                handled = 0
                for chunk in deadline.batches(group):
                    handled += len(chunk)
                    run.count("fetched", len(chunk))
                    try:
                        entries = [(line, self._fresh_payload(run, line)) for line in chunk]
                        results = self._process_payloads(run, entries)
                    except RUN_ERRORS as exc:
                        if not isinstance(exc, RunInterrupted):
                            chunk._schedule_next_retry(str(exc))
                        raise
                    for line, (_outcome, error) in zip(chunk, results, strict=True):
                        if error:
                            run.count("failed")
                            line._schedule_next_retry(run.error_text(error))
                        else:
                            line.write({"state": "resolved", "resolved_at": fields.Datetime.now()})
                if handled < len(group):
                    run.note(more_pending=True)
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
    def process_webhook_events(self, events, deadline=None):
        """Handle stored webhook events (pending ones), grouped per store and flow, in batches.

        Events of a flow switched off for their store are recorded as skipped.
        A group whose store and flow another run holds stays pending for the
        next processing run, and so do the events not reached before ``deadline``. The events
        of a store whose platform has no installed connector fail, each kept with its payload
        for retry. Whatever one event raises fails that event alone.

        :raise AccessError: when the caller may not process these events
        """
        events.check_access("write")
        deadline = deadline or self._default_deadline("webhook")
        events = events.filtered(lambda event: event.state == "pending")._skip_flows_off()
        for (store, flow), group in events.grouped(lambda event: (event.store_id, event.flow)).items():
            store = store.sudo().with_company(store.company_id)
            if deadline.expired():
                break
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
                handled = 0
                for chunk in deadline.batches(group):
                    self._process_events(run, chunk)
                    handled += len(chunk)
                if handled < len(group):
                    run.note(more_pending=True)
            if flow == "orders" and run.counts["created"]:
                store._check_order_volume()
        return events

    @api.model
    def _process_events(self, run, events):
        """Handle webhook events of one store and flow as one batch; each failure is that event's alone."""
        entries = []
        for event in events:
            run.count("fetched")
            try:
                entries.append((event, event._payload_for_processing(run.connector)))
            except RUN_ERRORS:
                raise  # this event and the rest stay pending
            except Exception as exc:
                self._event_failed(run, event, event._payload_dict(), exc)
        results = self._process_payloads(run, entries)
        for (event, payload), (_outcome, error) in zip(entries, results, strict=True):
            if error:
                self._event_failed(run, event, payload, error)
            else:
                event.write({"state": "done", "error": False, "processed_at": fields.Datetime.now()})

    @api.model
    def _event_failed(self, run, event, payload, error):
        """Fail a webhook event; its record is kept, with the payload, for retry."""
        run.keep_failed(event.external_id, payload, error)
        event.write({"state": "failed", "error": run.error_text(error), "processed_at": fields.Datetime.now()})
