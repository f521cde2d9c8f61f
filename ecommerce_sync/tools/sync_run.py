"""The bookkeeping of one sync run: its log, its counts, its failures and how it ends."""

import json
import logging
import time

import psycopg2
import psycopg2.errors

from odoo import _, fields
from odoo.exceptions import UserError

from ..connector import AuthenticationError, ConnectorError, TransientError, redact

_logger = logging.getLogger(__name__)

#: characters of a failed record's payload shown to every user (the whole payload is for managers)
EXCERPT_LENGTH = 1500
#: what a run counts, written on its log as ``<count>_count``
COUNTS = ("fetched", "created", "updated", "skipped", "failed")


class RunAborted(Exception):
    """An error that concerns the whole run rather than one record: the run stops."""


class RunInterrupted(RunAborted):
    """The database broke the run's transaction (a serialization failure, a deadlock, an aborted
    transaction): the run ends and its records are left for the next run, none counted as failed."""


class RunPostponed(RunInterrupted):
    """Another transaction is booking some of the run's records right now: the run ends, and its
    records wait for the next run (the log says "skipped", with more pending)."""


def breaks_transaction(exc):
    """Whether ``exc`` means the database broke the run's transaction, so that what the run did is
    rolled back; a postponement, or any other error that stops a run, keeps what was booked."""
    return isinstance(exc, RunInterrupted) and not isinstance(exc, RunPostponed)


#: errors that stop a run wherever they are raised: refused credentials, a platform down, no connector
RUN_ERRORS = (RunAborted, AuthenticationError, TransientError)
#: database errors after which the transaction cannot go on (a concurrent run's write, a deadlock)
TRANSACTION_ERRORS = (psycopg2.errors.TransactionRollbackError, psycopg2.errors.InFailedSqlTransaction)


def decode_payload(payload):
    """A kept payload as it was received: JSON text decoded (also text encoded more than once)."""
    for _depth in range(3):
        if not isinstance(payload, str | bytes):
            return payload
        try:
            payload = json.loads(payload)
        except ValueError:
            return payload
    return payload


def encode_payload(payload):
    """The text a payload is kept as: JSON once, whatever form it comes in."""
    return json.dumps(decode_payload(payload), default=str)


