from . import ecommerce_channel_report, ecommerce_order_report, ecommerce_store_value
