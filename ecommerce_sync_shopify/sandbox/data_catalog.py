"""The sandbox shop's catalogue: products, variants, inventory items, locations and levels."""

from decimal import Decimal

from .data_money import cents, fmt, stamp

#: (title, product type, vendor, option name, option values, USD price, SKU prefix, grams)
FAMILIES = (
    ("Merino Crew Sweater", "Apparel", "Northwind Knits", "Size", ("S", "M", "L", "XL"), "89.00", "MCS", 420),
    ("Organic Cotton Tee", "Apparel", "Northwind Knits", "Size", ("S", "M", "L"), "29.00", "OCT", 180),
    ("Trail Running Shoe", "Footwear", "Ridgeline", "Size", ("40", "41", "42", "43", "44"), "129.00", "TRS", 640),
    ("Ceramic Pour-Over Set", "Kitchen", "Kiln & Co", "Colour", ("White", "Sand"), "54.00", "CPO", 900),
    ("Insulated Bottle 750 ml", "Outdoor", "Ridgeline", "Colour", ("Steel", "Forest", "Ocean"), "32.00", "IBT", 350),
    ("Leather Card Wallet", "Accessories", "Atelier Brun", "Colour", ("Black", "Tan"), "45.00", "LCW", 60),
    ("Wool Beanie", "Accessories", "Northwind Knits", "Colour", ("Charcoal", "Mustard"), "24.00", "WBN", 90),
    ("Canvas Weekender Bag", "Bags", "Atelier Brun", "Colour", ("Olive", "Navy"), "149.00", "CWB", 1300),
    ("Bamboo Cutting Board", "Kitchen", "Kiln & Co", "Title", ("Default Title",), "38.00", "BCB", 1100),
    ("Scented Soy Candle", "Home", "Lumen", "Scent", ("Cedar", "Fig", "Sea Salt"), "22.00", "SSC", 310),
    ("Linen Throw Blanket", "Home", "Lumen", "Colour", ("Oat", "Slate"), "98.00", "LTB", 1250),
)
GIFT_CARD = ("Gift Card", "Gift Cards", "Sandbox Outfitters", "Denomination", ("25.00", "50.00", "100.00"))
CREATED = "2024-11-04T09:00:00-05:00"


def edited(position):
    """When product number ``position`` was last edited (one minute apart, so cursors move)."""
    return f"2024-11-05T09:{position % 60:02d}:00-05:00"


def ean13(number):
    """A valid EAN-13 barcode from a 12-digit number."""
    digits = f"{number:012d}"[-12:]
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def make_locations(ids):
    rows = (
        ("Main Warehouse", "1 Logistics Way", "Louisville", "40202", "Kentucky", "KY", True),
        ("SoHo Store", "120 Prince Street", "New York", "10012", "New York", "NY", True),
        ("Old Pop-up (closed)", "5 Pier Road", "Boston", "02110", "Massachusetts", "MA", False),
    )
    locations = []
    for name, address1, city, zip_code, province, province_code, active in rows:
        location_id = ids.next("location")
        locations.append(
            {
                "id": location_id,
                "name": name,
                "address1": address1,
                "address2": None,
                "city": city,
                "zip": zip_code,
                "province": province,
                "country": "US",
                "phone": None,
                "created_at": CREATED,
                "updated_at": CREATED,
                "country_code": "US",
                "country_name": "United States",
                "province_code": province_code,
                "legacy": False,
                "active": active,
                "admin_graphql_api_id": f"gid://shopify/Location/{location_id}",
            }
        )
    return locations


def _variant(ids, product_id, position, sku, price, option, grams, tracked, requires_shipping, taxable, updated):
    variant_id, item_id = ids.next("variant"), ids.next("inventory_item")
    return {
        "id": variant_id,
        "product_id": product_id,
        "title": option,
        "price": price,
        "position": position,
        "inventory_policy": "deny",
        "compare_at_price": None,
        "option1": option,
        "option2": None,
        "option3": None,
        "created_at": CREATED,
        "updated_at": updated,
        "taxable": taxable,
        "barcode": ean13(variant_id) if tracked else None,
        "fulfillment_service": "manual",
        "grams": grams,
        "inventory_management": "shopify" if tracked else None,
        "requires_shipping": requires_shipping,
        "sku": sku,
        "weight": round(grams / 1000, 2),
        "weight_unit": "kg",
        "inventory_item_id": item_id,
        "inventory_quantity": 0,
        "old_inventory_quantity": 0,
        "presentment_prices": [{"price": {"amount": price, "currency_code": "USD"}, "compare_at_price": None}],
        "admin_graphql_api_id": f"gid://shopify/ProductVariant/{variant_id}",
        "image_id": None,
        "tax_code": None,
    }


