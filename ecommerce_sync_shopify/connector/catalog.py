"""Shopify products, variants, inventory items and locations -> canonical ProductVariant.

A product is read with the inventory items of its variants (SKU, cost,
tracking), one call per :data:`INVENTORY_ITEM_IDS_PER_CALL` items of a page.
"""

from dataclasses import dataclass

from odoo.addons.ecommerce_sync.connector import (
    NotFoundError,
    Page,
    ProductVariant,
    RawRecord,
    describe,
    numeric_id,
    object_list,
    optional_id,
    require_object,
    required_id,
    to_datetime,
    to_decimal,
)

from .client import PAGE_SIZE, chunks
from .payloads import text, unwrap

DEFAULT_VARIANT_TITLE = "Default Title"
#: Shopify's limit on ids per inventory items call
INVENTORY_ITEM_IDS_PER_CALL = 100


@dataclass
class ShopifyLocation:
    """A place where Shopify keeps stock (warehouse, shop, app-managed)."""

    external_id: str
    name: str
    active: bool = True


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
    product = require_object(unwrap(payload, "product"), "a Shopify product")
    product_id = required_id(product.get("id"), "product id")
    what = f"product {product_id}"
    listed = object_list(payload, "inventory_items", what) if payload is not product else []
    items = {numeric_id(item.get("id")): item for item in listed if numeric_id(item.get("id"))}
    variants = object_list(product, "variants", what, required=True)
    return [
        parse_variant(variant, product, items.get(numeric_id(variant.get("inventory_item_id"))), currency)
        for variant in variants
    ]


def parse_variant(variant, product=None, item=None, currency=""):
    """One variant (with its product for the name, its inventory item for cost and tracking).

    :param dict item: the variant's inventory item, when fetched
    """
    variant = require_object(unwrap(variant, "variant"), "a Shopify variant")
    variant_id = required_id(variant.get("id"), "variant id")
    product = product or {"id": variant.get("product_id"), "title": ""}
    item_id = optional_id(variant.get("inventory_item_id"), f"variant {variant_id} inventory_item_id")
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
        external_id=variant_id,
        name=variant_name(product, variant),
        sku=text(variant.get("sku")) or text((item or {}).get("sku")),
        barcode=text(variant.get("barcode")),
        product_external_id=optional_id(
            product.get("id") or variant.get("product_id"), f"variant {variant_id} product_id"
        ),
        price=to_decimal(variant.get("price"), "variant price"),
        cost=cost,
        currency=currency,
        inventory_item_id=item_id,
        tracked=tracked,
        updated_at=max(stamps) if stamps else None,
    )


def parse_location(data):
    data = require_object(unwrap(data, "location"), "a Shopify location")
    location_id = required_id(data.get("id"), "location id")
    return ShopifyLocation(
        external_id=location_id,
        name=text(data.get("name")) or location_id,
        active=bool(data.get("active", True)),
    )


# ----------------------------------------------------------------------
# reading products
def fetch_products(client, cursor, page_size=PAGE_SIZE):
    """Yield :class:`Page` objects of the products changed since ``cursor``, each with its inventory items."""
    params = {"limit": page_size, "order": "updated_at asc"}
    for products, page_cursor in client.changed("products.json", "products", cursor, params):
        items_by_id = inventory_items(client, item_ids(products))
        yield Page([product_record(product, items_by_id) for product in products], cursor=page_cursor)


def fetch_product(client, external_id):
    """One product with its inventory items, as a :class:`RawRecord`."""
    product_id = numeric_id(external_id)
    if not product_id:
        raise NotFoundError(f"{describe(external_id)} is not a Shopify product id", 404)
    product = client.get_object(f"products/{product_id}.json", "product")
    return product_record(product, inventory_items(client, item_ids([product])))


def item_ids(products):
    """The inventory item ids of the products' variants."""
    return [
        numeric_id(variant.get("inventory_item_id"))
        for product in products
        if isinstance(product, dict)
        for variant in item_variants(product)
        if numeric_id(variant.get("inventory_item_id"))
    ]


def inventory_items(client, ids):
    """``{inventory item id: inventory item}`` of ``ids``."""
    found = {}
    wanted = dict.fromkeys(numeric_id(item_id) for item_id in ids if numeric_id(item_id))
    for chunk in chunks(wanted, INVENTORY_ITEM_IDS_PER_CALL):
        params = {"ids": ",".join(chunk), "limit": PAGE_SIZE}
        for items, _response in client.paginate("inventory_items.json", params, "inventory_items"):
            found.update({numeric_id(item.get("id")): item for item in items if isinstance(item, dict)})
    return found


def product_record(product, items_by_id):
    """A product and the inventory items of its variants, as parsed by :func:`parse_product`."""
    if not isinstance(product, dict):
        return RawRecord("", product, "")
    items = [
        items_by_id[item_id]
        for item_id in (numeric_id(variant.get("inventory_item_id")) for variant in item_variants(product))
        if item_id in items_by_id
    ]
    payload = {"product": product, "inventory_items": items}
    return RawRecord(numeric_id(product.get("id")), payload, str(product.get("updated_at") or ""))


def item_variants(product):
    """The variants of a product that are objects."""
    variants = product.get("variants")
    return [variant for variant in variants if isinstance(variant, dict)] if isinstance(variants, list) else []


def fetch_locations(client):
    """Every location of the shop, as :class:`ShopifyLocation`."""
    locations = []
    for batch, _response in client.paginate("locations.json", {}, "locations"):
        locations.extend(parse_location(item) for item in batch)
    return locations
