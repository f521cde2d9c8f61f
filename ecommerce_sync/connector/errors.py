"""Exceptions raised by connectors, shared by every platform."""


class ConnectorError(Exception):
    """Base class of every error a connector raises on purpose."""


class RecordError(ConnectorError):
    """A payload could not be turned into a canonical record (malformed or incomplete)."""


class ApiError(ConnectorError):
    """The platform answered with an error that retrying will not fix.

    :param int status: HTTP status code (0 when no response was received)
    :param str message: human readable explanation, free of secrets
    """

    def __init__(self, message, status=0):
        super().__init__(message)
        self.status = status


class AuthenticationError(ApiError):
    """The credentials were refused (HTTP 401/403): the store needs attention."""


class NotFoundError(ApiError):
    """The requested object does not exist on the platform (HTTP 404)."""


class TransientError(ApiError):
    """Retries were exhausted on timeouts, 5xx answers or rate limiting."""


class WebhookError(ConnectorError):
    """A webhook request could not be understood (after its signature was checked)."""
