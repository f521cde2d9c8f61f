from . import (
    test_flows_off,
    test_products,
    test_site_tax_exclusive,
    test_site_tax_inclusive,
    test_store,
    test_webhook_probe,
    test_webhooks,
)
