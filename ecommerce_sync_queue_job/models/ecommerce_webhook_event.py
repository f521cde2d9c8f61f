from odoo import _, api, models

WEBHOOKS_KEY = "ecommerce_sync:webhooks:{store}:{flow}"
#: pending events one job takes
EVENTS_PER_JOB = 500


class EcommerceWebhookEvent(models.Model):
    """A stored webhook enqueues the processing of its store and flow (one job waits for all their events)."""

    _inherit = "ecommerce.webhook.event"

    @api.model
    def _store_event(self, store, event, body):
        stored = super()._store_event(store, event, body)
        if stored and stored.state == "pending":
            self._enqueue_processing(store, stored.flow)
        return stored

    @api.model
    def _enqueue_processing(self, store, flow):
        """Enqueue the processing of the pending events of ``store`` and ``flow``, unless it waits already."""
        description = _("Process the %(flow)s webhooks of %(store)s", flow=flow, store=store.name)
        key = WEBHOOKS_KEY.format(store=store.id, flow=flow)
        return store._delay(self, key, description)._job_process(store.id, flow)

    @api.model
    def _cron_process(self):
        """Enqueue the processing of every store and flow with pending events (a safety net: storing enqueues)."""
        domain = [("state", "=", "pending"), ("store_id.active", "=", True)]
        for group in self._read_group(domain, ["store_id", "flow"]):
            self._enqueue_processing(*group)

    @api.model
    def _job_process(self, store_id, flow):
        """Job: process the pending events of a store and flow, oldest first; more of them go on in a new job."""
        store = self.env["ecommerce.store"].browse(store_id).exists()
        if not store or not store.active:
            return _("The store is archived or gone: its events wait.")
        domain = [("store_id", "=", store.id), ("flow", "=", flow), ("state", "=", "pending")]
        events = self.search(domain, order="id", limit=EVENTS_PER_JOB)
        if not events:
            return _("No pending event.")
        self.env["ecommerce.sync.engine"].process_webhook_events(events)
        left = events.filtered(lambda event: event.state == "pending")
        if left == events:
            self.env["ecommerce.sync.engine"]._retry_later(_("Another run holds this store and flow."))
        if self.search_count(domain):
            self._enqueue_processing(store, flow)
        return _("%(done)s events processed, %(left)s left.", done=len(events - left), left=len(left))
