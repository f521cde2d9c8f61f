"""Stock levels read from a store and levels sent to it (``parse_stock`` and ``fetch_stock_levels``
give :class:`StockLevel` records; ``push_stock`` takes :class:`StockUpdate` and returns a :class:`PushResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class StockLevel:
    """What the store shows as available for one variant at one location."""

    variant_external_id: str
    available: Decimal
    location_external_id: str = ""
    inventory_item_id: str = ""
    sku: str = ""


@dataclass
class StockUpdate:
    """A level to set in the store (input of ``Connector.push_stock``)."""

    variant_external_id: str
    quantity: int
    location_external_id: str = ""
    inventory_item_id: str = ""
    product_external_id: str = ""
    sku: str = ""


@dataclass
class PushResult:
    """Outcome of a stock push: which updates the store took, which it refused."""

    accepted: list[StockUpdate] = field(default_factory=list)
    failed: list[tuple[StockUpdate, str]] = field(default_factory=list)
