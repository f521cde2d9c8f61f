from . import (
    test_access,
    test_crons,
    test_discrepancy,
    test_engine,
    test_ledger_batch,
    test_ledger_engine,
    test_ledger_orders,
    test_ledger_payouts,
    test_ledger_refunds,
    test_webhooks,
)
