{
    "name": "E-commerce Sync: Square",
    "summary": "Square Point of Sale and Square Online orders, payments, fees, payouts and stock per location in Odoo",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ecommerce_sync developers",
    "website": "https://github.com/ecommerce-sync/ecommerce_sync",
    "license": "LGPL-3",
    "depends": ["ecommerce_sync"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ecommerce_sync_square_security.xml",
        "views/ecommerce_store_views.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
