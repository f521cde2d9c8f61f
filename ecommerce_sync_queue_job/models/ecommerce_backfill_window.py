from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ecommerce_sync.connector import Window
from odoo.addons.ecommerce_sync.tools import Deadline, SyncRun

from .ecommerce_store import aware

WINDOW_KEY = "ecommerce_sync:backfill:{window}"
#: seconds before a window whose records another worker was booking is worked again (that worker
#: commits its page within about a second)
POSTPONED_DELAY = 1


class EcommerceBackfillWindow(models.Model):
    """A span of creation dates of a store's orders, imported by its own jobs, in parallel with the others.

    Its jobs keep their place in the window (``cursor``, the creation stamp of the last page
    handled): a window is worked by one job at a time, possibly several one after the other,
    and a job of a window that is done does nothing.
    """

    _name = "ecommerce.backfill.window"
    _description = "Backfill Window"
    _order = "store_id, sequence, id"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True)
    sequence = fields.Integer(required=True, default=0)
    date_from = fields.Datetime("From", help="Orders created from this moment on (empty: since the first one).")
    date_to = fields.Datetime("Until", required=True, help="Orders created before this moment.")
    state = fields.Selection(
        [("pending", "Waiting"), ("running", "In progress"), ("done", "Done"), ("failed", "Failed")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    cursor = fields.Char(readonly=True, copy=False, help="Where the next job of the window resumes.")
    jobs_count = fields.Integer("Jobs Run", readonly=True)
    fetched_count = fields.Integer("Fetched", readonly=True)
    created_count = fields.Integer("Created", readonly=True)
    skipped_count = fields.Integer("Skipped", readonly=True)
    failed_count = fields.Integer("Failed Records", readonly=True)
    message = fields.Text(readonly=True)
    log_ids = fields.One2many("ecommerce.sync.log", "backfill_window_id", "Runs")

    _sql_constraints = [
        ("window_ordered", "CHECK(date_from IS NULL OR date_from < date_to)", "A window must end after it starts."),
    ]

    @api.depends("date_from", "date_to")
    def _compute_display_name(self):
        for window in self:
            start = fields.Datetime.to_string(window.date_from) if window.date_from else _("the first order")
            window.display_name = _(
                "%(store)s: from %(start)s until %(end)s",
                store=window.store_id.name,
                start=start,
                end=fields.Datetime.to_string(window.date_to),
            )

    def _window(self):
        self.ensure_one()
        return Window(aware(self.date_from) if self.date_from else None, aware(self.date_to))

    def _enqueue(self, eta=None):
        self.ensure_one()
        store = self.store_id
        # a window's job is retried only when another worker holds its records or PostgreSQL stopped
        # it on another worker's write: both pass, and the backfill must not end with a window
        # given up, however busy the workers are
        key = WINDOW_KEY.format(window=self.id)
        return store._delay(self, key, self.display_name, eta=eta, max_retries=0)._job_import()

    def action_retry(self):
        """Work failed windows again, from where they stopped."""
        self.check_access("write")
        windows = self.filtered(lambda w: w.state == "failed")
        if not windows:
            raise UserError(_("Only failed windows can be retried."))
        windows.write({"state": "pending", "message": False})
        for window in windows:
            window._enqueue()
        return True

    def _job_import(self):
        """Job: import the window's orders from its cursor, a few pages, then hand the rest to a new job.

        Each order, customer and product is booked once whichever worker meets it first
        (bindings, and the engine's record locks); the store's cursor moves past the windows
        done from the first one on (``ecommerce.store._job_advance_backfill_cursor``).
        """
        self.ensure_one()
        if self.state == "done":
            return _("The window is done already.")
        # the stock of the orders is the deliveries job's (ecommerce.deferred.stock)
        store = self.store_id.sudo().with_company(self.store_id.company_id).with_context(ecommerce_defer_stock=True)
        engine = self.env["ecommerce.sync.engine"]
        run = SyncRun(store, "orders", "backfill")
        run.log.backfill_window_id = self
        self.write({"state": "running", "jobs_count": self.jobs_count + 1})
        with run:
            engine._pull_pages(
                run,
                self.cursor,
                lambda resume_at: self.write({"cursor": resume_at}),
                max_pages=store.backfill_pages_per_job,
                deadline=Deadline.for_request(),
                window=self._window(),
            )
        log = run.log
        if run.interrupted:
            # PostgreSQL stopped the job on another worker's write (two deliveries reserving the
            # same stock): the job is rolled back and retried, from the window's cursor
            engine._retry_later(log.message)
        self.write(
            {
                f"{name}_count": self[f"{name}_count"] + log[f"{name}_count"]
                for name in ("fetched", "created", "skipped", "failed")
            }
        )
        if log.state == "failed":
            self.write({"state": "failed", "message": log.message})
        elif log.more_pending:
            self.write({"state": "pending", "message": log.message or False})
            if log.state == "skipped" and not (log.created_count or log.updated_count):
                engine._retry_later(log.message)
            self._enqueue(eta=POSTPONED_DELAY if log.state == "skipped" else None)
        else:
            self.write({"state": "done", "message": False})
            store._enqueue_backfill_cursor()
        return log.message or _("%(created)s orders created.", created=log.created_count)
