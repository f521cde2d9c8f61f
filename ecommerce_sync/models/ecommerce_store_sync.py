import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..connector import AuthenticationError, ConnectorError
from ..tools import Deadline
from ..tools.deadline import REQUEST_BUDGET

_logger = logging.getLogger(__name__)


class EcommerceStoreSync(models.AbstractModel):
    """The store's connection test, "Sync now" and its summary, and the scheduled pull of every store.

    Mixed into ``ecommerce.store``: the buttons a manager presses and the scheduled action that
    pulls the stores; the runs themselves are the engine's (``ecommerce.sync.engine``).
    Connector addons extend ``_connection_values`` and ``_connection_message`` with what their
    platform reports.
    """

    _name = "ecommerce.store.sync"
    _description = "Online Store: Connection and Sync"

    # ------------------------------------------------------------------
    def action_test_connection(self):
        """Read the shop through the connector and show its name and currency.

        A refusal or a failure puts the store in error state with the
        platform's explanation (kept: the answer is a notification, not an
        exception that would roll the state back).
        """
        self.ensure_one()
        self.check_access("write")
        connector = self._get_connector()
        try:
            info = connector.test_connection()
        except AuthenticationError as exc:
            message = self._set_credentials_refused(exc)
        except ConnectorError as exc:
            message = self._explain_error(exc)
            self._set_error(message, str(exc))
        else:
            self.write(self._connection_values(info))
            return self._notification("success", _("Connection successful"), self._connection_message(info))
        return self._notification("danger", _("Connection failed"), message, sticky=True)

    @api.model
    def _notification(self, kind, title, message, sticky=False):
        """A client notification that also reloads the form (to show the new state)."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "title": title,
                "message": message,
                "sticky": sticky,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _connection_message(self, info):
        """What "Test connection" tells the user on success; connector addons add what their platform reports.

        :param info: the connector's ConnectionInfo
        """
        return _("Connected to %(name)s (currency %(currency)s).", name=info.name, currency=info.currency)

    def _connection_values(self, info):
        """Values written on the store after a successful "Test connection".

        Connector addons extend this to keep what their platform reports in
        ``info.details`` (a version, a plan) in their own fields.

        :param info: the connector's ConnectionInfo
        :rtype: dict
        """
        self.ensure_one()
        return {
            "state": "connected",
            "state_message": False,
            "state_detail": False,
            "shop_name": info.name,
            "shop_currency": info.currency,
        }

    def action_sync_now(self):
        """Sync for a few seconds in the request, then let the scheduled action carry on.

        The request takes what fits in a short budget (well inside Odoo's request limit) and
        answers with what it did; when more is waiting, the store's scheduled pull is
        triggered at once and the notification says so. The store shows the last result.
        Called from code outside a request (a shell, a script), it runs to the store's page
        budget, as no time limit applies there.
        """
        self.ensure_one()
        self.check_access("write")
        logs = self.env["ecommerce.sync.engine"].sync_store(
            self, trigger="manual", deadline=Deadline.for_caller(budget=REQUEST_BUDGET)
        )
        if any(log.more_pending for log in logs):
            # the store is due now (the engine says so when more is waiting): the scheduled pull takes it
            self.env.ref("ecommerce_sync.ir_cron_ecommerce_sync").sudo()._trigger()
        message = self._sync_summary(logs)
        failed = any(log.state in ("failed", "partial") or log.failed_count for log in logs)
        return self._notification("warning" if failed else "success", _("Sync finished"), message, sticky=failed)

    def _sync_summary(self, logs):
        """What a sync did, flow by flow: "Orders: 50 created. Stock levels: 29 read, 29 sent."

        :param logs: the sync logs of the run (records pulled, stock levels read and sent)
        :rtype: str
        """
        labels = dict(self.env["ecommerce.sync.log"]._fields["flow"]._description_selection(self.env))
        parts = []
        for log in logs.filtered(lambda log: log.flow != "stock"):
            counts = []
            if log.created_count:
                counts.append(_("%(count)s created", count=log.created_count))
            if log.updated_count:
                counts.append(_("%(count)s updated", count=log.updated_count))
            if log.failed_count:
                counts.append(_("%(count)s failed", count=log.failed_count))
            parts.append(
                _(
                    "%(flow)s: %(counts)s.",
                    flow=labels.get(log.flow, log.flow),
                    counts=", ".join(counts) or _("nothing new"),
                )
            )
            if log.state in ("failed", "skipped") and log.message:
                parts.append(log.message_summary)
        stock = []
        for log in logs.filtered(lambda log: log.flow == "stock"):
            if log.direction == "pull":
                stock.append(_("%(count)s read", count=log.fetched_count))
                if log.updated_count:
                    stock.append(_("%(count)s differing", count=log.updated_count))
            else:
                stock.append(_("%(count)s sent", count=log.updated_count))
                if log.failed_count:
                    stock.append(_("%(count)s not sent", count=log.failed_count))
            if log.state in ("failed", "skipped") and log.message:
                stock.append(log.message_summary)
        if stock:
            parts.append(_("Stock levels: %(counts)s.", counts=", ".join(stock)))
        if any(log.more_pending for log in logs):
            parts.append(_("More is waiting: the scheduled sync carries on."))
        return " ".join(parts) or _("Nothing to sync.")

    # ------------------------------------------------------------------
    @api.model
    def _cron_sync(self):
        """Pull every active store whose interval has elapsed, well inside the scheduler's time limit.

        Each store works within its page budget and the job's deadline (a share of
        ``limit_time_real_cron``, counted from the start of the job); what is left is reported
        with ``ir.cron._notify_progress``, and when the job's time is up the action is
        triggered again, to go on in a new job with a new time limit.
        """
        now = fields.Datetime.now()
        stores = self.search([("state", "!=", "draft"), ("next_sync_at", "<=", now)])
        engine = self.env["ecommerce.sync.engine"]
        deadline = Deadline.for_cron(self.env)
        done = pending = 0
        for store in stores:
            if deadline.expired():
                pending += 1
                continue
            try:
                logs = engine.sync_store(store, trigger="cron", deadline=deadline)
            except UserError as exc:  # no installed connector: the other stores go on
                _logger.warning("Sync of store %s skipped: %s", store.id, exc)
                store.write({"last_sync_at": now, "last_sync_result": "failed", "last_sync_message": str(exc)})
                logs = self.env["ecommerce.sync.log"]
            done += 1
            if any(log.more_pending for log in logs):
                pending += 1
            else:
                store.next_sync_at = now + timedelta(minutes=store.sync_interval)
        if pending and deadline.expired():
            # this job's time is up: the rest goes on in a new job, right away
            self.env.ref("ecommerce_sync.ir_cron_ecommerce_sync")._trigger()
            pending = 0
        self.env["ir.cron"]._notify_progress(done=done, remaining=pending)
