{
    "name": "E-commerce Sync: Stripe",
    "summary": "Stripe balances in step with Odoo: charges, refunds, disputes, fees and payouts, "
    "for Stripe's own checkouts and for the stores paid through Stripe",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ecommerce_sync developers",
    "website": "https://github.com/ecommerce-sync/ecommerce_sync",
    "license": "LGPL-3",
    "depends": ["ecommerce_sync"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "views/ecommerce_store_views.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
