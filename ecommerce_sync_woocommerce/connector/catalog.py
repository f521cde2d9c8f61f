"""WooCommerce products and variations -> canonical ProductVariant.

Simple products are one variant; a variable product is its variations, which
the connector fetches (``products/<id>/variations``) and attaches to the
product's payload under :data:`VARIATIONS_KEY` before parsing; grouped and
external products sell nothing themselves; trashed products are ignored.
"""

from odoo.addons.ecommerce_sync.connector import ProductVariant, RecordError, to_decimal

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
    return " - ".join(part for part in (base, options) if part) or f"Variation {variation.get('id')}"


def _tracked(item, parent=None):
    manage = item.get("manage_stock")
    if manage == "parent":
        return bool(parent.get("manage_stock") is True) if parent else True
    return manage is True


def _variant(item, product_id, name, parent=None):
    return ProductVariant(
        external_id=str(item["id"]),
        name=name,
        sku=str(item.get("sku") or "").strip(),
        barcode=str(item.get("global_unique_id") or "").strip(),
        product_external_id=str(product_id),
        price=to_decimal(item.get("price"), "price"),
        tracked=_tracked(item, parent),
        updated_at=gmt(item, "date_modified"),
    )


def parse_product(payload):
    """A product (or a variation read through ``products/<id>``) as sellable variants.

    :rtype: list[ProductVariant]
    """
    kind = payload.get("type") or "simple"
    if payload.get("status") == "trash" or kind in NOT_SOLD_TYPES:
        return []
    if kind == "variation":
        parent_id = payload.get("parent_id") or payload["id"]
        return [_variant(payload, parent_id, _variation_name(payload, None))]
    if kind == "variable":
        variations = payload.get(VARIATIONS_KEY)
        if variations is None:
            if payload.get("variations"):
                raise RecordError(f"variable product {payload['id']} came without its variations")
            variations = []
        return [
            _variant(variation, payload["id"], _variation_name(variation, payload), parent=payload)
            for variation in variations
            if variation.get("status") != "trash"
        ]
    return [_variant(payload, payload["id"], text(payload.get("name")) or f"Product {payload['id']}")]


def with_variations(client, payload):
    """A product payload with its variations attached, when it is a variable product."""
    if isinstance(payload, dict) and payload.get("type") == "variable" and "id" in payload:
        client.attach(payload, VARIATIONS_KEY, f"products/{payload['id']}/variations")
    return payload
