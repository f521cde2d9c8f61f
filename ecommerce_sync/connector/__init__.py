"""Platform-independent connector layer: importable and testable without Odoo."""

from . import balance, records
from .balance import (
    BALANCE_CATEGORIES,
    BalanceMovement,
    BalancePayout,
    Dispute,
    FailedPayment,
    FeeDetail,
    PaymentMatch,
    from_minor_units,
    matching_order,
    site_key,
)
from .base import (
    ConnectionInfo,
    Connector,
    Page,
    RawRecord,
    WebhookEvent,
    Window,
    get_connector_class,
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
from .ids import checked_event, describe, external_id, gid_id, numeric_id, optional_id, required_id, to_gid
from .payloads import object_list, require_object
from .records import *  # noqa: F403 (every canonical record and value helper, see records.__all__)
from .signatures import hmac_sha256_base64, hmac_sha256_hex, verify_base64_hmac
from .webhook_checks import MAX_WEBHOOK_NESTING, check_webhook_event, json_nesting, safe_id, safe_text

__all__ = [
    "BALANCE_CATEGORIES",
    "MAX_WEBHOOK_NESTING",
    "ApiError",
    "AuthenticationError",
    "BalanceMovement",
    "BalancePayout",
    "ConnectionInfo",
    "Connector",
    "ConnectorError",
    "Dispute",
    "FailedPayment",
    "FeeDetail",
    "HttpClient",
    "NotFoundError",
    "Page",
    "PaymentMatch",
    "RawRecord",
    "RecordError",
    "TransientError",
    "WebhookError",
    "WebhookEvent",
    "Window",
    "checked_event",
    "describe",
    "external_id",
    "from_minor_units",
    "check_webhook_event",
    "get_connector_class",
    "gid_id",
    "hmac_sha256_base64",
    "hmac_sha256_hex",
    "json_nesting",
    "matching_order",
    "numeric_id",
    "object_list",
    "optional_id",
    "parse_retry_after",
    "redact",
    "register_connector",
    "registered_platforms",
    "require_object",
    "required_id",
    "safe_id",
    "safe_text",
    "safe_url",
    "site_key",
    "to_gid",
    "verify_base64_hmac",
]
__all__ += records.__all__
