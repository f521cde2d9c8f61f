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
    RecordError,
    numeric_id,
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


def parse_location(data):
    data = unwrap(data, "location")
    if not isinstance(data, dict) or not data.get("id"):
        raise RecordError(f"location without id: {data!r:.200}")
    return ShopifyLocation(
        external_id=str(data["id"]),
        name=text(data.get("name")) or str(data["id"]),
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
        raise NotFoundError(f"{external_id!r} is not a Shopify product id", 404)
    product = client.get_json(f"products/{product_id}.json").get("product") or {}
    return product_record(product, inventory_items(client, item_ids([product])))


def item_ids(products):
    """The inventory item ids of the products' variants."""
    return [
        variant.get("inventory_item_id")
        for product in products
        for variant in product.get("variants") or []
        if variant.get("inventory_item_id")
    ]


def inventory_items(client, ids):
    """``{inventory item id: inventory item}`` of ``ids``."""
    found = {}
    for chunk in chunks(dict.fromkeys(str(item_id) for item_id in ids), INVENTORY_ITEM_IDS_PER_CALL):
        params = {"ids": ",".join(chunk), "limit": PAGE_SIZE}
        for items, _response in client.paginate("inventory_items.json", params, "inventory_items"):
            found.update({str(item.get("id")): item for item in items})
    return found


def product_record(product, items_by_id):
    """A product and the inventory items of its variants, as parsed by :func:`parse_product`."""
    items = [
        items_by_id[str(variant.get("inventory_item_id"))]
        for variant in product.get("variants") or []
        if str(variant.get("inventory_item_id")) in items_by_id
    ]
    payload = {"product": product, "inventory_items": items}
    return RawRecord(str(product.get("id", "")), payload, str(product.get("updated_at") or ""))


def fetch_locations(client):
    """Every location of the shop, as :class:`ShopifyLocation`."""
    body = client.get_json("locations.json")
    return [parse_location(item) for item in body.get("locations") or []]
