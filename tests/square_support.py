"""Shared helpers of the Square suites: real payloads, a running sandbox, a connector for it."""

import json

from conftest import FIXTURES

from odoo.addons.ecommerce_sync_square.connector import SquareConnector, build_client
from odoo.addons.ecommerce_sync_square.sandbox import (
    CLIENT_ID,
    CLIENT_SECRET,
    DEFAULT_TOKEN,
    REFRESH_TOKEN,
    SandboxSeller,
    SandboxServer,
    WebhookSender,
    generate,
)

REAL = FIXTURES / "real" / "square"
NOTIFICATION_URL = "https://odoo.example.com/ecommerce_sync/webhook/square/7"
SIGNATURE_KEY = "sandbox-signature-key-0001"


def real(name):
    """A real Square payload from tests/fixtures/real/square/."""
    return json.loads((REAL / name).read_text(encoding="utf-8"))


class Sleeps(list):
    """Records the waits a client asks for instead of sleeping (tests never wait for real)."""

    def __call__(self, seconds):
        self.append(seconds)


def start_sandbox(seed=7, orders=60, page_size=None):
    """A generated seller served on 127.0.0.1, its webhooks kept in ``server.seller.webhooks.sent``."""
    data = generate(seed=seed, orders=orders)
    sender = WebhookSender(NOTIFICATION_URL, SIGNATURE_KEY, data["merchant"]["id"])
    server = SandboxServer(SandboxSeller(data, webhooks=sender, seed=seed))
    server.max_page_size = page_size
    return server.start()


def connector_for(server, sleeps=None, **config):
    """A Square connector pointed at ``server``, whose waits are recorded in ``sleeps``."""
    settings = {
        "access_token": DEFAULT_TOKEN,
        "api_base_url": server.url,
        "local_test_account": True,
        "webhook_signature_key": SIGNATURE_KEY,
        "notification_url": NOTIFICATION_URL,
        **config,
    }
    client = build_client(settings, sleep=sleeps if sleeps is not None else Sleeps())
    return SquareConnector(settings, client=client)


def oauth_config():
    return {"refresh_token": REFRESH_TOKEN, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


def pull(connector, flow, cursor=None):
    """``(raw records, pages)`` of one complete fetch."""
    records, pages = [], []
    for page in connector.fetch(flow, cursor):
        pages.append(page)
        records.extend(page.items)
    return records, pages


def last_cursor(pages, previous=None):
    cursor = previous
    for page in pages:
        cursor = page.cursor or cursor
    return cursor
