"""Square catalog items -> canonical ProductVariant, and the variation index of orders and stock.

An ITEM (``GET /v2/catalog/list?types=ITEM``) holds its ``item_data.variations``
(ITEM_VARIATION objects): the variation is what is sold and counted, with its
``sku``, ``upc``, ``price_money`` and ``track_inventory``, which a
``location_overrides`` entry can change per location.
"""

from odoo.addons.ecommerce_sync.connector import ProductVariant, RecordError, to_datetime

from .ids import valid_id
from .money import money, money_currency


def tracked_at(variation_data, location_ids):
    """Whether the variation's stock is tracked at any of ``location_ids`` (all locations when empty)."""
    base = bool(variation_data.get("track_inventory"))
    overrides = {
        str(item.get("location_id")): item
        for item in variation_data.get("location_overrides") or []
        if isinstance(item, dict) and item.get("location_id")
    }
    if not location_ids:
        return base or any(item.get("track_inventory") for item in overrides.values())
    for location_id in location_ids:
        override = overrides.get(location_id) or {}
        if override.get("track_inventory", base):
            return True
    return False


def variation_summary(obj):
    """``{"sku", "upc", "item_id", "name"}`` of an ITEM_VARIATION object (for order lines and counts)."""
    data = obj.get("item_variation_data") or {}
    return {
        "sku": str(data.get("sku") or ""),
        "upc": str(data.get("upc") or ""),
        "item_id": str(data.get("item_id") or ""),
        "name": str(data.get("name") or ""),
    }


def parse_item(item, location_ids=()):
    """One ITEM catalog object -> its variations as canonical ProductVariants."""
    if not isinstance(item, dict) or item.get("type") != "ITEM":
        raise RecordError(f"not a catalog ITEM: {str(item)[:80]}")
    item_id = valid_id(item.get("id"), "catalog item id")
    data = item.get("item_data") or {}
    item_name = str(data.get("name") or item_id)
    item_updated = to_datetime(item.get("updated_at"), "item updated_at")
    variants = []
    for variation in data.get("variations") or []:
        if not isinstance(variation, dict) or variation.get("is_deleted"):
            continue
        variation_id = valid_id(variation.get("id"), f"item {item_id} variation id")
        vdata = variation.get("item_variation_data") or {}
        price = vdata.get("price_money")
        updated = to_datetime(variation.get("updated_at"), "variation updated_at") or item_updated
        name = item_name
        if vdata.get("name") and vdata["name"] != "Regular":
            name = f"{item_name} ({vdata['name']})"
        variants.append(
            ProductVariant(
                external_id=variation_id,
                name=name,
                sku=str(vdata.get("sku") or ""),
                barcode=str(vdata.get("upc") or ""),
                product_external_id=item_id,
                price=money(price, f"variation {variation_id} price") if price else money(None),
                currency=money_currency(price),
                tracked=tracked_at(vdata, location_ids),
                updated_at=max(stamp for stamp in (updated, item_updated) if stamp)
                if (updated or item_updated)
                else None,
            )
        )
    return variants
