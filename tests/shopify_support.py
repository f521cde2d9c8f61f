"""Shared helpers of the Shopify suites: real payloads, a running sandbox, a connector for it."""

import json
from decimal import Decimal

from conftest import FIXTURES

from odoo.addons.ecommerce_sync.connector import money_sum
from odoo.addons.ecommerce_sync_shopify.connector import ShopifyConnector, build_client
from odoo.addons.ecommerce_sync_shopify.sandbox import CostBudget, LeakyBucket, SandboxServer, SandboxShop, generate

REAL = FIXTURES / "real" / "shopify"
#: the payloads of Shopify's Python library and of its Node library's 2024-04 tests, read by test_shopify_real_extra.py
EXTRA_READ = {
    *(f"apijs_2024-04_order_test_{number}.json" for number in (5, 6, 13, 14, 16, 17, 18, 19, 20, 21, 22, 23, 24)),
    "apijs_2024-04_refund_test_2.json",
    "apijs_2024-04_refund_test_3.json",
    *(f"apijs_2024-04_transaction_test_{number}.json" for number in (2, 3, 4, 5, 6)),
    *(
        f"pyapi_{name}.json"
        for name in (
            "order",
            "orders",
            "payout",
            "payouts",
            "payouts_transactions",
            "refund",
            "transaction",
            "transactions",
        )
    ),
}
TOKEN = "shpat_test_token_0001"


def real(name):
    """A real Shopify payload from tests/fixtures/real/shopify/."""
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def json_type(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


#: gateway-specific free-form objects: their content is not a shape
FREE_FORM = ("receipt",)


def shape_problems(real_value, generated, path="$"):
    """Keys of the real payload missing from the generated one, and type differences (nulls aside)."""
    problems = []
    if real_value is None or generated is None:
        return problems
    if path.endswith(FREE_FORM):
        return [] if json_type(real_value) == json_type(generated) else [f"{path}: not an object"]
    if json_type(real_value) != json_type(generated):
        return [f"{path}: {json_type(real_value)} in Shopify, {json_type(generated)} generated"]
    if isinstance(real_value, dict):
        for key in real_value:
            if key not in generated:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += shape_problems(real_value[key], generated[key], f"{path}.{key}")
    elif isinstance(real_value, list) and real_value and generated:
        for item in generated:
            problems += shape_problems(real_value[0], item, f"{path}[]")
    return problems


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
