"""How long a unit of work may run: well inside the time limit Odoo runs it under."""

import threading
import time

import psutil

from odoo import http
from odoo.tools import config

#: the share of Odoo's time limit a unit of work gives itself; the rest covers the page under way,
#: the commit and the answer
SHARE = 0.5
#: the time limit assumed when Odoo runs without one (threaded server, tests)
UNLIMITED = 120
#: the budget of "Sync now" in the request, at most: the scheduled action carries on
REQUEST_BUDGET = 10

#: records handled together at first (until the time a record takes is known), and at most
FIRST_BATCH = 10
LARGEST_BATCH = 100

#: the longest a prefork cron worker sleeps between two runs of jobs (Odoo's ``SLEEP_INTERVAL`` and
#: its jitter): its watchdog counts that sleep too
CRON_SLEEP = 70
#: the current run of jobs of this worker: the cursor its jobs share, when the run started, and when
#: the last job before it ended
_JOBS = threading.local()


def job_started(cron_cr):
    """Note the start of a scheduled job (``ir.cron._process_job``) run with the worker's ``cron_cr``.

    The jobs a worker runs in one go (Odoo's ``_process_jobs``) share that cursor and one time limit.
    """
    if getattr(_JOBS, "cursor", None) is not cron_cr:
        _JOBS.cursor = cron_cr
        _JOBS.started = time.monotonic()
        _JOBS.after = getattr(_JOBS, "ended", None)


def job_ended():
    _JOBS.ended = time.monotonic()


def jobs_started():
    """When the time limit of the worker's run of jobs began to count (``time.monotonic()``), or None.

    A cron thread (threaded server) counts from the start Odoo noted on it. A prefork cron worker's
    watchdog counts from its last report, made after its previous run of jobs and before it slept:
    no earlier than the end of the last job before (or the worker's start), and no later than a full
    sleep before this run.
    """
    thread = threading.current_thread()
    thread_start = getattr(thread, "start_time", None)
    if thread_start and getattr(thread, "type", None) == "cron":
        return time.monotonic() - (time.time() - thread_start)
    started = getattr(_JOBS, "started", None)
    if started is None or not config.get("workers"):
        return started
    after = getattr(_JOBS, "after", None)
    if after is None:
        after = time.monotonic() - (time.time() - psutil.Process().create_time())
    return max(after, started - CRON_SLEEP)


def time_limit(cron=False):
    """The real-time limit (seconds) of Odoo's requests, or of its scheduled actions."""
    limit = config.get("limit_time_real") or 0
    if cron:
        cron_limit = config.get("limit_time_real_cron") or 0
        if cron_limit > 0:
            limit = cron_limit
    return limit if limit > 0 else UNLIMITED


class Deadline:
    """The moment a unit of work stops taking new pages.

    :param float seconds: the budget from now (or from ``started``)
    :param clock: the clock read (``time.monotonic``)
    """

    def __init__(self, seconds, started=None, clock=time.monotonic):
        self.clock = clock
        self.started = clock() if started is None else started
        self.seconds = seconds
        #: seconds a record took in the last of :meth:`batches` (None before)
        self.pace = None

    @classmethod
    def unbounded(cls):
        """No time limit: work called from code (a shell, a script, a test) runs under none."""
        return cls(float("inf"))

    @classmethod
    def for_caller(cls, budget=None):
        """:meth:`for_request` in an HTTP request, :meth:`unbounded` outside one (no limit applies there)."""
        return cls.for_request(budget) if http.request else cls.unbounded()

    @classmethod
    def for_request(cls, budget=None):
        """A share of the request limit (at most ``budget`` seconds when given)."""
        seconds = time_limit() * SHARE
        return cls(min(seconds, budget) if budget else seconds)

    @classmethod
    def for_cron(cls, env):
        """A share of the scheduled actions' limit, counted as Odoo counts it (see :func:`jobs_started`).

        A cron worker runs every due job of a database, and every batch of a job that reports
        progress, one after the other under one time limit: a job counts its time from the start of
        that run of jobs (outside a cron worker, from now). A job the worker runs again at once
        (triggered) is a new run, with a new limit.
        """
        seconds = time_limit(cron=True) * SHARE
        started = jobs_started() if env.context.get("cron_id") else None
        return cls(seconds) if started is None else cls(seconds, started=started)

    def elapsed(self):
        return self.clock() - self.started

    def remaining(self):
        return self.seconds - self.elapsed()

    def expired(self, reserve=0.0):
        """Whether the budget is spent, keeping ``reserve`` seconds (e.g. one more page's time)."""
        return self.remaining() <= reserve

    def batches(self, items, first=FIRST_BATCH, largest=LARGEST_BATCH, pace=None):
        """``items`` in consecutive slices, each sized to end well before the deadline.

        Each slice has as many items as half the time left allows at the pace of the slices
        before (at most ``largest``), never faster than ``pace`` (seconds an item took last time)
        when known; the first one ``first`` items when no pace is known. No slice is started that
        would not end in time: the caller compares what it handled with ``items`` to know.
        """
        position, per_item = 0, pace
        while position < len(items):
            if per_item is None:
                size = first
            else:
                size = largest if per_item <= 0 else int(min(largest, self.remaining() / 2 / per_item))
                size = max(1, size)
            started = self.clock()
            batch = items[position : position + size]
            yield batch
            position += len(batch)
            # never faster than the pace known before: records skipped (already booked) are quick
            per_item = self.pace = max((self.clock() - started) / len(batch), pace or 0)
            if position < len(items) and self.expired(reserve=per_item * min(size, len(items) - position)):
                return
