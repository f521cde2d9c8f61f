# the mixins first: the models below inherit them
from . import ecommerce_mapping_mixin, ecommerce_store_accounting, ecommerce_store_dashboard, ecommerce_store_stock

# isort: split
from . import (
    account_bank_statement_line,
    account_move,
    account_move_line,
    ecommerce_binding,
    ecommerce_discrepancy,
    ecommerce_fee_builder,
    ecommerce_gateway_mapping,
    ecommerce_order_builder,
    ecommerce_partner_builder,
    ecommerce_payout_builder,
    ecommerce_product_link,
    ecommerce_refund_builder,
    ecommerce_shipping_mapping,
    ecommerce_sku_mapping,
    ecommerce_stock_builder,
    ecommerce_stock_compare,
    ecommerce_stock_push,
    ecommerce_store,
    ecommerce_sync_engine,
    ecommerce_sync_log,
    ecommerce_sync_log_line,
    ecommerce_tax_mapping,
    ecommerce_webhook_event,
    sale_order,
    sale_order_line,
    stock_quant,
)
