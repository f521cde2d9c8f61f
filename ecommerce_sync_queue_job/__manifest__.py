{
    "name": "E-commerce Sync: Job Queue",
    "summary": "Spread the stores' pulls, backfills, webhooks, retries and stock pushes over OCA queue_job workers",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "ecommerce_sync developers",
    "website": "https://github.com/ecommerce-sync/ecommerce_sync",
    "license": "LGPL-3",
    "depends": ["ecommerce_sync", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
        "views/ecommerce_backfill_window_views.xml",
        "views/ecommerce_store_views.xml",
        "views/ecommerce_sync_log_views.xml",
    ],
    "post_load": "post_load",
    "installable": True,
}
