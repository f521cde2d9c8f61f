"""Shared helpers of the PayPal suites: fixtures, a connector on a sandbox, full pulls.

``SleepRecorder`` (time.sleep recording its waits) is the WooCommerce suites' own; ``pull`` and
``of_type`` are the Stripe suites'.
"""

import json

from conftest import FIXTURES
from stripe_support import of_type, pull
from woocommerce_support import SleepRecorder

from odoo.addons.ecommerce_sync_paypal.connector import PayPalClient, PayPalConnector
from odoo.addons.ecommerce_sync_paypal.connector import client as paypal_client

PAYPAL_FIXTURES = FIXTURES / "real" / "paypal"
WEBHOOK_ID = "1JE4291016473214C"

__all__ = ["WEBHOOK_ID", "connector_for", "fixture", "forget_tokens", "of_type", "pull"]


def fixture(name):
    return json.loads((PAYPAL_FIXTURES / name).read_text())


def forget_tokens():
    paypal_client._tokens.clear()


def connector_for(sandbox_or_url, client_id=None, secret=None, **config):
    """A PayPalConnector on a sandbox (or a URL) whose client records its waits."""
    url = getattr(sandbox_or_url, "url", sandbox_or_url)
    client_id = client_id or getattr(sandbox_or_url, "client_id", "AZresponses-client-id-0000")
    secret = secret or getattr(sandbox_or_url, "client_secret", "EPresponses-secret-0000")
    settings = {
        "client_id": client_id,
        "client_secret": secret,
        "environment": "sandbox",
        "api_base": url,
        "local_test_account": True,
        "webhook_id": WEBHOOK_ID,
        **config,
    }
    client = PayPalClient(
        client_id,
        secret,
        environment="sandbox",
        api_base=url,
        local_test_account=True,
        sleep=SleepRecorder(),
        backoff=0.01,
        max_retries=config.get("max_retries", 4),
    )
    return PayPalConnector(settings, client=client)
