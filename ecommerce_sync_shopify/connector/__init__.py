"""Shopify connector: pure Python, importable and testable without Odoo."""

from .catalog import ShopifyLocation, parse_inventory_level, parse_location, parse_product, parse_variant
from .client import ShopifyClient, next_page_url, parse_call_limit
from .connector import DEFAULT_API_VERSION, ShopifyConnector, base_url, build_client
from .orders import computed_total, parse_order
from .payments import parse_fulfillment, parse_transaction
from .payouts import parse_balance_transaction, parse_payout
from .refunds import infer_taxes_included, parse_refund

__all__ = [
    "DEFAULT_API_VERSION",
    "ShopifyClient",
    "ShopifyConnector",
    "ShopifyLocation",
    "base_url",
    "build_client",
    "computed_total",
    "infer_taxes_included",
    "next_page_url",
    "parse_balance_transaction",
    "parse_call_limit",
    "parse_fulfillment",
    "parse_inventory_level",
    "parse_location",
    "parse_order",
    "parse_payout",
    "parse_product",
    "parse_refund",
    "parse_transaction",
    "parse_variant",
]
