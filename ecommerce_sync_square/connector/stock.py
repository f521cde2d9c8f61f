"""Square inventory: counts read per location, and physical counts pushed in batches.

* ``POST /v2/inventory/counts/batch-retrieve`` reads the IN_STOCK quantity of
  variations per location (cursor in the body, 1000 counts a page).
* ``POST /v2/inventory/changes/batch-create`` sets levels with
  PHYSICAL_COUNT changes, at most 100 a call, each call with its own
  idempotency key (a retried call sends the same key, so Square applies it once).
"""

import uuid
from datetime import datetime, timezone

from odoo.addons.ecommerce_sync.connector import (
    ApiError,
    AuthenticationError,
    RecordError,
    StockLevel,
    TransientError,
    to_decimal,
)

from .ids import is_valid_id, valid_id

#: Square's limit of changes per BatchChangeInventory call
CHANGES_PER_CALL = 100
COUNTS_PAGE_SIZE = 1000
IN_STOCK = "IN_STOCK"


def parse_count(count, index=None):
    """One InventoryCount -> canonical StockLevel (``index``: variation id -> summary, for the SKU)."""
    if not isinstance(count, dict):
        raise RecordError(f"inventory count is not an object: {count!r:.80}")
    variation_id = valid_id(count.get("catalog_object_id"), "inventory count variation")
    location_id = valid_id(count.get("location_id"), "inventory count location")
    summary = (index or {}).get(variation_id) or {}
    return StockLevel(
        variant_external_id=variation_id,
        available=to_decimal(count.get("quantity"), "inventory quantity"),
        location_external_id=location_id,
        sku=summary.get("sku", ""),
    )


def parse_counts(payload, index=None):
    """A count, or ``{"inventory_counts": [...]}`` (webhook) -> IN_STOCK StockLevels."""
    counts = (
        payload.get("inventory_counts") if isinstance(payload, dict) and "inventory_counts" in payload else [payload]
    )
    return [
        parse_count(count, index)
        for count in counts
        if not isinstance(count, dict) or count.get("state", IN_STOCK) == IN_STOCK
    ]


def count_pages(client, location_id, variation_ids=None, updated_after=None, cursor=None):
    """Yield ``(counts, body)`` of the IN_STOCK InventoryCount pages of one location (from ``cursor``)."""
    request = {"location_ids": [location_id], "states": [IN_STOCK], "limit": COUNTS_PAGE_SIZE}
    if variation_ids is not None:
        request["catalog_object_ids"] = list(variation_ids)
    if updated_after:
        request["updated_after"] = updated_after
    if cursor:
        request["cursor"] = cursor
    return client.paginate_post("/v2/inventory/counts/batch-retrieve", request, "counts")


def read_counts(client, location_ids, variation_ids=None, updated_after=None):
    """Yield the IN_STOCK InventoryCount objects of ``location_ids``, one location at a time."""
    for location_id in location_ids:
        for counts, _body in count_pages(client, location_id, variation_ids, updated_after):
            yield from counts


def check_update(update, default_location=None):
    """A message when the update cannot be sent to Square ("" when it can).

    :param str default_location: the location of updates that name none
    """
    if not is_valid_id(str(update.variant_external_id or "")):
        return f"not a Square variation id: {str(update.variant_external_id)[:40]!r}"
    if not is_valid_id(str(update.location_external_id or default_location or "")):
        return "no Square location to receive the level"
    if int(update.quantity) < 0:
        return f"Square counts cannot be negative ({update.quantity})"
    return ""


def physical_count(update, occurred_at, default_location=None):
    location_id = update.location_external_id or default_location
    return {
        "type": "PHYSICAL_COUNT",
        "physical_count": {
            "reference_id": f"odoo-{update.variant_external_id}-{location_id}"[:255],
            "catalog_object_id": update.variant_external_id,
            "state": IN_STOCK,
            "location_id": location_id,
            "quantity": str(int(update.quantity)),
            "occurred_at": occurred_at,
        },
    }


def push_counts(client, updates, now=None, default_location=None):
    """Send ``updates`` as physical counts (at ``default_location`` when they name none); return
    ``(accepted, failed)``.

    A batch Square refuses (HTTP 4xx) fails as a whole with Square's message;
    authentication failures and exhausted retries stop the push.
    """
    accepted, failed = [], []
    occurred_at = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for start in range(0, len(updates), CHANGES_PER_CALL):
        batch = updates[start : start + CHANGES_PER_CALL]
        request = {
            "idempotency_key": str(uuid.uuid4()),
            "changes": [physical_count(update, occurred_at, default_location) for update in batch],
            "ignore_unchanged_counts": True,
        }
        try:
            client.post_json("/v2/inventory/changes/batch-create", request)
        except (AuthenticationError, TransientError):
            raise
        except ApiError as exc:
            failed.extend((update, str(exc)) for update in batch)
            continue
        accepted.extend(batch)
    return accepted, failed
