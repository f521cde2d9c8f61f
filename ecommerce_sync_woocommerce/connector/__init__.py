"""WooCommerce connector: pure Python, importable and testable without Odoo."""

from .catalog import VARIATIONS_KEY, parse_product
from .client import CollectionPage, SiteUrlError, WooCommerceClient, check_site_url, read_cursor, write_cursor
from .connector import WooCommerceConnector
from .orders import REFUNDS_KEY, parse_order
from .refunds import parse_refund
from .stock import stock_levels

__all__ = [
    "REFUNDS_KEY",
    "VARIATIONS_KEY",
    "CollectionPage",
    "SiteUrlError",
    "WooCommerceClient",
    "WooCommerceConnector",
    "check_site_url",
    "parse_order",
    "parse_product",
    "parse_refund",
    "read_cursor",
    "stock_levels",
    "write_cursor",
]
