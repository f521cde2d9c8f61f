from . import (
    test_flows_off,
    test_full_sync,
    test_products_flow,
    test_store,
    test_uninstall,
    test_webhook_probe,
    test_webhooks,
)
