"""Shared helpers of the Stripe suites: fixtures, a connector on a sandbox, full pulls.

``SleepRecorder`` (time.sleep recording its waits) is the WooCommerce suites' own.
"""

import json

from conftest import FIXTURES
from woocommerce_support import SleepRecorder

from odoo.addons.ecommerce_sync_stripe.connector import StripeClient, StripeConnector

STRIPE_FIXTURES = FIXTURES / "real" / "stripe"
SECRET = "whsec_sandbox_endpoint_secret"


def fixture(name):
    return json.loads((STRIPE_FIXTURES / name).read_text())


def connector_for(sandbox_or_url, key=None, **config):
    """A StripeConnector on a sandbox (or a URL) whose client records its waits."""
    url = getattr(sandbox_or_url, "url", sandbox_or_url)
    key = key or getattr(sandbox_or_url, "secret_key", "sk_test_51ResponsesKey000000000000")
    settings = {"secret_key": key, "api_base": url, "local_test_account": True, "webhook_secret": SECRET, **config}
    client = StripeClient(
        key,
        api_base=url,
        local_test_account=True,
        sleep=SleepRecorder(),
        backoff=0.01,
        max_retries=config.get("max_retries", 4),
    )
    return StripeConnector(settings, client=client)


def pull(connector, flow, cursor=None):
    """Every page of one run: ``(records, items, last cursor, pages)``."""
    records, items, pages = [], [], []
    for page in connector.fetch(flow, cursor):
        pages.append(page)
        for item in page.items:
            items.append(item)
            records.extend(connector.parse(flow, item.payload))
        cursor = page.cursor
    return records, items, cursor, pages


def of_type(records, name):
    return [record for record in records if type(record).__name__ == name]
