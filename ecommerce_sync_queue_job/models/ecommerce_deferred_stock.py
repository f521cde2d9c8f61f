import logging

from odoo import _, api, fields, models

from odoo.addons.ecommerce_sync.connector.records import Order
from odoo.addons.ecommerce_sync.models.ecommerce_builder_mixin import IMPORT_CONTEXT
from odoo.addons.ecommerce_sync.tools import Deadline, SyncRun
from odoo.addons.ecommerce_sync.tools.sync_run import TRANSACTION_ERRORS, decode_payload, encode_payload

_logger = logging.getLogger(__name__)

#: identity key of a company's deliveries job: one waits at a time
DELIVERIES_KEY = "ecommerce_sync:deliveries:{company}"
#: orders whose stock one job books at most (then it hands the rest to a new job)
ORDERS_PER_JOB = 100
#: queue_job priority of the deliveries job (the windows' is queue_job's default, 10): a worker
#: set free takes it before the next window, so the deliveries keep pace with the orders booked
#: instead of all waiting for the last window
DELIVERIES_PRIORITY = 5


class EcommerceDeferredStock(models.Model):
    """The deliveries and returns of an order a backfill booked, waiting for the company's deliveries job.

    Windows of a backfill run side by side on several workers; validating deliveries changes the
    stock and valuation of their products, which PostgreSQL lets only one transaction at a time
    change. The windows' jobs therefore book the orders, invoices and payments, and leave the
    stock to one job per company at a time (channel ``root.ecommerce.deliveries``, one job at
    once): it validates the deliveries the store's fulfilments ship and the returns its refunds
    restock, from the order as the store sent it, in the order the orders were booked.
    """

    _name = "ecommerce.deferred.stock"
    _description = "Deliveries Waiting for Validation"
    _order = "id"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    sale_order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)
    order_name = fields.Char("Store Order", readonly=True)
    payload = fields.Text(readonly=True, groups="ecommerce_sync.group_ecommerce_manager")
    state = fields.Selection(
        [("pending", "Waiting"), ("failed", "Failed")], default="pending", required=True, readonly=True, index=True
    )
    message = fields.Text(readonly=True)

    @api.model
    def _defer(self, store, entries):
        """Leave the stock of these booked orders to the company's deliveries job.

        :param list entries: ``(sale.order, payload)`` pairs
        """
        rows = self.sudo().create(
            [
                {
                    "store_id": store.id,
                    "sale_order_id": sale_order.id,
                    "order_name": sale_order.ecommerce_order_name or sale_order.name,
                    "payload": encode_payload(payload),
                }
                for sale_order, payload in entries
            ]
        )
        if rows:
            self._enqueue(store.company_id)
        return rows

    @api.model
    def _enqueue(self, company):
        channel = self.env.ref("ecommerce_sync_queue_job.channel_ecommerce_deliveries").sudo().complete_name
        return (
            self.sudo()
            .with_user(self.env.ref("base.user_root"))
            .with_delay(
                channel=channel,
                identity_key=DELIVERIES_KEY.format(company=company.id),
                priority=DELIVERIES_PRIORITY,
                description=_("Validate the deliveries of %(company)s's imported orders", company=company.name),
                max_retries=0,
            )
            ._job_book(company.id)
        )

    def action_retry(self):
        """Book the stock of failed rows again, in the next deliveries job."""
        self.check_access("write")
        failed = self.filtered(lambda row: row.state == "failed")
        failed.sudo().write({"state": "pending", "message": False})
        for company in failed.company_id:
            self._enqueue(company)
        return True

    @api.model
    def _job_book(self, company_id):
        """Job: validate the deliveries and returns waiting in the company, the oldest first.

        Each order in a savepoint: one that fails (a transfer needing a person, say) keeps its row,
        marked failed with the reason, and the others go on. What is left for lack of time goes to
        a new job.
        """
        rows = self.search([("company_id", "=", company_id), ("state", "=", "pending")], limit=ORDERS_PER_JOB + 1)
        deadline = Deadline.for_request()
        done = failed = 0
        for store, store_rows in rows[:ORDERS_PER_JOB].grouped("store_id").items():
            store = store.sudo().with_company(store.company_id)
            run = SyncRun(store, "orders", "backfill")
            with run:
                connector = run.connect()
                for row in store_rows:
                    if deadline.expired():
                        run.note(more_pending=True)
                        break
                    run.count("fetched")
                    error = row._book(store, connector)
                    if error:
                        run.count("failed")
                        row.write({"state": "failed", "message": error})
                        failed += 1
                    else:
                        run.count("updated")
                        row.unlink()
                        done += 1
        if self.search_count([("company_id", "=", company_id), ("state", "=", "pending")]):
            self._enqueue(self.env["res.company"].browse(company_id))
        return _("%(done)s orders' stock booked, %(failed)s failed.", done=done, failed=failed)

    def _book(self, store, connector):
        """Validate this row's deliveries and returns; the reason when that fails, else None."""
        self.ensure_one()
        env = self.env(context=dict(self.env.context, **IMPORT_CONTEXT))
        orders = env["ecommerce.order.builder"]
        sale_order = self.sale_order_id.with_env(env)
        store = store.with_env(env)
        try:
            with env.cr.savepoint():
                records = connector.parse("orders", decode_payload(self.payload))
                for order in (record for record in records if isinstance(record, Order)):
                    orders._sync_stock(store, order, sale_order)
                    # the refunds are booked already: their known path restocks what they return
                    orders._sync_order_refunds(store, order, sale_order)
        except TRANSACTION_ERRORS:
            raise
        except Exception as exc:
            _logger.info("Stock of order %s of %s not booked: %s", self.order_name, store.name, exc)
            return SyncRun.error_text(exc)
        return None
