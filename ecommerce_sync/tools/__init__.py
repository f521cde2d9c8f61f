"""Helpers of the models that are no models themselves."""

from .sync_run import RUN_ERRORS, RunAborted, SyncRun
