"""A local Shopify Admin API for tests, benchmarks and the demo (pure Python, standard library only)."""

from .bucket import LeakyBucket
from .generator import ShopData, generate
from .graphql import CostBudget
from .server import DEFAULT_TOKEN, SandboxServer
from .shop import SandboxShop, UnknownObject
from .webhooks import WebhookSender, sign

__all__ = [
    "DEFAULT_TOKEN",
    "CostBudget",
    "LeakyBucket",
    "SandboxServer",
    "SandboxShop",
    "ShopData",
    "UnknownObject",
    "WebhookSender",
    "generate",
    "sign",
]
