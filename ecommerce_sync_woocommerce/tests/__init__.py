from . import test_products, test_store, test_webhooks
