"""Canonical records: what every connector turns platform payloads into.

These are plain dataclasses with no dependency on Odoo. Money is always a
:class:`~decimal.Decimal` and every amount lives next to an explicit currency
code (on the record itself or on the order it belongs to). The base addon's
builders only ever see these records, never a platform payload.

Sign conventions: amounts are positive as the customer sees them (a refund of
10.00 is ``Decimal("10.00")``); the record type says which way money moves.

One module per topic; every public name is importable from here:

* :mod:`.values`: ``to_decimal``, ``to_datetime``, ``money_sum``, ``ZERO``, ``CENT``, ``FLOWS``;
* :mod:`.orders`: ``Order`` and its parts;
* :mod:`.refunds`: ``Refund``, ``RefundLine``, ``RefundAdjustment``, ``REFUND_GAP_REASON``;
* :mod:`.money`: ``Transaction``, ``Payout``, ``PayoutLine``, ``Fee``;
* :mod:`.catalog`: ``ProductVariant``;
* :mod:`.stock`: ``StockLevel``, ``StockUpdate``, ``PushResult``.
"""

from .catalog import ProductVariant
from .money import Fee, Payout, PayoutLine, Transaction
from .orders import (
    Address,
    Customer,
    Discount,
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderLine,
    ShippingLine,
    TaxLine,
)
from .refunds import REFUND_GAP_REASON, Refund, RefundAdjustment, RefundLine
from .stock import PushResult, StockLevel, StockUpdate
from .values import CENT, FLOWS, ZERO, money_sum, to_datetime, to_decimal

__all__ = [
    "CENT",
    "FLOWS",
    "REFUND_GAP_REASON",
    "ZERO",
    "Address",
    "Customer",
    "Discount",
    "Fee",
    "Fulfillment",
    "FulfillmentLine",
    "Order",
    "OrderLine",
    "Payout",
    "PayoutLine",
    "ProductVariant",
    "PushResult",
    "Refund",
    "RefundAdjustment",
    "RefundLine",
    "ShippingLine",
    "StockLevel",
    "StockUpdate",
    "TaxLine",
    "Transaction",
    "money_sum",
    "to_datetime",
    "to_decimal",
]
