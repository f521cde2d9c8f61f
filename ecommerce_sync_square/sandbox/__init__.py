"""A local Square API for tests and demos: a generated seller served over HTTP."""

from .data import generate
from .server import CLIENT_ID, CLIENT_SECRET, DEFAULT_TOKEN, REFRESH_TOKEN, SandboxServer
from .state import SandboxSeller
from .webhooks import WebhookSender, sign

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "DEFAULT_TOKEN",
    "REFRESH_TOKEN",
    "SandboxSeller",
    "SandboxServer",
    "WebhookSender",
    "generate",
    "sign",
]
