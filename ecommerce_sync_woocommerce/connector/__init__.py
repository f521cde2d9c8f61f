"""WooCommerce connector: pure Python, importable and testable without Odoo."""

from .catalog import VARIATIONS_KEY, parse_product
from .client import SiteUrlError, WooCommerceClient, check_site_url
from .connector import WooCommerceConnector
from .orders import REFUNDS_KEY, parse_order
from .refunds import parse_refund
from .stock import stock_levels

__all__ = [
    "REFUNDS_KEY",
    "VARIATIONS_KEY",
    "SiteUrlError",
    "WooCommerceClient",
    "WooCommerceConnector",
    "check_site_url",
    "parse_order",
    "parse_product",
    "parse_refund",
    "stock_levels",
]
