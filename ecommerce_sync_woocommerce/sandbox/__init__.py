"""WooCommerce sandbox: pure Python, a local server seeded from a deterministic generator."""

from .generator import CATALOGUE, SITES, Article, SiteData, SiteProfile, TaxRate, generate_site
from .server import DEFAULT_KEY, DEFAULT_SECRET, Faults, WooCommerceSandbox, wc_signature, wp_json_encode
