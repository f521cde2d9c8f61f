import logging
import re
from datetime import UTC, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ecommerce_sync.connector import Window
from odoo.addons.ecommerce_sync.connector.records import to_datetime

_logger = logging.getLogger(__name__)

MANAGER = "ecommerce_sync.group_ecommerce_manager"
#: identity keys of the jobs a store's triggers enqueue: at most one of each waits at a time
PULL_KEY = "ecommerce_sync:pull:{store}"
ADVANCE_KEY = "ecommerce_sync:backfill-cursor:{store}"


def aware(moment):
    """An Odoo datetime (naive UTC) as an aware one."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


class EcommerceStore(models.Model):
    """The store's jobs: its channel and capacity, the scheduled pull and "Sync now" as jobs, its backfill."""

    _inherit = "ecommerce.store"

    job_channel_id = fields.Many2one(
        "queue.job.channel",
        "Job Channel",
        readonly=True,
        copy=False,
        help="The channel of this store's jobs (root.ecommerce.<store code>).",
    )
    job_capacity = fields.Integer(
        "Parallel Jobs",
        related="job_channel_id.job_capacity",
        readonly=False,
        help="How many of this store's jobs run at once, on all workers together (the platform's rate "
        "limit is shared by them). 0: as the job runner's configuration says.",
    )
    backfill_from = fields.Datetime(
        "Import History From",
        help="Orders created from this moment on are imported by 'Import history', in date windows worked in parallel.",
    )
    backfill_window_days = fields.Integer(
        "Days per Window", default=7, help="The span of creation dates one backfill job imports."
    )
    backfill_pages_per_job = fields.Integer(
        "Pages per Backfill Job",
        default=2,
        help="Pages a backfill job handles before it hands the rest of its window to a new job: short "
        "jobs free the records they booked for the other workers sooner.",
    )
    backfill_window_ids = fields.One2many("ecommerce.backfill.window", "store_id", "Backfill Windows")
    deferred_stock_ids = fields.One2many("ecommerce.deferred.stock", "store_id", "Deliveries to Validate")
    deferred_stock_count = fields.Integer("Deliveries Waiting", compute="_compute_deferred_stock")
    deferred_stock_failed_count = fields.Integer("Deliveries Failed", compute="_compute_deferred_stock")
    backfill_owns_cursor = fields.Boolean(
        copy=False,
        readonly=True,
        help="The backfill moves the orders cursor (the store had none when it started).",
    )
    backfill_cursor_at = fields.Datetime(
        copy=False, readonly=True, groups=MANAGER, help="Where the backfill last moved the orders cursor to."
    )
    backfill_state = fields.Selection(
        [("none", "None"), ("running", "In progress"), ("failed", "Windows failed"), ("done", "Done")],
        compute="_compute_backfill",
    )
    backfill_progress = fields.Float("Backfill Progress", compute="_compute_backfill")
    backfill_summary = fields.Char(compute="_compute_backfill")

    _sql_constraints = [
        ("backfill_window_days_positive", "CHECK(backfill_window_days > 0)", "A window spans one day at least."),
        ("backfill_pages_positive", "CHECK(backfill_pages_per_job > 0)", "A backfill job handles a page at least."),
    ]

    @api.depends("backfill_window_ids.state")
    def _compute_backfill(self):
        for store in self:
            windows = store.backfill_window_ids
            done = windows.filtered(lambda w: w.state == "done")
            failed = windows.filtered(lambda w: w.state == "failed")
            store.backfill_progress = 100.0 * len(done) / len(windows) if windows else 0.0
            if not windows:
                store.backfill_state = "none"
            elif len(done) == len(windows):
                store.backfill_state = "done"
            elif failed and len(done) + len(failed) == len(windows):
                store.backfill_state = "failed"
            else:
                store.backfill_state = "running"
            store.backfill_summary = (
                _(
                    "%(done)s of %(total)s windows done, %(failed)s failed; %(orders)s orders imported",
                    done=len(done),
                    total=len(windows),
                    failed=len(failed),
                    orders=sum(windows.mapped("created_count")),
                )
                if windows
                else False
            )

    @api.depends("deferred_stock_ids.state")
    def _compute_deferred_stock(self):
        for store in self:
            states = store.deferred_stock_ids.mapped("state")
            store.deferred_stock_count = states.count("pending")
            store.deferred_stock_failed_count = states.count("failed")

    def action_open_deferred_stock(self):
        """The store's deliveries waiting for the deliveries job, and those that failed."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ecommerce_sync_queue_job.ecommerce_deferred_stock_action"
        )
        action["domain"] = [("store_id", "=", self.id)]
        action["context"] = {"search_default_failed": 1} if self.deferred_stock_failed_count else {}
        return action

    # ------------------------------------------------------------------
    # channels
    @api.model_create_multi
    def create(self, vals_list):
        stores = super().create(vals_list)
        for store in stores:
            store.job_channel_id = self.env["queue.job.channel"].sudo()._ecommerce_channel(store._job_channel_code())
        return stores

    def _job_channel_code(self):
        """The store's part of its channel name: its name in lower case letters and digits, and its id."""
        self.ensure_one()
        slug = re.sub(r"[^a-z0-9]+", "_", (self.name or "").lower()).strip("_")[:40]
        return f"{slug}_{self.id}" if slug else f"store_{self.id}"

    def _job_channel(self):
        self.ensure_one()
        store = self.sudo()
        if not store.job_channel_id:
            store.job_channel_id = self.env["queue.job.channel"].sudo()._ecommerce_channel(store._job_channel_code())
        return store.job_channel_id.complete_name

    def _delay(self, records, key, description, eta=None, max_retries=None):
        """``records.with_delay`` on the store's channel, with the identity key ``key``, as the superuser.

        ``max_retries``: queue_job's (its default when None; 0: retried for as long as it takes).

        The caller checked the rights of whoever triggered the work: the job is the superuser's,
        as the work of the crons it replaces.
        """
        self.ensure_one()
        return (
            records.sudo()
            .with_user(self.env.ref("base.user_root"))
            .with_delay(
                channel=self._job_channel(),
                identity_key=key,
                description=description,
                eta=eta,
                max_retries=max_retries,
            )
        )

    def _enqueue_pull(self, trigger):
        """Enqueue the store's pull, unless one waits already (a cron racing "Sync now" enqueues one job)."""
        self.ensure_one()
        description = _("Pull %(store)s", store=self.name)
        return self._delay(self, PULL_KEY.format(store=self.id), description)._job_pull(trigger)

    # ------------------------------------------------------------------
    # triggers
    @api.model
    def _cron_sync(self):
        """Enqueue the pull of every active store whose interval has elapsed (the jobs do the work)."""
        now = fields.Datetime.now()
        for store in self.search([("state", "!=", "draft"), ("next_sync_at", "<=", now)]):
            store._enqueue_pull("cron")
            store.next_sync_at = now + timedelta(minutes=store.sync_interval)

    def action_sync_now(self):
        """Enqueue the store's pull at once; the store shows its result when a worker has run it."""
        self.ensure_one()
        self.check_access("write")
        self._enqueue_pull("manual")
        return self._notification(
            "success", _("Sync queued"), _("A worker pulls %(store)s now; its result shows here.", store=self.name)
        )

    def _job_pull(self, trigger="cron"):
        """Job: pull every enabled flow of the store (its first pull of orders as a backfill), send its stock.

        What does not fit in the job's time goes on in a new job; when another run holds every
        flow, the job is retried later (its retry pattern).
        """
        self.ensure_one()
        if not self.active or self.state == "draft":
            return _("The store is archived or not connected: nothing to pull.")
        if self._needs_first_backfill():
            self._start_backfill(None)
        logs = self.env["ecommerce.sync.engine"].sync_store(self, trigger=trigger)
        self.env["ecommerce.sync.engine"]._retry_when_all_skipped(logs)
        if any(log.more_pending for log in logs):
            self._enqueue_pull(trigger)
        return self._sync_summary(logs)

    # ------------------------------------------------------------------
    # backfill
    def _needs_first_backfill(self):
        """The first pull of orders is a backfill when the connector lists orders by creation date."""
        self.ensure_one()
        return (
            self._flow_enabled("orders")
            and not self._get_cursor("orders")
            and not self.backfill_window_ids
            and "orders" in self._get_connector().window_flows
        )

    def _backfill_running(self):
        self.ensure_one()
        return bool(self.backfill_window_ids.filtered(lambda w: w.state in ("pending", "running")))

    def action_import_history(self):
        """Import the orders created since "Import history from", in windows worked in parallel."""
        self.ensure_one()
        self.check_access("write")
        if not self.backfill_from:
            raise UserError(_("Set the date to import the history from first."))
        windows = self._start_backfill(aware(self.backfill_from))
        return self._notification(
            "success",
            _("History import queued"),
            _("%(count)s windows of orders are imported by the job workers.", count=len(windows)),
        )

    def _start_backfill(self, since, until=None):
        """Cut the orders created from ``since`` (None: the first one) until ``until`` (now) into windows, one job each.

        :return: the windows
        :raise UserError: when a backfill of the store is still in progress, or the connector
            cannot list orders by creation date
        """
        self.ensure_one()
        store = self.sudo()
        if store._backfill_running():
            raise UserError(_("A history import of %(store)s is still in progress.", store=store.name))
        connector = store._get_connector()
        if "orders" not in connector.window_flows:
            raise UserError(_("The platform of %(store)s cannot list orders by date.", store=store.name))
        now = until or aware(fields.Datetime.now()).replace(microsecond=0)
        if since is None:
            since = store._first_order_moment(connector, now)
            if since is None:
                return self.env["ecommerce.backfill.window"]
            windows = [Window(None, since), *Window.cut(since, now, store.backfill_window_days)]
        else:
            windows = Window.cut(since, now, store.backfill_window_days)
        return store._create_backfill(windows)

    def _create_backfill(self, windows):
        """The windows of a new backfill of the store (those of the last one go), each with its job enqueued.

        :param list windows: connector.Window objects, in order
        """
        self.ensure_one()
        store = self.sudo()
        store.backfill_window_ids.unlink()
        store.backfill_owns_cursor = not store._get_cursor("orders")
        records = (
            self.env["ecommerce.backfill.window"]
            .sudo()
            .create(
                [
                    {
                        "store_id": store.id,
                        "sequence": index,
                        "date_from": window.start and window.start.replace(tzinfo=None),
                        "date_to": window.end.replace(tzinfo=None),
                    }
                    for index, window in enumerate(windows)
                ]
            )
        )
        for window in records:
            window._enqueue()
        return records

    @api.model
    def _first_order_moment(self, connector, now):
        """When the first page of the store's orders (by creation) ends: where the first window closes.

        :return: an aware datetime, one second after the newest order of that page, or None
            when the store has no orders
        """
        for page in connector.fetch("orders", None, window=Window(None, now)):
            if page.cursor:
                return min(to_datetime(page.cursor, "cursor") + timedelta(seconds=1), now)
        return None

    def _enqueue_backfill_cursor(self):
        self.ensure_one()
        description = _("Move the orders cursor of %(store)s past its finished windows", store=self.name)
        return self._delay(self, ADVANCE_KEY.format(store=self.id), description)._job_advance_backfill_cursor()

    def _job_advance_backfill_cursor(self):
        """Job: move the orders cursor past the windows done from the first one on (never back).

        Only when the backfill started without a cursor: the next pull then reads what changed
        since the end of the last window done; when every window is done, since the backfill began.
        """
        self.ensure_one()
        windows = self.backfill_window_ids.sorted("sequence")
        if not self.backfill_owns_cursor or not windows:
            return _("The backfill does not move this store's cursor.")
        done_until = None
        for window in windows:
            if window.state != "done":
                break
            done_until = window.date_to
        if done_until is None:
            return _("No window is done from the first one on yet.")
        moment = aware(done_until)
        reached = aware(self.sudo().backfill_cursor_at)
        if reached and reached >= moment:
            return _("The cursor is already there.")
        self._set_cursor("orders", self._get_connector().cursor_at("orders", moment))
        self.sudo().backfill_cursor_at = done_until
        if all(window.state == "done" for window in windows):
            self.sudo().backfill_owns_cursor = False
        return _("Orders cursor moved to %(moment)s.", moment=moment.isoformat())
