"""The connector contract and the registry of platforms.

A platform addon implements one :class:`Connector` subclass, decorates it
with :func:`register_connector`, and the base addon's engine drives it:

* :meth:`Connector.fetch` yields :class:`Page` objects of raw payloads from a
  cursor, for one flow ("orders", "refunds", "payouts", "products", "stock"),
  or (flows in ``window_flows``) the records created within a :class:`Window`;
* :meth:`Connector.parse` turns one raw payload into canonical records
  (:mod:`.records`), raising :class:`~.errors.RecordError` when it cannot;
* :meth:`Connector.push_stock` sends stock levels to the store;
* :meth:`Connector.verify_webhook` / :meth:`Connector.parse_webhook` check and
  read a webhook request.

Nothing here imports Odoo: connectors are tested on their own.
"""

import abc
import copy
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .errors import RecordError
from .ids import check_record_ids
from .records import FLOWS

_REGISTRY = {}

SECRET_KEY_PATTERN = re.compile(r"(token|secret|password|passwd|authorization|api_?key|signature)", re.I)
REDACTED = "***"


@dataclass
class RawRecord:
    """A payload as the platform sent it, with its identity."""

    external_id: str
    payload: dict
    revision: str = ""


@dataclass
class Page:
    """A batch of raw records and the cursor that is safe once all are handled.

    ``more`` says whether the platform has further pages after this one:
    False on the last page, None when the connector cannot tell.
    """

    items: list[RawRecord]
    cursor: str | None = None
    more: bool | None = None


@dataclass(frozen=True)
class Window:
    """The records created from ``start`` (inclusive; None: since the first) until ``end`` (exclusive).

    Both are aware UTC datetimes. A backfill cuts a store's history into windows, each listed
    on its own (:meth:`Connector.fetch` with ``window``), so that they can be worked in parallel.
    """

    start: datetime | None
    end: datetime

    def __post_init__(self):
        for moment in (self.start, self.end):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError("A window's bounds must be aware datetimes")
        if self.start is not None and self.start >= self.end:
            raise ValueError(f"A window must end after it starts ({self.start} >= {self.end})")

    def holds(self, moment):
        """Whether a record created at ``moment`` (aware datetime) belongs to this window."""
        return moment is not None and (self.start is None or moment >= self.start) and moment < self.end

    def floor(self, cursor):
        """Where listing starts: the window's start, or a later resume point ``cursor`` (aware datetime)."""
        if cursor is None:
            return self.start
        return cursor if self.start is None or cursor > self.start else self.start

    @classmethod
    def cut(cls, start, end, days):
        """``start`` .. ``end`` cut into windows of ``days`` days; a ``start`` of None opens the first one.

        :rtype: list[Window]
        """
        if days < 1:
            raise ValueError("A window spans one day at least")
        return cls.cut_hours(start, end, 24 * days)

    @classmethod
    def cut_hours(cls, start, end, hours):
        """``start`` .. ``end`` cut into windows of ``hours`` hours (see :meth:`cut`).

        :rtype: list[Window]
        """
        if hours < 1:
            raise ValueError("A window spans one hour at least")
        if start is None:
            return [cls(None, end)]
        windows = []
        while start < end:
            stop = min(start + timedelta(hours=hours), end)
            windows.append(cls(start, stop))
            start = stop
        return windows


@dataclass
class ConnectionInfo:
    """What "Test connection" shows: the shop's name, currency and details."""

    name: str
    currency: str = ""
    details: dict = field(default_factory=dict)


@dataclass
class WebhookEvent:
    """A verified webhook, ready to be stored and processed.

    ``flow`` is the flow whose records the payload holds ("" when there is
    nothing to process, e.g. a ping). ``delivery_id`` identifies the delivery
    for de-duplication; ``revision`` (e.g. the object's updated_at) lets two
    deliveries of the same object state be recognised as one.
    """

    delivery_id: str
    topic: str
    flow: str = ""
    external_id: str = ""
    revision: str = ""
    payload: dict | None = None
    #: the payload is partial: fetch the record from the store before parsing it
    refetch: bool = False

    @property
    def dedupe_key(self):
        if self.revision:
            return f"{self.delivery_id}@{self.revision}"
        return self.delivery_id


def register_connector(cls):
    """Class decorator: make ``cls`` the connector of ``cls.platform``."""
    if not cls.platform:
        raise ValueError(f"{cls.__name__} has no platform key")
    _REGISTRY[cls.platform] = cls
    return cls


def get_connector_class(platform):
    """The connector class registered for ``platform``.

    :raise KeyError: when no addon registered that platform
    """
    try:
        return _REGISTRY[platform]
    except KeyError:
        raise KeyError(f"No connector is registered for platform {platform!r}") from None


def registered_platforms():
    """``{platform key: label}`` of every registered connector."""
    return {key: cls.label or key for key, cls in sorted(_REGISTRY.items())}


