"""What a store sells (``parse_products`` returns :class:`ProductVariant` records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .values import ZERO


@dataclass
class ProductVariant:
    external_id: str
    name: str
    sku: str = ""
    barcode: str = ""
    product_external_id: str = ""
    price: Decimal = ZERO
    cost: Decimal | None = None
    currency: str = ""
    inventory_item_id: str = ""
    tracked: bool = True
    updated_at: datetime | None = None

    @property
    def revision(self):
        return self.updated_at.isoformat() if self.updated_at else ""
