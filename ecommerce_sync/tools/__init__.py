"""Helpers of the models that are no models themselves."""

from .deadline import Deadline
from .sync_run import RUN_ERRORS, TRANSACTION_ERRORS, RunAborted, RunInterrupted, RunPostponed, SyncRun, decode_payload
