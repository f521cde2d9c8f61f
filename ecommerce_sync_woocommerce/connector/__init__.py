"""WooCommerce connector: pure Python, importable and testable without Odoo."""

from .client import CollectionPage, SiteUrlError, WooCommerceClient, check_site_url
from .connector import WooCommerceConnector, read_cursor, write_cursor
from .mapper import REFUNDS_KEY, VARIATIONS_KEY, parse_order, parse_product, parse_refund, stock_levels
