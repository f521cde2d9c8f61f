"""The sandbox HTTP server: a local PayPal REST API (OAuth, Transaction Search, balances, v2 objects).

Start it in a thread for tests (``with PayPalSandbox() as sandbox:``) or as
a process (``python -m odoo.addons.ecommerce_sync_paypal.sandbox``). Knobs,
changeable while it serves: :attr:`PayPalSandbox.faults` (latency, a share of
5xx, 5xx bursts, 429 storms), :meth:`PayPalSandbox.expire_tokens` (the next
call meets a 401), ``account.reporting_delay`` (Transaction Search lags),
``account.malformed`` (rows served with an unreadable amount), ``account.unlisted``
(rows Transaction Search leaves out, their money still in the balance).
"""

import threading

from odoo.addons.ecommerce_sync.sandbox_support import Faults, SandboxHttpServer

from .data import generate
from .routes import Router
from .webhooks import WebhookSender, signing_certificate

DEFAULT_CLIENT_ID = "AZsandbox-client-id-0123456789"
DEFAULT_SECRET = "EPsandbox-client-secret-0123456789"


class PayPalSandbox(SandboxHttpServer):
    """A PayPal business account on 127.0.0.1.

    :param account: a :class:`~.state.PayPalAccount` (generated from ``seed`` and ``days`` when None)
    """

    name = "paypal-sandbox"
    server_version = "nginx"
    methods = ("GET", "POST")

    def __init__(self, account=None, seed=1, days=14, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_SECRET,
                 host="127.0.0.1", port=0, token_lifetime=32400):  # fmt: skip
        super().__init__(host, port)
        self.account = account or generate(seed=seed, days=days)
        self.client_id, self.client_secret = client_id, client_secret
        self.token_lifetime = token_lifetime
        self.tokens = {}
        self.token_requests = 0
        self.faults = Faults(seed=seed)
        self.certificate = signing_certificate()
        self.lock = threading.Lock()
        #: every request: (method, path, query, status)
        self.requests = []
        self.router = Router(self)

    @property
    def cert_url(self):
        return f"{self.url}/v1/notifications/certs/{self.certificate.cert_id}"

    def deliver_to(self, url, webhook_id, enabled=True):
        """Deliver the account's events, signed, to ``url`` from now on; return the sender."""
        self.account.webhooks = WebhookSender(url, webhook_id, self.cert_url, self.certificate, enabled=enabled)
        return self.account.webhooks

    def expire_tokens(self):
        with self.lock:
            self.tokens.clear()

    def calls(self, path=""):
        return [entry for entry in list(self.requests) if entry[1].startswith(path)]

    def answer(self, request):
        answer = self.router.answer(request)
        with self.lock:
            self.requests.append((request.method, request.path, dict(request.query), answer.status))
        return answer
