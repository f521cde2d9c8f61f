"""PayPal connector: pure Python, importable and testable without Odoo."""

from .certificates import CertificateRefused, CertificateUndetermined
from .client import ENVIRONMENTS, PayPalClient, PayPalSettingsError, check_base, valid_id
from .codes import category
from .connector import PayPalConnector
from .cursors import SearchCursor, windows
from .orders import parse_payment_bundle
from .payouts import parse_dispute, parse_ledger, parse_transaction
from .refunds import parse_refund_bundle
from .webhooks import message as signed_message

__all__ = [
    "ENVIRONMENTS",
    "CertificateRefused",
    "CertificateUndetermined",
    "PayPalClient",
    "PayPalConnector",
    "PayPalSettingsError",
    "SearchCursor",
    "category",
    "check_base",
    "parse_dispute",
    "parse_ledger",
    "parse_payment_bundle",
    "parse_refund_bundle",
    "parse_transaction",
    "signed_message",
    "valid_id",
    "windows",
]
