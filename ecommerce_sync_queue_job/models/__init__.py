from . import (
    ecommerce_backfill_window,
    ecommerce_deferred_stock,
    ecommerce_stock_push,
    ecommerce_store,
    ecommerce_sync_engine,
    ecommerce_sync_log,
    ecommerce_sync_log_line,
    ecommerce_webhook_event,
    queue_job_channel,
)
