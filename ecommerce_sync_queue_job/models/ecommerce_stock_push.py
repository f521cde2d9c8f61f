from odoo import _, api, models

STOCK_KEY = "ecommerce_sync:stock:{store}"


class EcommerceStockPush(models.Model):
    """Queued stock levels are sent by a job per store."""

    _inherit = "ecommerce.stock.push"

    @api.model
    def _cron_flush(self):
        """Enqueue the flush of every connected store that syncs stock and has levels queued."""
        for store in self._stores_to_flush():
            self._enqueue_flush(store)

    @api.model
    def _enqueue_flush(self, store):
        description = _("Send the stock levels of %(store)s", store=store.name)
        return store._delay(self, STOCK_KEY.format(store=store.id), description)._job_flush(store.id)

    @api.model
    def _job_flush(self, store_id):
        """Job: send the queued levels of a store; what is left (time, another flush) goes on in a new job."""
        store = self.env["ecommerce.store"].browse(store_id).exists()
        if not store or not store.active or not store.sync_stock:
            return _("The store is archived, gone or does not sync stock.")
        log = self._flush_store(store, trigger="cron")
        if self.sudo().search_count([("store_id", "=", store.id)]) and (not log or log.more_pending):
            if not log:
                self.env["ecommerce.sync.engine"]._retry_later(_("Another flush holds this store."))
            self._enqueue_flush(store)
        return _("%(sent)s levels sent.", sent=log.updated_count if log else 0)
