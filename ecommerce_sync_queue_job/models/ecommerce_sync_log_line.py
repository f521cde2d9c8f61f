from odoo import _, api, models

RETRY_KEY = "ecommerce_sync:retry:{store}:{flow}"
#: failed records one job retries
LINES_PER_JOB = 200


class EcommerceSyncLogLine(models.Model):
    """Failed records due for a retry are retried by a job per store and flow."""

    _inherit = "ecommerce.sync.log.line"

    @api.model
    def _cron_retry(self):
        """Enqueue the retry of each store and flow with records due; return how many are due."""
        groups = self._read_group(self._due_domain(), ["store_id", "flow"], ["__count"])
        for store, flow, _count in groups:
            description = _("Retry the failed %(flow)s of %(store)s", flow=flow, store=store.name)
            key = RETRY_KEY.format(store=store.id, flow=flow)
            store._delay(self, key, description)._job_retry(store.id, flow)
        return sum(count for _store, _flow, count in groups)

    @api.model
    def _job_retry(self, store_id, flow):
        """Job: retry the due records of a store and flow."""
        domain = [*self._due_domain(), ("store_id", "=", store_id), ("flow", "=", flow)]
        lines = self.search(domain, limit=LINES_PER_JOB)
        if not lines:
            return _("Nothing to retry.")
        self.env["ecommerce.sync.engine"].retry_lines(lines)
        resolved = lines.filtered(lambda line: line.state == "resolved")
        if len(lines) == LINES_PER_JOB and self.search_count(domain):
            self._cron_retry()
        return _("%(resolved)s of %(total)s records imported.", resolved=len(resolved), total=len(lines))
