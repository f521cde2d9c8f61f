from . import test_full_sync, test_store, test_uninstall
