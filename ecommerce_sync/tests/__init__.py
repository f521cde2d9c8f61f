from . import test_access, test_crons, test_engine, test_webhooks
