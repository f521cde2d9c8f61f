"""Shopify's REST rate limit: a leaky bucket per shop and app."""

import math
import threading
import time


class LeakyBucket:
    """``size`` calls fit in the bucket, which leaks ``leak_rate`` calls per second.

    Shopify standard shops: 40 and 2/s; Plus: 400 and 20/s. Tests use a
    faster leak so that a pull does not take minutes.
    """

    def __init__(self, size=40, leak_rate=2.0, clock=time.monotonic):
        self.size = size
        self.leak_rate = leak_rate
        self.clock = clock
        self.level = 0.0
        self.updated = clock()
        self.lock = threading.Lock()

    def _leak(self):
        now = self.clock()
        self.level = max(0.0, self.level - (now - self.updated) * self.leak_rate)
        self.updated = now

    def take(self):
        """Add one call: ``(allowed, used)``; a full bucket refuses the call."""
        with self.lock:
            self._leak()
            if self.level + 1 > self.size:
                return False, self.size
            self.level += 1
            return True, min(self.size, math.ceil(self.level))

    @property
    def retry_after(self):
        """Seconds until one call fits again."""
        return max(0.001, 1.0 / self.leak_rate)

    def header(self, used):
        return f"{used}/{self.size}"
