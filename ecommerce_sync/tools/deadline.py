"""How long a unit of work may run: well inside the time limit Odoo runs it under."""

import time

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

#: a pause longer than this between two scheduled jobs means the worker slept (and told Odoo's
#: watchdog it is alive) in between
JOB_GAP = 2.0
#: when the worker's current run of back-to-back scheduled jobs started, and when its last job ended
_JOBS = {"started": None, "ended": None}


def job_started():
    """Note the start of a scheduled job (``ir.cron._process_job``)."""
    now = time.monotonic()
    if _JOBS["started"] is None or _JOBS["ended"] is None or now - _JOBS["ended"] > JOB_GAP:
        _JOBS["started"] = now
    _JOBS["ended"] = None


def job_ended():
    _JOBS["ended"] = time.monotonic()


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
    def for_request(cls, budget=None):
        """A share of the request limit (at most ``budget`` seconds when given)."""
        seconds = time_limit() * SHARE
        return cls(min(seconds, budget) if budget else seconds)

    @classmethod
    def for_cron(cls, env):
        """A share of the scheduled actions' limit, counted from the start of the worker's run of jobs.

        A cron worker runs every due job of a database, and every batch of a job that reports
        progress, one after the other under one time limit: a job counts its time from the first
        of them (outside a cron worker, from now).
        """
        seconds = time_limit(cron=True) * SHARE
        if not env.context.get("cron_id") or _JOBS["started"] is None:
            return cls(seconds)
        return cls(seconds, started=_JOBS["started"])

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
        before (at most ``largest``); the first one at ``pace`` (seconds an item took last time)
        when known, else ``first`` items. No slice is started that would not end in time: the
        caller compares what it handled with ``items`` to know.
        """
        position, per_item = 0, pace
        while position < len(items):
            if per_item is None:
                size = first
            else:
                size = largest if per_item <= 0 else int(self.remaining() / 2 / per_item)
                size = max(1, min(largest, size))
            started = self.clock()
            batch = items[position : position + size]
            yield batch
            position += len(batch)
            per_item = self.pace = (self.clock() - started) / len(batch)
            if position < len(items) and self.expired(reserve=per_item * min(size, len(items) - position)):
                return
