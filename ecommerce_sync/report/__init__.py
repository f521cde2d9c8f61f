from . import ecommerce_order_report
