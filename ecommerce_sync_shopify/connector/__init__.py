"""Shopify connector: pure Python, importable and testable without Odoo."""

from .catalog import ShopifyLocation, parse_location, parse_product, parse_variant
from .client import DEFAULT_API_VERSION, ShopifyClient, base_url, build_client, parse_call_limit
from .connector import ShopifyConnector
from .orders import parse_fulfillment, parse_order
from .payouts import parse_balance_transaction, parse_payout
from .refunds import infer_taxes_included, parse_refund
from .stock import parse_inventory_level
from .transactions import parse_transaction

__all__ = [
    "DEFAULT_API_VERSION",
    "ShopifyClient",
    "ShopifyConnector",
    "ShopifyLocation",
    "base_url",
    "build_client",
    "infer_taxes_included",
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
