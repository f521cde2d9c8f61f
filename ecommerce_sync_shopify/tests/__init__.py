from . import test_products_flow, test_store, test_uninstall, test_webhooks
