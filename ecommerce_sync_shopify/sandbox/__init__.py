"""A local Shopify Admin API for tests, benchmarks and the demo (pure Python, standard library only).

``data`` generates a seeded shop (``data_*``: catalogue, people, orders, payments, fulfilments,
payouts), ``state`` holds it and its changes, ``serializers`` writes Shopify's JSON, ``routes``
(``routes_*``) answers the REST and GraphQL calls, ``server`` serves them, ``webhooks`` signs and
posts deliveries, and ``merchant`` sets a merchant's Odoo up for the shop.
"""

from .data import ShopData, generate
from .routes import LeakyBucket
from .routes_graphql import CostBudget
from .server import DEFAULT_TOKEN, SandboxServer
from .state import SandboxShop, UnknownObject
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
