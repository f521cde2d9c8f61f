"""WooCommerce products and variations -> canonical ProductVariant.

Simple products are one variant; a variable product is its variations, which
the connector fetches (``products/<id>/variations``) and attaches to the
product's payload under :data:`VARIATIONS_KEY` before parsing; grouped and
external products sell nothing themselves; trashed products are ignored.
"""

from odoo.addons.ecommerce_sync.connector import (
    ProductVariant,
    RecordError,
    numeric_id,
    object_list,
    optional_id,
    require_object,
    required_id,
    to_decimal,
)

from .payloads import gmt, text

#: key under which the connector attaches ``GET products/<id>/variations``
VARIATIONS_KEY = "variation_details"
#: product types that sell nothing themselves
NOT_SOLD_TYPES = ("grouped", "external")


def _variation_name(variation, parent):
    name = text(variation.get("name"))
    if name:
        return name
    options = ", ".join(
        text(attribute.get("option")) for attribute in variation.get("attributes") or [] if attribute.get("option")
    )
    base = text(parent.get("name")) if parent else ""
    return " - ".join(part for part in (base, options) if part) or f"Variation {numeric_id(variation.get('id'))}"


def _tracked(item, parent=None):
    manage = item.get("manage_stock")
    if manage == "parent":
        return bool(parent.get("manage_stock") is True) if parent else True
    return manage is True


def _variant(item, product_id, name, parent=None):
    return ProductVariant(
        external_id=required_id(item.get("id"), "variation id" if parent else "product id"),
        name=name,
        sku=str(item.get("sku") or "").strip(),
        barcode=str(item.get("global_unique_id") or "").strip(),
        product_external_id=product_id,
        price=to_decimal(item.get("price"), "price"),
        tracked=_tracked(item, parent),
        updated_at=gmt(item, "date_modified"),
    )


def parse_product(payload):
    """A product (or a variation read through ``products/<id>``) as sellable variants.

    :rtype: list[ProductVariant]
    """
    require_object(payload, "a WooCommerce product")
    kind = payload.get("type") or "simple"
    if payload.get("status") == "trash" or kind in NOT_SOLD_TYPES:
        return []
    product_id = required_id(payload.get("id"), "product id")
    if kind == "variation":
        parent_id = optional_id(payload.get("parent_id"), f"variation {product_id} parent_id") or product_id
        return [_variant(payload, parent_id, _variation_name(payload, None))]
    if kind == "variable":
        if payload.get(VARIATIONS_KEY) is None and payload.get("variations"):
            raise RecordError(f"variable product {product_id} came without its variations")
        variations = object_list(payload, VARIATIONS_KEY, f"variable product {product_id}")
        return [
            _variant(variation, product_id, _variation_name(variation, payload), parent=payload)
            for variation in variations
            if variation.get("status") != "trash"
        ]
    return [_variant(payload, product_id, text(payload.get("name")) or f"Product {product_id}")]


def with_variations(client, payload):
    """A product payload with its variations attached, when it is a variable product (with a WooCommerce id)."""
    product_id = numeric_id(payload.get("id")) if isinstance(payload, dict) else ""
    if product_id and payload.get("type") == "variable":
        client.attach(payload, VARIATIONS_KEY, f"products/{product_id}/variations")
    return payload
