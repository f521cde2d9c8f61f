"""A merchant's Odoo, set up for the sandbox seller the way a user would set it up for a real one.

Used by the addon's Odoo tests and by the demo (``scripts/harness/demo_setup.py``); not loaded by
the addon itself. Odoo is imported inside the functions only, so that the sandbox package imports
without it.

* "Test connection" loads the seller's three locations; the café and the kiosk registers sell from a
  warehouse each, with an analytic account each; the Square Online store ships from the store's
  warehouse;
* the seller's two catalog taxes are Odoo sales taxes, mapped: the registers' prepared food tax
  (included in prices) and the online sales tax (added to prices);
* cash taken at the registers goes to the company's cash journal (the clearing journal holds what
  Square holds: card payments), gift cards sold to a liability, tips to a "tips owed to staff"
  liability;
* every item variation with a SKU exists with it, storable, counted in every warehouse.
"""

from odoo.addons.ecommerce_sync.sandbox_support.merchant import connect, count_stock, map_taxes, sale_tax

from .data_tables import CATALOG, ONLINE_TAX, POS_TAX

#: units on hand per product in each warehouse (enough for every generated order)
ON_HAND = 40
#: Square location key -> (warehouse name, code); the online store uses the store's warehouse
REGISTER_WAREHOUSES = {"cafe": ("Harbor Café", "HCAF"), "kiosk": ("Station Kiosk", "HKSK")}


def account(env, name, code, account_type, reconcile=False):
    """The company's account of that name, created when missing."""
    Account = env["account.account"]
    return Account.search([("name", "=", name), ("company_ids", "in", env.company.ids)], limit=1) or Account.create(
        {
            "name": name,
            "code": Account._search_new_account_code(code),
            "account_type": account_type,
            "reconcile": reconcile,
        }
    )


def map_locations(env, store, seller):
    """Each register to a warehouse of its own (and an analytic account), the online store to the store's.

    :return: ``{location key: stock.warehouse}``
    """
    Warehouse = env["stock.warehouse"]
    plan = env["account.analytic.plan"].search([("name", "=", "Square locations")], limit=1)
    plan = plan or env["account.analytic.plan"].create({"name": "Square locations"})
    warehouses = {}
    for location in seller.data["locations"]:
        record = store.square_location_ids.filtered(lambda loc, location=location: loc.external_id == location["id"])
        if location["_key"] in REGISTER_WAREHOUSES:
            name, code = REGISTER_WAREHOUSES[location["_key"]]
            warehouse = Warehouse.search([("code", "=", code), ("company_id", "=", store.company_id.id)], limit=1)
            warehouse = warehouse or Warehouse.create({"name": name, "code": code, "company_id": store.company_id.id})
        else:
            warehouse = store.warehouse_id
        analytic = env["account.analytic.account"].create({"name": location["name"], "plan_id": plan.id})
        record.write({"warehouse_id": warehouse.id, "analytic_account_id": analytic.id})
        warehouses[location["_key"]] = warehouse
    return warehouses


def create_taxes(env, store, seller):
    """The seller's catalog taxes as Odoo sales taxes, mapped to them (their catalog ids)."""
    company = store.company_id
    taxes = {}
    for name, percentage, kind in (POS_TAX, ONLINE_TAX):
        included = kind == "INCLUSIVE"
        label = f"{name} {percentage}%" + (" incl." if included else "")
        tax = env["account.tax"].search([("name", "=", label), ("company_id", "=", company.id)], limit=1)
        if not tax:
            group = env["account.tax.group"].create({"name": name, "company_id": company.id})
            tax = sale_tax(company, label, percentage, included, tax_group_id=group.id, invoice_label=name)
        taxes[seller.data["taxes"][kind]["id"]] = tax
    map_taxes(store, taxes)
    return taxes


def payment_accounts(env, store):
    """Cash to the cash journal; gift cards sold and tips to liabilities."""
    cash = env["account.journal"].search([("type", "=", "cash"), ("company_id", "=", store.company_id.id)], limit=1)
    env["ecommerce.gateway.mapping"].create({"store_id": store.id, "gateway": "cash", "journal_id": cash.id})
    store.write(
        {
            "gift_card_account_id": account(env, "Gift cards issued", "2180", "liability_current", True).id,
            "tips_account_id": account(env, "Tips owed to staff", "2190", "liability_current").id,
        }
    )
    return cash


def create_products(env, warehouses, on_hand=ON_HAND):
    """Every item variation with a SKU as a storable product, counted in each warehouse.

    :return: ``{sku: product.product}``
    """
    from odoo import Command

    products = {}
    for item_name, variants, _online in CATALOG:
        for variant_name, sku, price in variants:
            if not sku:
                continue  # the gift card: sold on the fallback product, to the gift card account
            name = item_name if variant_name == "Regular" else f"{item_name} ({variant_name})"
            record = env["product.product"].search([("default_code", "=", sku)], limit=1)
            products[sku] = record or env["product.product"].create(
                {
                    "name": name,
                    "default_code": sku,
                    "type": "consu",
                    "is_storable": True,
                    "list_price": price / 100,
                    "invoice_policy": "order",
                    "taxes_id": [Command.clear()],
                }
            )
    goods = env["product.product"].union(*products.values())
    for warehouse in set(warehouses.values()):
        count_stock(goods, warehouse.lot_stock_id, on_hand)
    return products


def set_up_store(env, store, seller, on_hand=ON_HAND):
    """Everything above for a Square store talking to ``seller``; return ``{sku: product}``."""
    connect(store)
    warehouses = map_locations(env, store, seller)
    create_taxes(env, store, seller)
    payment_accounts(env, store)
    return create_products(env, warehouses, on_hand=on_hand)
