"""The steps of a merchant's Odoo set-up that every sandbox store shares.

Each connector addon's ``sandbox/merchant.py`` sets a store up for its
sandbox the way a merchant sets one up for a real shop (currencies, taxes
and their mappings, journals, products, stock), with these steps where they
are the same. The functions take Odoo records; this module imports nothing
of Odoo, so the package stays importable without it.
"""


def connect(store):
    """ "Test connection", then the store's accounting set up, as a merchant does first.

    :return: the notification "Test connection" answered
    """
    action = store.action_test_connection()
    store.action_setup_accounting()
    return action


def set_up_platform(store, rates, create_taxes=None):
    """A payment platform's store set up: its currencies at the platform's ``rates``
    (:func:`activate_currencies`), connected with its accounting (:func:`connect`), then its taxes
    (``create_taxes(store)``, when given).

    :return: the notification "Test connection" answered
    """
    activate_currencies(store.company_id, rates)
    action = connect(store)
    if create_taxes:
        create_taxes(store)
    return action


def activate_currencies(company, rates):
    """The currencies a sandbox's customers pay in, active with the platform's rates.

    :param dict rates: ``{currency code: units of the company's currency per unit}`` (any case); the
        company's own currency is left as it is
    """
    env = company.env
    for code, value in rates.items():
        currency = env["res.currency"].with_context(active_test=False).search([("name", "=", code.upper())], limit=1)
        if not currency or currency == company.currency_id:
            continue
        currency.active = True
        env["res.currency.rate"].search([("currency_id", "=", currency.id), ("company_id", "=", company.id)]).unlink()
        env["res.currency.rate"].create(
            {"currency_id": currency.id, "name": "2024-01-01", "rate": float(1 / value), "company_id": company.id}
        )


def create_products(env, items):
    """A goods product per ``(SKU, name, price)`` of ``items``, the SKU as internal reference."""
    return env["product.product"].create(
        [{"name": name, "default_code": sku, "type": "consu", "list_price": float(price)} for sku, name, price in items]
    )


def sale_tax(company, name, percent, included, **values):
    """A sales tax of ``company``: its default sales tax copied at ``percent``, price-included or not.

    :param values: more values of the tax (e.g. its tax group, its label on invoices)
    """
    return company.account_sale_tax_id.copy(
        {
            "name": name,
            "amount": float(percent),
            "amount_type": "percent",
            "price_include_override": "tax_included" if included else "tax_excluded",
            **values,
        }
    )


def map_taxes(store, taxes):
    """Map the store's tax keys to Odoo taxes.

    :param dict taxes: ``{store tax key: account.tax}``
    """
    store.env["ecommerce.tax.mapping"].create(
        [{"store_id": store.id, "external_key": key, "tax_id": tax.id} for key, tax in taxes.items()]
    )


def count_stock(products, location, quantity):
    """An inventory adjustment: ``quantity`` units of each storable product of ``products`` at ``location``."""
    storable = products.filtered("is_storable")
    quants = (
        storable.env["stock.quant"]
        .with_context(inventory_mode=True)
        .create(
            [
                {"product_id": product.id, "location_id": location.id, "inventory_quantity": quantity}
                for product in storable
            ]
        )
    )
    quants.action_apply_inventory()
