from odoo import _, api, models

from odoo.addons.ecommerce_sync.connector.records import Order
from odoo.addons.ecommerce_sync.tools import RunPostponed, lock_key
from odoo.addons.queue_job.exception import RetryableJobError

#: what records hold that two workers must not create twice: kind -> (attribute, shared by the stores)
RECORD_KEYS = {
    "customer": ("external_id", False),
    "email": ("email", True),
    "sku": ("sku", True),
}


def _lock_pair(kind, value):
    """The two int4 keys of an advisory lock on ``value`` of ``kind``."""
    return lock_key(f"ecommerce_sync:record:{kind}"), lock_key(value)


class EcommerceSyncEngine(models.AbstractModel):
    """Exclusivity per record rather than per store and flow: backfill windows, pulls and webhooks run at once.

    A batch of records is handled only when its transaction holds the lock of every external
    record it holds (the order, the refund, the variant) and of what they would create (the
    customer by its id and its email, the product by its SKU). A lock another transaction holds
    postpones the run (``RunPostponed``): what it booked before stays, the rest waits for the
    next job, which sees what the other transaction committed.
    """

    _inherit = "ecommerce.sync.engine"

    @api.model
    def _record_lock_keys(self, store, records):
        keys = set()
        for record in records:
            kind = type(record).__name__
            if getattr(record, "external_id", ""):
                keys.add(_lock_pair(kind, f"{store.id}:{record.external_id}"))
            for holder in (record, getattr(record, "customer", None)):
                if holder is None:
                    continue
                for name, (attribute, shared) in RECORD_KEYS.items():
                    value = str(getattr(holder, attribute, "") or "").strip().lower()
                    if value and (name != "customer" or holder is not record):
                        keys.add(_lock_pair(name, value if shared else f"{store.id}:{value}"))
        return sorted(keys)

    @api.model
    def _lock_records(self, store, records):
        """Take the locks of ``records`` for the rest of the transaction.

        :raise RunPostponed: when another transaction holds one of them
        """
        keys = self._record_lock_keys(store, records)
        if not keys:
            return
        self.env.cr.execute(
            "SELECT bool_and(pg_try_advisory_xact_lock(k1, k2)) FROM unnest(%s::int[], %s::int[]) AS k(k1, k2)",
            ([first for first, _second in keys], [second for _first, second in keys]),
        )
        if not self.env.cr.fetchone()[0]:
            raise RunPostponed(
                _("Another worker is booking some of these records right now; they wait for the next run.")
            )

    @api.model
    def _handle_record_lists(self, store, record_lists):
        self._lock_records(store, [record for records in record_lists for record in records])
        return super()._handle_record_lists(store, record_lists)

    @api.model
    def _payloads_booked(self, run, entries, results):
        """Orders a backfill books (store context ``ecommerce_defer_stock``) leave their stock to the deliveries job.

        See ``ecommerce.deferred.stock``: the orders booked here are queued, with the payload
        they were booked from, for the company's deliveries job; so are those booked before a
        postponement stopped the run among them, which stay booked.
        """
        super()._payloads_booked(run, entries, results)
        if run.flow != "orders" or not run.store.env.context.get("ecommerce_defer_stock"):
            return
        booked = []  # (order external id, payload)
        for (_key, payload), result in zip(entries, results, strict=True):
            if result and not result[1] and result[0] in ("created", "updated"):
                booked.extend(
                    (record.external_id, payload)
                    for record in run.connector.parse(run.flow, payload)
                    if isinstance(record, Order)
                )
        bindings = self.env["ecommerce.binding"]._find_all(run.store, "order", [order_id for order_id, _p in booked])
        deferred = []
        for order_id, payload in booked:
            binding = bindings.get(str(order_id))
            sale_order = binding._record() if binding else None
            if sale_order and sale_order.state == "sale":
                deferred.append((sale_order, payload))
        self.env["ecommerce.deferred.stock"]._defer(run.store, deferred)

    @api.model
    def run_flow(self, store, flow, trigger="manual", connector=None, max_pages=None, deadline=None):
        """While a backfill imports the store's orders, the pull of orders waits (its cursor is the backfill's)."""
        if flow == "orders" and store.sudo()._backfill_running():
            store.check_access("write")
            return self.env["ecommerce.sync.log"]
        return super().run_flow(
            store, flow, trigger=trigger, connector=connector, max_pages=max_pages, deadline=deadline
        )

    @api.model
    def _retry_later(self, message):
        """Leave the job's work to a later attempt (its retry pattern): nothing it did is kept."""
        raise RetryableJobError(message, ignore_retry=False)

    @api.model
    def _retry_when_all_skipped(self, logs):
        """Retry the job later when every run it made found its store and flow busy."""
        if logs and all(log.state == "skipped" for log in logs):
            self._retry_later(logs[0].message or _("Another run holds this store; the job is retried."))
