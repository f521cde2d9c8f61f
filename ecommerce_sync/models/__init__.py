from . import (
    ecommerce_binding,
    ecommerce_gateway_mapping,
    ecommerce_product_link,
    ecommerce_shipping_mapping,
    ecommerce_sku_mapping,
    ecommerce_store,
    ecommerce_sync_engine,
    ecommerce_sync_log,
    ecommerce_sync_log_line,
    ecommerce_tax_mapping,
    ecommerce_webhook_event,
)
