"""A merchant's Odoo, set up for the sandbox site the way a user would set it up for a real one.

Used by the addon's Odoo tests and by the demo (``scripts/harness/demo_setup.py``); not loaded by
the addon itself. Odoo is imported inside the functions only, so that the sandbox package imports
without it.

* a sales tax per tax rate of the site, in the site's price mode (included on a site whose prices
  include tax); the rates the merchant maps by hand are mapped, the others the store finds by rate;
* a storable product per item the site sells, with the site's SKU as internal reference;
* stock counted in the store's warehouse.
"""

from odoo.addons.ecommerce_sync.sandbox_support.merchant import connect, count_stock, map_taxes, sale_tax

__all__ = ["count_stock", "create_products", "create_taxes", "set_up_store"]


def set_up_store(store, profile):
    """The store connected ("Test connection"), its accounting set up, every tax rate of the site mapped.

    :return: the notification "Test connection" answered
    """
    action = connect(store)
    create_taxes(store, profile)
    return action


def create_taxes(store, profile, mapped=None):
    """A sales tax per rate of the site's ``profile``; the rates whose ids are in ``mapped`` (all when None) mapped.

    :return: ``{site tax rate id: account.tax}``
    """
    company = store.company_id
    taxes = {}
    for rate in profile.rates:
        percent = rate.rate * 100
        name = f"{rate.name} {percent.normalize():f}%"
        taxes[rate.id] = sale_tax(company, name, percent, profile.prices_include_tax)
    wanted = set(taxes) if mapped is None else set(mapped)
    map_taxes(store, {str(rate_id): tax for rate_id, tax in taxes.items() if rate_id in wanted})
    return taxes


def create_products(env, site):
    """A storable product per item the site sells, with the site's SKU as internal reference.

    :return: the products (``product.product``)
    """
    values = []
    for item_id in site.sellable():
        item = site.item(item_id)
        parent = site.products.get(item.get("parent_id"))
        options = ", ".join(attribute["option"] for attribute in item.get("attributes", []) if "option" in attribute)
        name = f"{parent['name']} ({options})" if parent else item["name"]
        values.append(
            {"name": name, "default_code": item["sku"], "is_storable": True, "list_price": float(item["price"])}
        )
    return env["product.product"].create(values)
