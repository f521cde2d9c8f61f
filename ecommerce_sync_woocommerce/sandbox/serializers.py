"""Objects of the sandbox site as WooCommerce's JSON: products, variations, orders, views, indexes.

Bodies are encoded as WordPress's ``wp_json_encode`` writes them (compact,
``\\/`` and ``\\uXXXX`` escapes): webhook signatures are over those bytes.
"""

import copy
import hashlib
import json

from .data_sites import STREETS, WC_VERSION, WP_VERSION


class ApiAnswer(Exception):
    """An error answer with WooCommerce's body shape."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.body = {"code": code, "message": message, "data": {"status": status}}


def wp_json_encode(value):
    """JSON as WordPress's ``wp_json_encode`` writes it: compact, ``\\/`` and ``\\uXXXX`` escapes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


def links(path, up=None, customer=None, site="https://example.com"):
    links = {
        "self": [{"href": f"{site}/wp-json/wc/v3/{path}"}],
        "collection": [{"href": f"{site}/wp-json/wc/v3/{path.rsplit('/', 1)[0]}"}],
    }
    if customer:
        links["customer"] = [{"href": f"{site}/wp-json/wc/v3/customers/{customer}"}]
    if up:
        links["up"] = [{"href": f"{site}/wp-json/wc/v3/{up}"}]
    return links


def public(line):
    """An order line without the checkout's private keys."""
    return {key: value for key, value in line.items() if not key.startswith("_")}


def product_payload(site, product_id, sku, name, price, tax_class, variable, attributes, created):
    slug = name.lower().replace(" ", "-").replace("(", "").replace(")", "")
    product = {
        "id": product_id,
        "name": name,
        "slug": slug,
        "permalink": f"{site.site_url}/product/{slug}/",
    }
    site._dates(product, "date_created", created)
    site._dates(product, "date_modified", created)
    product.update(
        type="variable" if variable else "simple",
        status="publish",
        featured=False,
        catalog_visibility="visible",
        description=f"<p>{name}.</p>\n",
        short_description="",
        sku=sku,
        price=price,
        regular_price="" if variable else price,
        sale_price="",
        date_on_sale_from=None,
        date_on_sale_from_gmt=None,
        date_on_sale_to=None,
        date_on_sale_to_gmt=None,
        price_html="",
        on_sale=False,
        purchasable=True,
        total_sales=0,
        virtual=False,
        downloadable=False,
        downloads=[],
        download_limit=-1,
        download_expiry=-1,
        external_url="",
        button_text="",
        tax_status="taxable",
        tax_class=tax_class,
        manage_stock=False,
        stock_quantity=None,
        stock_status="instock",
        backorders="no",
        backorders_allowed=False,
        backordered=False,
        sold_individually=False,
        weight="",
        dimensions={"length": "", "width": "", "height": ""},
        shipping_required=True,
        shipping_taxable=True,
        shipping_class="",
        shipping_class_id=0,
        reviews_allowed=True,
        average_rating="0.00",
        rating_count=0,
        related_ids=[],
        upsell_ids=[],
        cross_sell_ids=[],
        parent_id=0,
        purchase_note="",
        categories=[
            {"id": 9, "name": "Clothing" if variable else "Goods", "slug": "clothing" if variable else "goods"}
        ],
        tags=[],
        images=[],
        attributes=[
            {
                "id": index + 1,
                "name": attribute,
                "position": index,
                "visible": True,
                "variation": True,
                "options": list(options),
            }
            for index, (attribute, options) in enumerate(attributes)
        ],
        default_attributes=[],
        variations=[],
        grouped_products=[],
        menu_order=0,
        meta_data=[],
        _links=links(f"products/{product_id}", site=site.site_url),
    )
    return product


def variation_payload(site, variation_id, product, combo, price, tax_class, created):
    suffix = "-".join(option[:3].upper() for _name, option in combo)
    variation = {"id": variation_id}
    site._dates(variation, "date_created", created)
    site._dates(variation, "date_modified", created)
    query = "&".join(f"attribute_pa_{name.lower()}={option.lower()}" for name, option in combo)
    variation.update(
        description="",
        permalink=f"{product['permalink']}?{query}",
        sku=f"{product['sku']}-{suffix}",
        price=price,
        regular_price=price,
        sale_price="",
        date_on_sale_from=None,
        date_on_sale_from_gmt=None,
        date_on_sale_to=None,
        date_on_sale_to_gmt=None,
        on_sale=False,
        status="publish",
        purchasable=True,
        virtual=False,
        downloadable=False,
        downloads=[],
        download_limit=-1,
        download_expiry=-1,
        tax_status="taxable",
        tax_class=tax_class,
        manage_stock=True,
        stock_quantity=0,
        stock_status="instock",
        backorders="no",
        backorders_allowed=False,
        backordered=False,
        weight="",
        dimensions={"length": "", "width": "", "height": ""},
        shipping_class="",
        shipping_class_id=0,
        image=None,
        attributes=[{"id": index + 1, "name": name, "option": option} for index, (name, option) in enumerate(combo)],
        menu_order=0,
        meta_data=[],
        _links=links(
            f"products/{product['id']}/variations/{variation_id}", up=f"products/{product['id']}", site=site.site_url
        ),
    )
    # read through the variations endpoint a variation has no type/parent_id/name;
    # the sandbox keeps them aside for products/<variation id>
    variation["type"] = "variation"
    variation["parent_id"] = product["id"]
    return variation


