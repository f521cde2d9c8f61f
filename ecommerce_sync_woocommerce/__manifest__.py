{
    "name": "E-commerce Sync: WooCommerce",
    "summary": "WooCommerce sites in step with Odoo: orders, refunds, products and stock through the wc/v3 REST API",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ecommerce_sync developers",
    "website": "https://github.com/ecommerce-sync/ecommerce_sync",
    "license": "LGPL-3",
    "depends": ["ecommerce_sync"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "views/ecommerce_store_views.xml",
        "wizard/ecommerce_store_setup_views.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
