"""A merchant's Odoo, set up for the sandbox shop the way a user would set it up for a real one.

Used by the addon's Odoo tests, the demo (``scripts/harness/demo_setup.py``) and the scripts that
measure a running Odoo (:func:`start_sandbox`, :func:`store_values`); not loaded by the addon
itself. Odoo is imported inside the functions only, so that the sandbox package imports without it.

* the currencies the shop sells in are active, with the rates Shopify converted at;
* each tax the shop charges is an Odoo sales tax (excluded for the US and Canada, included for
  Europe), mapped to the shop's tax line;
* every product the shop sells exists with the shop's SKU and barcode, storable, with stock on hand
  in the store's warehouse; gift cards are services;
* gift card, PayPal and cash-on-delivery payments go to their own journals, so that the clearing
  journal holds Shopify Payments alone; payout adjustments (shipping labels) have their own account;
* the Shopify location "Main Warehouse" shows the store's warehouse.
"""

from odoo.addons.ecommerce_sync.sandbox_support.merchant import connect, count_stock, map_taxes, sale_tax

from .data import generate
from .data_catalog import is_gift_card
from .data_people import MARKETS
from .routes import LeakyBucket
from .routes_graphql import CostBudget
from .server import SandboxServer
from .state import SandboxShop

#: the test shop's Admin API token and webhook secret (:func:`start_sandbox`, :func:`store_values`)
TOKEN = "shpat_odoo_test_token"
SECRET = "whsec_odoo_test"
#: units on hand per product in the store's warehouse (enough for every generated order)
ON_HAND = 40
MAIN_LOCATION = "Main Warehouse"


def shop_taxes():
    """``{store tax key: (title, percent, price included)}`` of every market of the sandbox."""
    taxes = {}
    for market in MARKETS:
        for title, rate in market.taxes:
            key = f"{title} {rate.normalize():f}"
            taxes[key] = (title, float(rate * 100), market.taxes_included)
    return taxes


def activate_currencies(env, shop):
    """Activate the shop's presentment currencies with the rate Shopify used (units per USD)."""
    rates = {market.currency: market.rate for market in MARKETS}
    company = env.company
    for code in shop.shop["enabled_presentment_currencies"]:
        currency = env["res.currency"].with_context(active_test=False).search([("name", "=", code)], limit=1)
        currency.active = True
        if currency == company.currency_id:
            continue
        env["res.currency.rate"].search([("currency_id", "=", currency.id), ("company_id", "=", company.id)]).unlink()
        env["res.currency.rate"].create(
            {"currency_id": currency.id, "name": "2024-01-01", "rate": float(rates[code]), "company_id": company.id}
        )


def create_taxes(env, store):
    """One Odoo sales tax per shop tax (created once), on the company's tax accounts, mapped to the store tax."""
    company = store.company_id
    taxes = {}
    for key, (title, percent, included) in shop_taxes().items():
        name = f"{title} {percent:g}%" + (" incl." if included else "")
        tax = env["account.tax"].search([("name", "=", name), ("company_id", "=", company.id)], limit=1)
        if not tax:
            group = env["account.tax.group"].create({"name": title, "company_id": company.id})
            tax = sale_tax(company, name, percent, included, tax_group_id=group.id, invoice_label=title)
        taxes[key] = tax
    map_taxes(store, taxes)
    return env["account.tax"].union(*taxes.values())