def _inventory_item(variant, cost, tracked):
    return {
        "id": variant["inventory_item_id"],
        "sku": variant["sku"],
        "created_at": CREATED,
        "updated_at": CREATED,
        "requires_shipping": variant["requires_shipping"],
        "cost": fmt(cost) if cost is not None else None,
        "country_code_of_origin": "PT" if tracked else None,
        "province_code_of_origin": None,
        "harmonized_system_code": "611030" if tracked else None,
        "tracked": tracked,
        "country_harmonized_system_codes": [],
        "admin_graphql_api_id": f"gid://shopify/InventoryItem/{variant['inventory_item_id']}",
    }


def _product(ids, title, product_type, vendor, option_name, values, handle, variants, updated):
    product_id = variants[0]["product_id"]
    image_id = ids.next("image")
    image = {
        "id": image_id,
        "alt": title,
        "position": 1,
        "product_id": product_id,
        "created_at": CREATED,
        "updated_at": CREATED,
        "admin_graphql_api_id": f"gid://shopify/MediaImage/{image_id}",
        "width": 1200,
        "height": 1200,
        "src": f"https://cdn.shopify.com/s/files/1/0000/0001/products/{handle}.jpg",
        "variant_ids": [],
    }
    return {
        "id": product_id,
        "title": title,
        "body_html": f"<p>{title} by {vendor}.</p>",
        "vendor": vendor,
        "product_type": product_type,
        "created_at": CREATED,
        "handle": handle,
        "updated_at": updated,
        "published_at": CREATED,
        "template_suffix": None,
        "published_scope": "global",
        "tags": product_type,
        "status": "active",
        "admin_graphql_api_id": f"gid://shopify/Product/{product_id}",
        "variants": variants,
        "options": [
            {
                "id": ids.next("option"),
                "product_id": product_id,
                "name": option_name,
                "position": 1,
                "values": list(values),
            }
        ],
        "images": [image],
        "image": image,
    }


def make_catalog(rng, ids):
    """Products (with variants) and their inventory items; the last product sells gift cards."""
    products, items = [], {}
    for number, (title, product_type, vendor, option_name, values, price, prefix, grams) in enumerate(FAMILIES):
        product_id = ids.next("product")
        updated = edited(number)
        variants = []
        for position, value in enumerate(values, start=1):
            suffix = "" if value == "Default Title" else "-" + value.upper().replace(" ", "")[:4]
            sku = f"{prefix}{suffix}"
            variant = _variant(ids, product_id, position, sku, price, value, grams, True, True, True, updated)
            variants.append(variant)
            cost = cents(Decimal(price) * Decimal(rng.randint(32, 48)) / 100)
            items[variant["inventory_item_id"]] = _inventory_item(variant, cost, True)
        handle = title.lower().replace(" ", "-")
        products.append(_product(ids, title, product_type, vendor, option_name, values, handle, variants, updated))
    title, product_type, vendor, option_name, values = GIFT_CARD
    updated = edited(len(FAMILIES))
    product_id = ids.next("product")
    variants = []
    for position, value in enumerate(values, start=1):
        variant = _variant(
            ids, product_id, position, f"GIFT-{value[:-3]}", value, value, 0, False, False, False, updated
        )
        variants.append(variant)
        items[variant["inventory_item_id"]] = _inventory_item(variant, None, False)
    products.append(_product(ids, title, product_type, vendor, option_name, values, "gift-card", variants, updated))
    return products, items


def make_levels(rng, items, locations, moment):
    """Available quantities of every tracked item at every active location."""
    levels = {}
    for item_id, item in items.items():
        if not item["tracked"]:
            continue
        for location in locations:
            if not location["active"]:
                continue
            levels[(item_id, location["id"])] = {
                "inventory_item_id": item_id,
                "location_id": location["id"],
                "available": rng.randint(0, 60),
                "updated_at": stamp(moment),
                "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{location['id']}?inventory_item_id={item_id}",
            }
    return levels


def is_gift_card(product):
    return product["product_type"] == "Gift Cards"
