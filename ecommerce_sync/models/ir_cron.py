from odoo import models

from ..tools import deadline


class IrCron(models.Model):
    _inherit = "ir.cron"

    @classmethod
    def _process_job(cls, db, cron_cr, job):
        """Tell the sync's deadlines when the worker started its run of back-to-back jobs.

        A cron worker runs every due job of a database in one go, under one time limit: a sync job
        that starts after the others counts its time from the first of them (see
        ``tools.deadline.Deadline.for_cron``).
        """
        deadline.job_started()
        try:
            return super()._process_job(db, cron_cr, job)
        finally:
            deadline.job_ended()
