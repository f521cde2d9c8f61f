from . import (
    test_access,
    test_crons,
    test_discrepancy,
    test_engine,
    test_stock_compare,
    test_stock_fulfillment,
    test_stock_push,
    test_stock_returns,
    test_stock_valuation,
    test_webhooks,
)
