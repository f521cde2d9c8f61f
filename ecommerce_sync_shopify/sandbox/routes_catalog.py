"""REST routes of the catalogue and the stock: products, variants, inventory items, locations and levels."""

from .routes_paging import ApiAnswer, filters_of, ids_of, listing, sort_of, window
from .state import UnknownObject


def list_products(request):
    filters = filters_of(request, ("ids", "updated_at_min", "updated_at_max", "order"))
    products = list(request.shop.products.values())
    if "ids" in filters:
        wanted = ids_of(filters["ids"])
        products = [product for product in products if product["id"] in wanted]
    products = window(products, filters, "updated_at")
    if "order" in filters:
        key, descending = sort_of(filters, "updated_at asc")
    else:
        key, descending = (lambda obj: [obj["id"]]), False
    return listing(request, "products", products, key, descending, filters)


def get_product(request, product_id):
    product = request.shop.products.get(int(product_id))
    if product is None:
        raise UnknownObject(product_id)
    return 200, {"product": product}, {}


def get_variant(request, variant_id):
    variant = request.shop.variants.get(int(variant_id))
    if variant is None:
        raise UnknownObject(variant_id)
    return 200, {"variant": variant}, {}


def list_items(request):
    filters = filters_of(request, ("ids",))
    if "ids" not in filters:
        raise ApiAnswer(422, {"ids": ["is required"]})
    wanted = ids_of(filters["ids"])
    if len(wanted) > 100:
        raise ApiAnswer(422, {"ids": ["at most 100 ids"]})
    items = [item for item_id, item in request.shop.items.items() if item_id in wanted]
    return listing(request, "inventory_items", items, lambda obj: [obj["id"]], False, filters)


def get_item(request, item_id):
    item = request.shop.items.get(int(item_id))
    if item is None:
        raise UnknownObject(item_id)
    return 200, {"inventory_item": item}, {}


def list_locations(request):
    return 200, {"locations": list(request.shop.locations.values())}, {}


def get_location(request, location_id):
    location = request.shop.locations.get(int(location_id))
    if location is None:
        raise UnknownObject(location_id)
    return 200, {"location": location}, {}


def level_key(level):
    return [level["inventory_item_id"], level["location_id"]]


def list_levels(request):
    filters = filters_of(request, ("inventory_item_ids", "location_ids", "updated_at_min"))
    if "inventory_item_ids" not in filters and "location_ids" not in filters:
        raise ApiAnswer(422, {"base": ["inventory_item_ids or location_ids is required"]})
    with request.shop.lock:
        levels = [dict(level) for level in request.shop.levels.values()]
    if "inventory_item_ids" in filters:
        items = ids_of(filters["inventory_item_ids"])
        if len(items) > 50:
            raise ApiAnswer(422, {"inventory_item_ids": ["at most 50 ids"]})
        levels = [level for level in levels if level["inventory_item_id"] in items]
    if "location_ids" in filters:
        locations = ids_of(filters["location_ids"])
        levels = [level for level in levels if level["location_id"] in locations]
    levels = window(levels, filters, "updated_at")
    return listing(request, "inventory_levels", levels, level_key, False, filters)


def set_level(request):
    body = request.body if isinstance(request.body, dict) else {}
    missing = [name for name in ("location_id", "inventory_item_id", "available") if body.get(name) is None]
    if missing:
        raise ApiAnswer(422, {name: ["is required"] for name in missing})
    try:
        level = request.shop.set_available(
            int(body["inventory_item_id"]), int(body["location_id"]), int(body["available"]), api="rest"
        )
    except UnknownObject as exc:
        raise ApiAnswer(422, {"base": [f"Inventory level cannot be set: unknown {exc.args[0]}"]}) from exc
    except (TypeError, ValueError) as exc:
        raise ApiAnswer(422, {"available": [str(exc)]}) from exc
    return 200, {"inventory_level": level}, {}
