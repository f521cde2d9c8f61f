"""Helpers of the models that are no models themselves."""

from .advisory_locks import lock_key, try_xact_lock
from .deadline import Deadline
from .sync_run import (
    RUN_ERRORS,
    TRANSACTION_ERRORS,
    RunAborted,
    RunInterrupted,
    RunPostponed,
    SyncRun,
    breaks_transaction,
    decode_payload,
)
