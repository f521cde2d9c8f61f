{
    "name": "E-commerce Sync: PayPal",
    "summary": "PayPal balances in step with Odoo: payments, refunds, chargebacks, holds, conversions, fees and "
    "withdrawals, for PayPal's own sales and for the stores paid through PayPal",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ecommerce_sync developers",
    "website": "https://github.com/ecommerce-sync/ecommerce_sync",
    "license": "LGPL-3",
    "depends": ["ecommerce_sync"],
    "external_dependencies": {"python": ["requests", "cryptography"]},
    "data": [],
    "uninstall_hook": "uninstall_hook",
    # the connector and its sandbox are complete and tested without Odoo; the PayPal store's
    # set-up in Odoo (credentials, accounts) is not part of this version, so the addon is not offered
    "installable": False,
}
