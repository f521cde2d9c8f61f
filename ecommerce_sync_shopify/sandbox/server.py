"""The sandbox HTTP server: a local Shopify Admin API, with rate limits and fault knobs.

Start it in a thread for tests (``with SandboxServer(shop) as server:``) or
as a process (``python -m ...sandbox``). Knobs, changeable while it runs:

* ``latency``: seconds added to every answer;
* ``error_rate``: share of calls answered 503 (the same draws every run);
* :meth:`fail_next`: the next N calls fail with a 5xx;
* :meth:`throttle_next`: the next N calls are refused with 429 and ``Retry-After``;
* the REST leaky bucket (``bucket``) answers 429 when the client exceeds it;
* :meth:`SandboxShop.corrupt_order` makes one record unreadable.
"""

from odoo.addons.ecommerce_sync.sandbox_support import Faults, SandboxHttpServer

from . import routes
from .routes import LeakyBucket
from .routes_graphql import CostBudget

DEFAULT_TOKEN = "shpat_sandbox_0123456789abcdef"


class SandboxServer(SandboxHttpServer):
    """Serves a :class:`~.state.SandboxShop` on ``host:port`` (port 0: any free port).

    :param str token: the Admin API access token it accepts
    :param LeakyBucket bucket: the REST rate limit (Shopify's 40 calls, 2/s by default)
    :param CostBudget budget: the GraphQL cost budget
    """

    name = "shopify-sandbox"

    def __init__(self, shop, host="127.0.0.1", port=0, token=DEFAULT_TOKEN, bucket=None, budget=None):
        super().__init__(host, port)
        self.shop = shop
        self.token = token
        self.bucket = bucket or LeakyBucket()
        self.budget = budget or CostBudget()
        self.faults = Faults(retry_after="2.0")
        #: every request: {"method", "resource", "query", "status", "body"}
        self.requests = []

    def api_url(self, version="2025-01"):
        return f"{self.url}/admin/api/{version}/"

    def answer(self, request):
        return routes.answer(self, request)

    # ------------------------------------------------------------------
    # knobs
    @property
    def latency(self):
        return self.faults.latency

    @latency.setter
    def latency(self, seconds):
        self.faults.latency = seconds

    @property
    def error_rate(self):
        return self.faults.error_rate

    @error_rate.setter
    def error_rate(self, share):
        self.faults.error_rate = share

    def fail_next(self, count, status=503):
        """The next ``count`` calls answer ``status`` (a 5xx burst)."""
        self.faults.fail(count, status)

    def throttle_next(self, count, retry_after=None):
        """The next ``count`` calls answer 429 with ``Retry-After`` (a 429 storm)."""
        self.faults.rate_limit(count, retry_after)

    def calls(self, resource=None, status=None):
        """How many requests were received (for a resource prefix, with a status)."""
        return sum(
            1
            for item in list(self.requests)
            if (resource is None or item["resource"].startswith(resource))
            and (status is None or item["status"] == status)
        )
