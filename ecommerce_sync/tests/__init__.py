from . import (
    test_access,
    test_crons,
    test_discrepancy,
    test_engine,
    test_stock_fulfillment,
    test_stock_push,
    test_webhooks,
)
