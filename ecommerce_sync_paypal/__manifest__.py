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
    "data": [
        "views/ecommerce_store_views.xml",
        "wizard/ecommerce_store_setup_views.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
