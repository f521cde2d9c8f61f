"""WooCommerce sandbox: pure Python, a local server seeded from a deterministic generator.

``data`` generates a seeded site (``data_sites``: the site profiles; ``data_money``), ``state``
holds it and its changes (``state_checkout``: orders placed as WooCommerce computes them),
``serializers`` writes WooCommerce's JSON, ``routes`` answers the ``wc/v3`` calls, ``server``
serves them, ``webhooks`` signs and posts deliveries, and ``merchant`` sets a merchant's Odoo up
for the site.
"""

from odoo.addons.ecommerce_sync.sandbox_support import Faults

from .data import CATALOGUE, Article, generate_site
from .data_sites import SITES, SiteProfile, TaxRate
from .serializers import wp_json_encode
from .server import DEFAULT_KEY, DEFAULT_SECRET, WooCommerceSandbox
from .state import SiteData
from .webhooks import wc_signature

__all__ = [
    "CATALOGUE",
    "DEFAULT_KEY",
    "DEFAULT_SECRET",
    "SITES",
    "Article",
    "Faults",
    "SiteData",
    "SiteProfile",
    "TaxRate",
    "WooCommerceSandbox",
    "generate_site",
    "wc_signature",
    "wp_json_encode",
]
