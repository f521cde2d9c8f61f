"""A local HTTP server speaking the WooCommerce REST API subset the connector uses (see ``routes``).

Faults (:class:`~odoo.addons.ecommerce_sync.sandbox_support.Faults`,
changeable while running): a share of 5xx answers (seeded, so
reproducible), latency, an explicit list of statuses for the next requests
(a 5xx burst), 429 answers with ``Retry-After``, and records served
malformed.

Webhooks: :meth:`WooCommerceSandbox.deliver` posts a resource to a URL the
way WooCommerce does; :meth:`~WooCommerceSandbox.deliver_ping` sends the
unsigned ping WooCommerce sends when a webhook is saved (see ``webhooks``).

Start it in a thread (``with WooCommerceSandbox() as sandbox: ...``) or as
a process (``python -m odoo.addons.ecommerce_sync_woocommerce.sandbox``).
"""

import threading
import time

from odoo.addons.ecommerce_sync.sandbox_support import Faults, SandboxHttpServer

from . import routes, webhooks
from .data import generate_site

DEFAULT_KEY = "ck_sandbox_0123456789abcdef0123456789abcdef01234567"
DEFAULT_SECRET = "cs_sandbox_76543210fedcba9876543210fedcba9876543210"


class WooCommerceSandbox(SandboxHttpServer):
    """A WooCommerce site on 127.0.0.1, generated from ``profile``, ``orders`` and ``seed`` (see ``data``).

    :param int port: 0 for any free port
    :param bool read_only: the keys only have Read permission (writes get 401)
    :param catalogue: :class:`~.data.Article` objects to sell instead of the default catalogue
    """

    name = "woocommerce-sandbox"
    server_version = "nginx"
    methods = ("GET", "POST", "PUT")

    def __init__(
        self,
        profile="us",
        orders=40,
        seed=7,
        consumer_key=DEFAULT_KEY,
        consumer_secret=DEFAULT_SECRET,
        host="127.0.0.1",
        port=0,
        faults=None,
        read_only=False,
        catalogue=None,
    ):
        super().__init__(host, port)
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.read_only = read_only
        self.faults = faults or Faults(seed=seed)
        self.lock = threading.RLock()
        #: the site's clock, against which OAuth timestamps are checked (Unix seconds)
        self.clock = time.time
        #: OAuth nonces already used, with their timestamps (forgotten after 15 minutes)
        self.nonces = {}
        #: every API request received: (method, path, query dict)
        self.requests = []
        #: every batch/PUT update received: (path, body)
        self.pushes = []
        self.site = generate_site(profile, orders=orders, seed=seed, site_url=self.url, catalogue=catalogue)

    def answer(self, request):
        return routes.answer(self, request)

    def api_requests(self, path_prefix=""):
        """The API requests received whose path starts with ``path_prefix`` (after ``/wp-json/wc/v3/``)."""
        return [entry for entry in self.requests if entry[1].startswith(path_prefix)]

    # ------------------------------------------------------------------
    # webhooks
    def deliver(self, url, topic, resource_id, secret, webhook_id=1, delivery_id=None, body=None):
        """POST a webhook as WooCommerce's ``WC_Webhook::deliver`` does.

        :param str topic: e.g. "order.updated"
        :param bytes body: send this raw body instead of the resource
        :return: ``(HTTP status, answer body bytes, delivery id)``
        """
        return webhooks.deliver(self, url, topic, resource_id, secret, webhook_id, delivery_id, body)

    def deliver_ping(self, url, webhook_id=1):
        """The unsigned ``webhook_id=<n>`` ping WooCommerce sends when a webhook is saved.

        :return: ``(HTTP status, answer body bytes)``
        """
        return webhooks.deliver_ping(url, webhook_id)
