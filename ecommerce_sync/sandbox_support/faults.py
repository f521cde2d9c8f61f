"""What goes wrong in a sandbox, on purpose: latency, a share of 5xx, 5xx bursts, 429 storms, bad records."""

import random
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Faults:
    """The fault knobs of a sandbox; every field can be changed while it serves.

    The sandbox asks :meth:`next_fault` for each API request and answers the
    status it gets in the platform's error shape.
    """

    #: share (0..1) of API requests answered 503, drawn from a generator seeded with ``seed``
    error_rate: float = 0.0
    #: seconds added before every API answer
    latency: float = 0.0
    #: statuses answered to the next API requests, one each (e.g. ``[503, 503]``: a 5xx burst)
    fail_next: list = field(default_factory=list)
    #: the next N API requests are answered 429 (a rate-limit storm)
    rate_limit_next: int = 0
    #: the ``Retry-After`` of those 429 answers
    retry_after: str = "1"
    #: ids of records served with an unreadable amount
    malformed: set = field(default_factory=set)
    seed: int = 0

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def next_fault(self):
        """Wait ``latency``, then tell the status the next API request gets on purpose, or None.

        A pending 429 comes first, then a pending failure, then the ``error_rate`` draw
        (made only for requests that meet no pending fault, so a seed gives the same draws).
        """
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            if self.rate_limit_next > 0:
                self.rate_limit_next -= 1
                return 429
            if self.fail_next:
                return self.fail_next.pop(0)
            if self.error_rate and self.rng.random() < self.error_rate:
                return 503
        return None

    def fail(self, count, status=503):
        """The next ``count`` API requests answer ``status`` (a 5xx burst)."""
        with self._lock:
            self.fail_next.extend([status] * count)

    def rate_limit(self, count, retry_after=None):
        """The next ``count`` API requests answer 429 with ``Retry-After`` (a 429 storm)."""
        with self._lock:
            self.rate_limit_next += count
            if retry_after is not None:
                self.retry_after = str(retry_after)
