from . import test_backfill, test_triggers
