"""Stripe sandbox: pure Python, a local ``/v1`` API over a seeded account history."""

from .data import (
    CATALOGUE,
    StoreOrder,
    StoreRefund,
    card_paid_orders,
    charge_of,
    checkout_session,
    generate,
    seed_store_charges,
    seed_store_refunds,
)
from .server import DEFAULT_KEY, Faults, StripeSandbox
from .state import API_VERSION, StripeAccount, UnknownObject
from .webhooks import WebhookSender, signature_header

__all__ = [
    "API_VERSION",
    "CATALOGUE",
    "DEFAULT_KEY",
    "Faults",
    "StoreOrder",
    "StoreRefund",
    "StripeAccount",
    "StripeSandbox",
    "UnknownObject",
    "WebhookSender",
    "card_paid_orders",
    "charge_of",
    "checkout_session",
    "generate",
    "seed_store_charges",
    "seed_store_refunds",
    "signature_header",
]
