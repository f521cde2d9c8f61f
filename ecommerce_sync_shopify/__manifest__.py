{
    "name": "E-commerce Sync: Shopify",
    "summary": "Shopify orders, refunds, payouts and stock in Odoo, with real-time webhooks",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ecommerce_sync developers",
    "website": "https://github.com/ecommerce-sync/ecommerce_sync",
    "license": "LGPL-3",
    "depends": ["ecommerce_sync"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ecommerce_sync_shopify_security.xml",
        "views/ecommerce_store_views.xml",
        "wizard/ecommerce_store_setup_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["ecommerce_sync_shopify/static/tests/tours/*.js"],
    },
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