def order_payload(site, order_id, customer, payment, created_at):
    profile = site.profile
    customer_id, first, last, email, phone, address_index = customer
    city, postcode, state = profile.cities[address_index % len(profile.cities)]
    street = STREETS[(order_id + address_index) % len(STREETS)]
    address = {
        "first_name": first,
        "last_name": last,
        "company": "",
        "address_1": street,
        "address_2": "",
        "city": city,
        "state": state,
        "postcode": postcode,
        "country": profile.country,
    }
    payload = {
        "id": order_id,
        "parent_id": 0,
        "number": str(order_id),
        "order_key": "wc_order_" + hashlib.sha1(f"{site.seed}:{order_id}".encode()).hexdigest()[:13],
        "created_via": "checkout",
        "version": WC_VERSION,
        "status": "pending",
        "currency": profile.currency,
    }
    site._dates(payload, "date_created", created_at)
    site._dates(payload, "date_modified", created_at)
    payload.update(
        discount_total="0.00",
        discount_tax="0.00",
        shipping_total="0.00",
        shipping_tax="0.00",
        cart_tax="0.00",
        total="0.00",
        total_tax="0.00",
        prices_include_tax=profile.prices_include_tax,
        customer_id=customer_id,
        customer_ip_address=f"203.0.113.{order_id % 250 + 1}",
        customer_user_agent="Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0",
        customer_note="",
        billing={**address, "email": email, "phone": phone},
        shipping=dict(address),
        payment_method=payment[0],
        payment_method_title=payment[1],
        transaction_id="",
        date_paid=None,
        date_paid_gmt=None,
        date_completed=None,
        date_completed_gmt=None,
        cart_hash=hashlib.md5(f"cart:{site.seed}:{order_id}".encode()).hexdigest(),
        meta_data=[site._meta("is_vat_exempt", "no")],
        line_items=[],
        tax_lines=[],
        shipping_lines=[],
        fee_lines=[],
        coupon_lines=[],
        refunds=[],
        _links=links(f"orders/{order_id}", customer=customer_id or None, site=site.site_url),
    )
    return payload


# ----------------------------------------------------------------------
# views
def variation_view(variation):
    """A variation as the variations endpoint shows it (no type, parent id or name)."""
    view = {key: value for key, value in variation.items() if key not in ("type", "parent_id")}
    return copy.deepcopy(view)


def product_view(site, product_id):
    """``products/<id>``: a product, or a variation with its name (the product's and its options)."""
    if product_id in site.products:
        return copy.deepcopy(site.products[product_id])
    variation = site.variations.get(product_id)
    if variation is None:
        raise ApiAnswer(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    view = copy.deepcopy(variation)
    parent = site.products[variation["parent_id"]]
    options = ", ".join(attribute["option"] for attribute in variation["attributes"])
    view["name"] = f"{parent['name']} - {options}"
    return view


def malformed(faults, payload):
    """The payload as served: an unreadable amount when its id is in ``faults.malformed``."""
    if payload.get("id") in faults.malformed:
        payload = copy.deepcopy(payload)
        payload["total" if "line_items" in payload else "price"] = "12,50"
    return payload


def site_index(site):
    """``GET /wp-json/``: the WordPress site index (public)."""
    return {
        "name": site.profile.title,
        "description": "A WooCommerce sandbox",
        "url": site.site_url,
        "home": site.site_url,
        "gmt_offset": str(site.profile.utc_offset),
        "timezone_string": "",
        "namespaces": ["oembed/1.0", "wc/store/v1", "wc/v1", "wc/v2", "wc/v3", "wp/v2"],
        "authentication": [],
        "routes": {},
    }


def system_status(site):
    """``GET system_status``: versions, settings (the currency)."""
    return {
        "environment": {
            "home_url": site.site_url,
            "site_url": site.site_url,
            "version": WC_VERSION,
            "wp_version": WP_VERSION,
            "wp_multisite": False,
            "language": "en_US",
            "php_version": "8.2.26",
            "default_timezone": "UTC",
        },
        "database": {"wc_database_version": WC_VERSION, "database_prefix": "wp_", "database_tables": {}},
        "active_plugins": [],
        "theme": {"name": "Storefront", "version": "4.6.0"},
        "settings": {
            "api_enabled": True,
            "force_ssl": False,
            "currency": site.profile.currency,
            "currency_symbol": "&#36;" if site.profile.currency == "USD" else "&euro;",
            "currency_position": "left" if site.profile.currency == "USD" else "right_space",
            "thousand_separator": "," if site.profile.currency == "USD" else " ",
            "decimal_separator": "." if site.profile.currency == "USD" else ",",
            "number_of_decimals": 2,
            "geolocation_enabled": False,
            "taxonomies": {
                "external": "external",
                "grouped": "grouped",
                "simple": "simple",
                "variable": "variable",
            },
        },
        "security": {"secure_connection": False, "hide_errors": True},
        "pages": [],
    }