def create_products(env, shop, warehouse, on_hand=ON_HAND):
    """The shop's catalogue as Odoo products (SKU = internal reference), goods counted in ``warehouse``.

    Products that exist already (another store sells them) are counted in ``warehouse`` too.

    :return: ``{sku: product.product}``
    """
    from odoo import Command

    products = {}
    for product in shop.products.values():
        gift = is_gift_card(product)
        for variant in product["variants"]:
            item = shop.items[variant["inventory_item_id"]]
            title = (
                product["title"] if variant["title"] == "Default Title" else f"{product['title']} {variant['title']}"
            )
            record = env["product.product"].search([("default_code", "=", variant["sku"])], limit=1)
            record = record or env["product.product"].create(
                {
                    "name": title,
                    "default_code": variant["sku"],
                    "barcode": variant["barcode"] or False,
                    "type": "service" if gift else "consu",
                    "is_storable": not gift,
                    "list_price": float(variant["price"]),
                    "standard_price": float(item["cost"] or 0),
                    "invoice_policy": "order",
                    "taxes_id": [Command.clear()],
                }
            )
            products[variant["sku"]] = record
    count_stock(env["product.product"].union(*products.values()), warehouse.lot_stock_id, on_hand)
    return products


def account(env, name, code, account_type, reconcile=False):
    """The company's account of that name, created when missing."""
    Account = env["account.account"]
    return Account.search([("name", "=", name)], limit=1) or Account.create(
        {
            "name": name,
            "code": Account._search_new_account_code(code),
            "account_type": account_type,
            "reconcile": reconcile,
        }
    )


def journal(env, name, code, payment_account=None):
    """The company's bank journal of that code (created when missing), paying through ``payment_account``."""
    Journal = env["account.journal"]
    found = Journal.search([("code", "=", code), ("company_id", "=", env.company.id)], limit=1)
    if found:
        return found
    found = Journal.create({"name": name, "type": "bank", "code": code, "company_id": env.company.id})
    if payment_account:
        (found.inbound_payment_method_line_ids | found.outbound_payment_method_line_ids).write(
            {"payment_account_id": payment_account.id}
        )
    return found


def payment_journals(env, store):
    """Gift cards, PayPal and cash on delivery in their own journals; Shopify Payments in the clearing journal."""
    gift_account = account(env, "Gift cards issued", "2180", "liability_current", reconcile=True)
    gift_journal = journal(env, "Shopify gift cards", "SGC", gift_account)
    paypal = journal(env, "PayPal", "PYPL")
    cash = env["account.journal"].search([("type", "=", "cash"), ("company_id", "=", store.company_id.id)], limit=1)
    Mapping = env["ecommerce.gateway.mapping"]
    for gateway, target in (("gift_card", gift_journal), ("paypal", paypal), ("Cash on Delivery (COD)", cash)):
        Mapping.create({"store_id": store.id, "gateway": gateway, "journal_id": target.id})
    store.gift_card_account_id = gift_account
    store.adjustment_account_id = account(env, f"{store.name} payout adjustments", "6190", "expense")
    return {"gift_card": gift_journal, "paypal": paypal, "cash": cash}


def set_up_store(env, store, shop, on_hand=ON_HAND):
    """Everything above for a Shopify store talking to ``shop``; return ``{sku: product}``."""
    connect(store)
    main = store.shopify_location_ids.filtered(lambda location: location.name == MAIN_LOCATION)
    main.warehouse_id = store.warehouse_id
    activate_currencies(env, shop)
    create_taxes(env, store)
    payment_journals(env, store)
    return create_products(env, shop, store.warehouse_id, on_hand=on_hand)


def start_sandbox(orders=20, seed=21, webhooks=None):
    """A generated Shopify shop served on 127.0.0.1 (a fast-leaking bucket and budget: tests never wait)."""
    shop = SandboxShop(generate(seed=seed, orders=orders), webhooks=webhooks)
    budget = CostBudget(2000, 100_000.0)
    return SandboxServer(shop, token=TOKEN, bucket=LeakyBucket(40, 2000.0), budget=budget).start()


def store_values(server, **values):
    return {
        "name": "Sandbox Outfitters",
        "platform": "shopify",
        "shopify_shop_domain": server.shop.domain,
        "shopify_access_token": TOKEN,
        "shopify_local_test_shop": True,
        "shopify_api_base_url": server.url,
        "webhook_secret": SECRET,
        **values,
    }
