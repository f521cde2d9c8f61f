"""Shopify products, variants, inventory items, inventory levels and locations."""

from dataclasses import dataclass

from odoo.addons.ecommerce_sync.connector import (
    ProductVariant,
    RecordError,
    StockLevel,
    to_datetime,
    to_decimal,
)

from .customers import text
from .orders import unwrap

DEFAULT_VARIANT_TITLE = "Default Title"


@dataclass
class ShopifyLocation:
    """A place where Shopify keeps stock (warehouse, shop, app-managed)."""

    external_id: str
    name: str
    active: bool = True
    country_code: str = ""
    city: str = ""


def variant_name(product, variant):
    title = text(product.get("title"))
    variant_title = text(variant.get("title"))
    if variant_title and variant_title != DEFAULT_VARIANT_TITLE:
        return f"{title} - {variant_title}" if title else variant_title
    return title or variant_title or f"Variant {variant.get('id')}"


def parse_product(payload, currency=""):
    """A product and its inventory items as one :class:`ProductVariant` per variant.

    :param payload: ``{"product": {...}, "inventory_items": [...]}`` as the
        connector fetches it, or a bare product (e.g. a webhook body): then
        the cost is unknown and tracking is read from the variant
    :param str currency: the shop currency (variant prices are in it)
    :rtype: list
    """
    product = unwrap(payload, "product")
    if not isinstance(product, dict) or not product.get("id"):
        raise RecordError(f"product without id: {payload!r:.200}")
    items = {str(item.get("id")): item for item in (payload.get("inventory_items") or []) if isinstance(item, dict)}
    variants = product.get("variants")
    if not isinstance(variants, list):
        raise RecordError(f"product {product['id']} has no variants list")
    return [
        parse_variant(variant, product, items.get(str(variant.get("inventory_item_id"))), currency)
        for variant in variants
    ]


def parse_variant(variant, product=None, item=None, currency=""):
    """One variant (with its product for the name, its inventory item for cost and tracking).

    :param dict item: the variant's inventory item, when fetched
    """
    variant = unwrap(variant, "variant")
    if not isinstance(variant, dict) or not variant.get("id"):
        raise RecordError(f"product {(product or {}).get('id')}: variant without id")
    product = product or {"id": variant.get("product_id"), "title": ""}
    item_id = str(variant["inventory_item_id"]) if variant.get("inventory_item_id") else ""
    if item is not None:
        tracked = bool(item.get("tracked"))
        cost = to_decimal(item["cost"], "inventory item cost") if item.get("cost") not in (None, "") else None
    else:
        tracked = variant.get("inventory_management") == "shopify"
        cost = None
    stamps = [to_datetime(variant.get("updated_at"), "variant updated_at")]
    if item is not None:
        stamps.append(to_datetime(item.get("updated_at"), "inventory item updated_at"))
    stamps = [stamp for stamp in stamps if stamp]
    return ProductVariant(
        external_id=str(variant["id"]),
        name=variant_name(product, variant),
        sku=text(variant.get("sku")) or text((item or {}).get("sku")),
        barcode=text(variant.get("barcode")),
        product_external_id=str(product.get("id") or variant.get("product_id") or ""),
        price=to_decimal(variant.get("price"), "variant price"),
        cost=cost,
        currency=currency,
        inventory_item_id=item_id,
        tracked=tracked,
        updated_at=max(stamps) if stamps else None,
    )


def parse_inventory_level(data, variant_index=None):
    """An inventory level (list answer, ``inventory_levels/update`` webhook) as a :class:`StockLevel`.

    Shopify levels name an inventory item, not a variant: the variant is filled
    in from ``variant_index`` (inventory item id -> (variant id, sku)) or from a
    ``variant_id`` the connector added; otherwise it stays empty and the item id
    identifies the stock.
    """
    data = unwrap(data, "inventory_level")
    if not isinstance(data, dict) or not data.get("inventory_item_id"):
        raise RecordError(f"inventory level without inventory_item_id: {data!r:.200}")
    item_id = str(data["inventory_item_id"])
    variant_id, sku = (variant_index or {}).get(item_id, (text(data.get("variant_id")), text(data.get("sku"))))
    available = data.get("available")
    return StockLevel(
        variant_external_id=variant_id,
        available=to_decimal(available if available is not None else 0, "available"),
        location_external_id=str(data["location_id"]) if data.get("location_id") else "",
        inventory_item_id=item_id,
        sku=sku,
    )


def parse_location(data):
    data = unwrap(data, "location")
    if not isinstance(data, dict) or not data.get("id"):
        raise RecordError(f"location without id: {data!r:.200}")
    return ShopifyLocation(
        external_id=str(data["id"]),
        name=text(data.get("name")) or str(data["id"]),
        active=bool(data.get("active", True)),
        country_code=text(data.get("country_code")),
        city=text(data.get("city")),
    )
