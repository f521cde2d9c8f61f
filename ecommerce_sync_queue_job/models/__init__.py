from . import queue_job_channel
from . import ecommerce_store
from . import ecommerce_backfill_window
from . import ecommerce_sync_engine
from . import ecommerce_sync_log
from . import ecommerce_webhook_event
from . import ecommerce_sync_log_line
from . import ecommerce_stock_push