class SyncRun:
    """One run of a store and a flow, kept in an ``ecommerce.sync.log``.

    Creating the run creates its log (state "running"). The run counts the
    outcomes of its records, keeps each failed record with its payload for
    retry, counts the connector's API calls from :meth:`connect` on, and
    :meth:`finish` closes the log: "done", "partial" when records failed,
    "failed" when an error stopped the run (:meth:`stop`), or "skipped"
    (:meth:`skip`).

    As a context manager it stops the run on the errors that concern the
    whole run (:data:`RUN_ERRORS` and any other :class:`ConnectorError`
    reaching it) and closes the log whatever happens::

        run = SyncRun(store, "orders", "cron")
        with run:
            connector = run.connect()
            ...
        return run.log

    :param store: ecommerce.store (as the caller works with it, usually sudo)
    :param str flow: the log's flow
    :param str trigger: "cron", "manual", "webhook" or "retry"
    :param str direction: "pull" (records read from the store) or "push"
    """

    def __init__(self, store, flow, trigger, direction="pull"):
        self.store = store
        self.env = store.env
        self.flow = flow
        self.trigger = trigger
        self.direction = direction
        self.log = self._create_log()
        self.counts = dict.fromkeys(COUNTS, 0)
        self.connector = None
        self.state = None
        self.message = None
        #: the database broke the run's transaction (``RunInterrupted``, not a postponement)
        self.interrupted = False
        self._values = {}
        self._started = time.monotonic()
        self._calls_before = 0
        self._finished = False

    def _create_log(self):
        return (
            self.env["ecommerce.sync.log"]
            .sudo()
            .create(
                {
                    "store_id": self.store.id,
                    "flow": self.flow,
                    "trigger": self.trigger,
                    "direction": self.direction,
                    "started_at": fields.Datetime.now(),
                }
            )
        )

    # ------------------------------------------------------------------
    def connect(self, connector=None):
        """The connector of the run (the store's own when None); API calls count from here.

        :raise RunAborted: when no installed addon provides the store's platform
        """
        try:
            self.connector = connector or self.store._get_connector()
        except UserError as exc:
            raise RunAborted(str(exc)) from exc
        self._calls_before = self.connector.api_calls
        return self.connector

    def count(self, outcome, number=1):
        """Count ``number`` records as ``outcome`` (one of :data:`COUNTS`)."""
        self.counts[outcome] += number

    def note(self, **values):
        """Values written on the log when it closes (pages, cursors, ...)."""
        self._values.update(values)

    def keep_failed(self, external_id, payload, exc):
        """Count a failed record and keep it, with its payload, for retry.

        :return: the failed line
        :rtype: ecommerce.sync.log.line
        """
        self.count("failed")
        _logger.info("Record %s of %s (%s) failed: %s", external_id, self.store.name, self.flow, exc)
        return (
            self.env["ecommerce.sync.log.line"]
            .sudo()
            .create(
                {
                    "log_id": self.log.id,
                    "external_id": str(external_id or ""),
                    "error": self.error_text(exc),
                    "payload_excerpt": redact(decode_payload(payload), limit=EXCERPT_LENGTH),
                    "payload": encode_payload(payload),
                }
            )
        )

    @staticmethod
    def error_text(exc):
        """What a user reads about a failure: the message of expected errors, the type of the others."""
        if isinstance(exc, ConnectorError | UserError):
            return str(exc)
        return f"{type(exc).__name__}: {exc}"

    def stop(self, exc):
        """Record the error that stops the run; refused credentials also put the store in error."""
        if isinstance(exc, RunInterrupted):
            self._recover_transaction()
        elif isinstance(exc, AuthenticationError):
            self.store._set_credentials_refused(exc)
        _logger.warning("Sync run of %s (%s, %s) stopped: %s", self.store.id, self.flow, self.direction, exc)
        if isinstance(exc, RunPostponed):
            self.note(more_pending=True)
        self.state = "skipped" if isinstance(exc, RunPostponed) else "failed"
        self.interrupted = breaks_transaction(exc)
        self.message = str(exc)

    def _recover_transaction(self):
        """After a database error, make sure the transaction can still take the log.

        A transaction PostgreSQL aborted is rolled back (what the run did is done again by the
        next run: its cursor did not move) and the run's log is made again.
        """
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute("SELECT 1")
        except psycopg2.Error:
            self.env.cr.rollback()
            self.env.invalidate_all()
            self.log = self._create_log()
            self.counts = dict.fromkeys(COUNTS, 0)
            self._values = {}

    def skip(self, message=None):
        """Close the log as skipped: another run holds this store and flow.

        :rtype: ecommerce.sync.log
        """
        self.state = "skipped"
        self.message = message or _("Another run of this store and flow is in progress; nothing was done.")
        return self.finish()

    def pending(self, message):
        """Close the log of a run that did nothing yet: its work waits for the next run (``more_pending``).

        :rtype: ecommerce.sync.log
        """
        self.note(more_pending=True)
        return self.finish(message)

    def finish(self, message=None):
        """Close the log with the counts, the API calls, the duration, the state and ``message``.

        :param str message: the log's message (the error that stopped the run by default)
        :rtype: ecommerce.sync.log
        """
        values = {
            **self._values,
            "ended_at": fields.Datetime.now(),
            "duration": time.monotonic() - self._started,
            "api_calls": (self.connector.api_calls - self._calls_before) if self.connector else 0,
            "state": self.state or ("partial" if self.counts["failed"] else "done"),
            **{f"{key}_count": value for key, value in self.counts.items()},
        }
        message = message or self.message
        if message:
            values["message"] = message
        self.log.write(values)
        self._finished = True
        return self.log

    # ------------------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc is not None and not isinstance(exc, RunAborted | ConnectorError):
            return False  # a defect: the caller's transaction is rolled back with the log
        if exc is not None:
            self.stop(exc)
        if not self._finished:
            self.finish()
        return True
