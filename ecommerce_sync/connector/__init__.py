"""Platform-independent connector layer: importable and testable without Odoo."""

from . import records
from .base import (
    ConnectionInfo,
    Connector,
    Page,
    RawRecord,
    WebhookEvent,
    get_connector_class,
    numeric_id,
    redact,
    register_connector,
    registered_platforms,
)
from .errors import (
    ApiError,
    AuthenticationError,
    ConnectorError,
    NotFoundError,
    RecordError,
    TransientError,
    WebhookError,
)
from .http import HttpClient, parse_retry_after, safe_url
from .records import *  # noqa: F403 (every canonical record and value helper, see records.__all__)
from .signatures import hmac_sha256_base64, hmac_sha256_hex, verify_base64_hmac

__all__ = [
    "ApiError",
    "AuthenticationError",
    "ConnectionInfo",
    "Connector",
    "ConnectorError",
    "HttpClient",
    "NotFoundError",
    "Page",
    "RawRecord",
    "RecordError",
    "TransientError",
    "WebhookError",
    "WebhookEvent",
    "get_connector_class",
    "hmac_sha256_base64",
    "hmac_sha256_hex",
    "numeric_id",
    "parse_retry_after",
    "redact",
    "register_connector",
    "registered_platforms",
    "safe_url",
    "verify_base64_hmac",
]
__all__ += records.__all__
