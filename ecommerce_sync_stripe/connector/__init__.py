"""Stripe connector: pure Python, importable and testable without Odoo."""

from .client import (
    DEFAULT_API_BASE,
    DEFAULT_API_VERSION,
    PermissionRefused,
    StripeClient,
    StripeSettingsError,
    check_api_base,
    encode_params,
    key_mode,
    valid_id,
)
from .connector import StripeConnector
from .cursors import FlowCursor
from .orders import parse_order_bundle
from .payouts import parse_balance_transaction, parse_dispute, parse_payout
from .refunds import parse_refund_bundle
from .webhooks import SIGNATURE_HEADER, parse_signature, sign

__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_API_VERSION",
    "SIGNATURE_HEADER",
    "FlowCursor",
    "PermissionRefused",
    "StripeClient",
    "StripeConnector",
    "StripeSettingsError",
    "check_api_base",
    "encode_params",
    "key_mode",
    "parse_balance_transaction",
    "parse_dispute",
    "parse_order_bundle",
    "parse_payout",
    "parse_refund_bundle",
    "parse_signature",
    "sign",
    "valid_id",
]