def redact(payload, limit=None):
    """A deep copy of ``payload`` with secret-looking keys masked.

    :param limit: when given, the JSON-ish text is cut to that many characters
    """

    def walk(value):
        if isinstance(value, dict):
            return {
                key: (REDACTED if SECRET_KEY_PATTERN.search(str(key)) and item not in (None, "") else walk(item))
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    cleaned = walk(copy.deepcopy(payload))
    if limit is None:
        return cleaned
    text = repr(cleaned)
    return text[:limit] + ("..." if len(text) > limit else "")


class Connector(abc.ABC):
    """Base class of platform connectors.

    :param dict config: platform settings and credentials, as the store's
        ``_connector_config()`` gives them
    :param client: an :class:`~.http.HttpClient`; connectors build their own
        when None
    """

    platform = ""
    label = ""
    #: flows this connector can pull, in the order the engine should run them
    flows = ()
    #: flows whose records it can list by creation date, a :class:`Window` at a time (backfills)
    window_flows = ()
    #: how many stock updates one push call can carry
    push_batch_size = 1
    #: a payment platform: its records are movements of a balance it holds (``balance.py``), and its
    #: charges may pay the orders of other stores (the store's linked stores)
    holds_balance = False
    #: the payment method codes other stores' checkouts give this platform's payments (a web shop's
    #: gateway id): the linked stores' payments through them go to this store's clearing journal
    gateway_codes = ()

    def __init__(self, config, client=None):
        self.config = dict(config or {})
        self.client = client if client is not None else self.make_client()

    # ------------------------------------------------------------------
    # connection
    def make_client(self):
        """Build the HTTP client with the platform's base URL and auth."""
        raise NotImplementedError(f"{type(self).__name__} must build its HTTP client")

    @property
    def api_calls(self):
        return self.client.calls if self.client is not None else 0

    @abc.abstractmethod
    def test_connection(self):
        """Read the shop and return a :class:`ConnectionInfo`.

        :raise AuthenticationError: when the credentials are refused
        """

    # ------------------------------------------------------------------
    # pull
    def fetch(self, flow, cursor=None, window=None):
        """Yield :class:`Page` objects of ``flow`` records changed since ``cursor``.

        With a :class:`Window`: the records created within it, oldest first, each page's cursor
        the creation stamp (UTC ISO) of its newest record; ``cursor`` is then such a stamp, from
        which listing resumes (the records created at it come again). Dispatches to
        ``fetch_<flow>(cursor)``, or ``fetch_<flow>(cursor, window=window)``.

        :raise NotImplementedError: when the connector does not pull ``flow`` (by window)
        """
        if flow not in FLOWS:
            raise ValueError(f"Unknown flow {flow!r}")
        method = getattr(self, f"fetch_{flow}", None)
        if method is None or flow not in self.flows:
            raise NotImplementedError(f"{self.label or self.platform} does not pull {flow}")
        if window is None:
            return method(cursor)
        if flow not in self.window_flows:
            raise NotImplementedError(f"{self.label or self.platform} cannot list {flow} by creation date")
        return method(cursor, window=window)

    def cursor_at(self, flow, moment):
        """The cursor of ``flow`` that pulls what changed from ``moment`` (aware datetime) on.

        A backfill moves a store's cursor past the windows it finished with it. Connectors
        whose cursors are not ISO timestamps override it.
        """
        return moment.isoformat()

    def parse(self, flow, payload):
        """Turn one raw payload of ``flow`` into a list of canonical records.

        Dispatches to ``parse_<flow>``; any unexpected error becomes a
        :class:`RecordError` so that the engine logs it against the record,
        and so does a record holding an id the engine could not safely keep
        (see :func:`~.ids.check_record_ids`).
        """
        method = getattr(self, f"parse_{flow}", None)
        if method is None:
            raise RecordError(f"{self.label or self.platform} cannot read {flow} payloads")
        try:
            records = method(payload)
        except RecordError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise RecordError(f"malformed {flow} payload: {type(exc).__name__}: {exc}") from exc
        records = records if isinstance(records, list) else [records]
        check_record_ids(records)
        return records

    def fetch_record(self, flow, external_id):
        """Fetch one object again (webhooks with partial payloads, retries).

        :rtype: RawRecord
        """
        raise NotImplementedError(f"{self.label or self.platform} cannot fetch single {flow} records")

    def fetch_direct_sale(self, payment_id):
        """A payment platform's payment as a sale of its own, whatever order of another store it names.

        For a payment a user confirmed belongs to no other store's order (see the link by hand of
        a payment in review): the :class:`~.records.Order` the orders flow would give it if it
        named none.

        :raise NotImplementedError: when the platform has no sales of its own
        """
        raise NotImplementedError(f"{self.label or self.platform} has no sales of its own")

    # ------------------------------------------------------------------
    # stock
    @abc.abstractmethod
    def push_stock(self, updates):
        """Set the store's available quantity for each update.

        :param list updates: :class:`~.records.StockUpdate`, at most
            ``push_batch_size`` of them
        :rtype: ~.records.PushResult
        """

    @abc.abstractmethod
    def fetch_stock_levels(self, variant_external_ids=None):
        """Yield the store's :class:`~.records.StockLevel` for the variants given (all when None)."""

    # ------------------------------------------------------------------
    # webhooks
    @abc.abstractmethod
    def verify_webhook(self, headers, body):
        """True when the request carries a valid signature for this store.

        :param headers: case-insensitive mapping of request headers
        :param bytes body: the raw body
        """

    @abc.abstractmethod
    def parse_webhook(self, headers, body):
        """Read a verified webhook into a :class:`WebhookEvent`.

        :raise WebhookError: when the request cannot be understood
        """

    @staticmethod
    def header(headers, name):
        """Read a header from a plain dict or a case-insensitive mapping."""
        if headers is None:
            return ""
        value = headers.get(name)
        if value is None and isinstance(headers, dict):
            lowered = name.lower()
            for key, item in headers.items():
                if key.lower() == lowered:
                    return item
        return value or ""
