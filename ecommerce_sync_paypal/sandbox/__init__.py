"""PayPal sandbox: pure Python, a local PayPal REST API over a seeded account history."""

from .data import CATALOGUE, StoreOrder, generate, paypal_paid_orders, seed_store_payments
from .server import DEFAULT_CLIENT_ID, DEFAULT_SECRET, PayPalSandbox
from .state import CHARGEBACK_FEE, FEE_RATE, FIXED_FEES, RATES, PayPalAccount
from .webhooks import SigningCertificate, WebhookSender, signed_text, signing_certificate

__all__ = [
    "CATALOGUE",
    "CHARGEBACK_FEE",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_SECRET",
    "FEE_RATE",
    "FIXED_FEES",
    "RATES",
    "PayPalAccount",
    "PayPalSandbox",
    "SigningCertificate",
    "StoreOrder",
    "WebhookSender",
    "generate",
    "paypal_paid_orders",
    "seed_store_payments",
    "signed_text",
    "signing_certificate",
]
