"""Shared helpers of the WooCommerce suites: fixtures, a connector on a sandbox, tie-out checks."""

import copy
import json
from decimal import Decimal

from conftest import FIXTURES

from odoo.addons.ecommerce_sync.connector import HttpClient, money_sum
from odoo.addons.ecommerce_sync_woocommerce.connector import WooCommerceClient, WooCommerceConnector

WOO_FIXTURES = FIXTURES / "real" / "woocommerce"


#: keys present on one side only, as WooCommerce sends them
OPTIONAL_KEYS = {
    "tax_lines[]": {"rate_percent"},  # WooCommerce 3.7+
    "_links": {"customer"},  # orders of registered customers (the samples are guest orders)
}
#: keys renamed since the samples were written
RENAMED = {
    "refunds[]": {"refund": "reason"},  # WooCommerce 3.0's typo, "reason" since
}


def kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def compare_shapes(real, generated, path=""):
    """Differences between a real payload's keys/types and a generated one's (recursively)."""
    problems = []
    if isinstance(real, dict) and isinstance(generated, dict):
        renamed = RENAMED.get(path, {})
        real_keys = {renamed.get(key, key) for key in real}
        optional = OPTIONAL_KEYS.get(path, set())
        missing = real_keys - set(generated) - optional
        extra = set(generated) - real_keys - optional
        problems += [f"{path}.{key}: missing" for key in sorted(missing)]
        problems += [f"{path}.{key}: not in the real payload" for key in sorted(extra)]
        for key, value in real.items():
            key = renamed.get(key, key)
            if key in generated:
                problems += compare_shapes(value, generated[key], f"{path}.{key}" if path else key)
        return problems
    if isinstance(real, list) and isinstance(generated, list):
        if real and generated:
            for item in generated:
                problems += compare_shapes(real[0], item, f"{path}[]")
        return problems
    if "null" in (kind(real), kind(generated)):
        return problems
    if kind(real) != kind(generated):
        problems.append(f"{path}: {kind(real)} in the real payload, {kind(generated)} generated")
    return problems


def fixture(name):
    return json.loads((WOO_FIXTURES / name).read_text())


class SleepRecorder:
    """Stands in for time.sleep: records the waits instead of waiting."""

    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


def connector_for(site_url, key="ck_test", secret="cs_test", webhook_secret="whsec", local=True, sleep=None, **extra):
    """A WooCommerceConnector whose client records its waits (``connector.client.sleep.waits``)."""
    config = {
        "site_url": site_url,
        "consumer_key": key,
        "consumer_secret": secret,
        "local_test_site": local,
        "webhook_secret": webhook_secret,
        **extra,
    }
    client = WooCommerceClient(
        site_url,
        key,
        secret,
        allow_plain_http=local,
        query_string_auth=bool(extra.get("query_string_auth")),
        sleep=sleep or SleepRecorder(),
        max_retries=3,
        backoff=0.01,
    )
    assert isinstance(client, HttpClient)
    return WooCommerceConnector(config, client=client)


def sandbox_connector(sandbox, **kwargs):
    kwargs.setdefault("key", sandbox.consumer_key)
    kwargs.setdefault("secret", sandbox.consumer_secret)
    return connector_for(sandbox.url, **kwargs)


def assert_ties_out(order, payload, refunds=()):
    """The canonical order adds up to the WooCommerce order's totals, to the cent."""
    D = Decimal
    incl = bool(payload.get("prices_include_tax"))
    assert order.taxes_included is incl
    assert order.total == D(payload["total"])
    assert order.total_tax == D(payload["total_tax"])
    # the taxes carried by lines and shipping add up to the order's tax
    assert order.lines_tax == D(payload["total_tax"]), (order.external_id, order.lines_tax, payload["total_tax"])
    # lines (products and fees) + shipping (+ taxes when prices exclude them) = total
    lines = money_sum(line.subtotal for line in order.lines) + order.total_shipping
    if not incl:
        lines += order.lines_tax
    assert lines == order.total, (order.external_id, lines, order.total)
    discount = D(payload["discount_total"]) + (D(payload["discount_tax"]) if incl else 0)
    assert order.total_discount == discount, (order.external_id, order.total_discount, discount)
    assert money_sum(d.amount for d in order.discounts) == discount
    shipping = D(payload["shipping_total"]) + (D(payload["shipping_tax"]) if incl else 0)
    assert order.total_shipping == shipping
    fees = money_sum(D(fee["total"]) + (D(fee["total_tax"]) if incl else 0) for fee in payload.get("fee_lines") or [])
    assert money_sum(line.subtotal for line in order.lines if line.kind == "fee") == fees
    # order-level tax lines (items + shipping) add up too
    assert money_sum(tax.amount for tax in order.tax_lines) == D(payload["total_tax"])
    # refunds: what each canonical refund credits is what WooCommerce refunded
    by_id = {str(refund["id"]): refund for refund in refunds}
    assert {refund.external_id for refund in order.refunds} == set(by_id)
    for refund in order.refunds:
        assert refund.total == D(by_id[refund.external_id]["amount"])
        assert refund.refunded_amount == D(by_id[refund.external_id]["amount"])


def with_refunds(payload, refunds):
    from odoo.addons.ecommerce_sync_woocommerce.connector import REFUNDS_KEY

    payload = copy.deepcopy(payload)
    if payload.get("refunds"):
        payload[REFUNDS_KEY] = copy.deepcopy(refunds)
    return payload
