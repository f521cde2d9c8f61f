"""Square connector: pure Python, importable and testable without Odoo."""

from .catalog import parse_item, variation_summary
from .client import PRODUCTION_URL, SANDBOX_URL, SQUARE_VERSION, SquareClient, error_text
from .connector import SquareConnector, base_url, build_client
from .ids import is_valid_id, valid_id
from .money import exponent, from_minor, money, to_minor
from .orders import parse_order
from .payments import fee_id, parse_fees, parse_payment_transaction, parse_tender
from .payouts import parse_payout
from .stock import parse_count, parse_counts
from .webhooks import SIGNATURE_HEADER

__all__ = [
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "SIGNATURE_HEADER",
    "SQUARE_VERSION",
    "SquareClient",
    "SquareConnector",
    "base_url",
    "build_client",
    "error_text",
    "exponent",
    "fee_id",
    "from_minor",
    "is_valid_id",
    "money",
    "parse_count",
    "parse_counts",
    "parse_fees",
    "parse_item",
    "parse_order",
    "parse_payment_transaction",
    "parse_payout",
    "parse_tender",
    "to_minor",
    "valid_id",
    "variation_summary",
]
