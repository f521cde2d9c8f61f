"""Shared helpers of the Shopify suites: real payloads, a running sandbox, a connector for it."""

import json
from decimal import Decimal

from conftest import FIXTURES

from odoo.addons.ecommerce_sync.connector import money_sum
from odoo.addons.ecommerce_sync_shopify.connector import ShopifyConnector, build_client
from odoo.addons.ecommerce_sync_shopify.sandbox import CostBudget, LeakyBucket, SandboxServer, SandboxShop, generate

REAL = FIXTURES / "real" / "shopify"
TOKEN = "shpat_test_token_0001"


def real(name):
    """A real Shopify payload from tests/fixtures/real/shopify/."""
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def presentment(obj, key):
    """The presentment amount of ``obj[key + "_set"]`` as a Decimal."""
    return Decimal(obj[f"{key}_set"]["presentment_money"]["amount"])


def computed_total(order):
    """What the canonical lines of an order add up to; equals ``order.total`` for a consistent order."""
    total = money_sum(line.subtotal for line in order.lines) + order.total_shipping
    if not order.taxes_included:
        total += order.lines_tax
    return total


class Sleeps(list):
    """Records the waits a client asks for instead of sleeping (tests never wait for real)."""

    def __call__(self, seconds):
        self.append(seconds)


def start_sandbox(seed=11, orders=60, bucket=None, webhooks=None):
    """A generated shop served on 127.0.0.1 (caller stops it)."""
    shop = SandboxShop(generate(seed=seed, orders=orders), webhooks=webhooks)
    budget = CostBudget(2000, 100_000.0)  # restored at once: tests never wait for Shopify's points
    return SandboxServer(shop, token=TOKEN, bucket=bucket or LeakyBucket(40, 2000.0), budget=budget).start()


def connector_for(server, sleeps=None, **config):
    """A Shopify connector pointed at ``server``, whose waits are recorded in ``sleeps``."""
    settings = {
        "shop_domain": server.shop.domain,
        "access_token": TOKEN,
        "api_base_url": server.url,
        "shop_currency": "USD",
        "webhook_secret": "whsec_sandbox",
        **config,
    }
    client = build_client(settings, sleep=sleeps if sleeps is not None else Sleeps())
    return ShopifyConnector(settings, client=client)


def pull(connector, flow, cursor=None):
    """``(raw records, pages)`` of one complete fetch."""
    records, pages = [], []
    for page in connector.fetch(flow, cursor):
        pages.append(page)
        records.extend(page.items)
    return records, pages
