import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..connector import WebhookError, check_webhook_event
from ..tools import Deadline, decode_payload
from ..tools.sync_run import encode_payload

_logger = logging.getLogger(__name__)


class EcommerceWebhookEvent(models.Model):
    """A verified webhook delivery, stored before it is processed.

    Storing first and answering at once means a crash after the answer loses
    nothing: the event waits here until the processing job takes it. The
    unique (store, dedupe key) constraint makes redeliveries harmless.
    """

    _name = "ecommerce.webhook.event"
    _description = "Webhook Event"
    _order = "id desc"
    _rec_name = "topic"

    store_id = fields.Many2one("ecommerce.store", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="store_id.company_id", store=True)
    delivery_id = fields.Char(required=True)
    dedupe_key = fields.Char(required=True)
    topic = fields.Char(required=True)
    flow = fields.Char(required=True)
    external_id = fields.Char(index=True)
    revision = fields.Char()
    refetch = fields.Boolean(help="The payload is partial: the record is fetched from the store when processed.")
    payload = fields.Text(groups="ecommerce_sync.group_ecommerce_manager")
    # skipped: the store's toggle of the event's flow was off (acknowledged, not processed)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed"), ("skipped", "Skipped")],
        default="pending",
        required=True,
        index=True,
    )
    error = fields.Text()
    received_at = fields.Datetime(default=fields.Datetime.now, required=True)
    processed_at = fields.Datetime()

    _sql_constraints = [
        ("dedupe_unique", "UNIQUE(store_id, dedupe_key)", "This webhook delivery was already received."),
    ]

    @api.model
    def _store_event(self, store, event, body):
        """Insert a webhook event unless the same delivery is already stored.

        The row is inserted with ``INSERT ... ON CONFLICT DO NOTHING`` so that
        two simultaneous deliveries of the same event cannot both be stored;
        its payload is written by a second statement, on the row this
        transaction owns. When a redelivery races the first delivery, the
        insert of the later one fails with a serialization error and Odoo
        retries the request (which then finds the event: a duplicate);
        PostgreSQL and Odoo log that failing statement with its values, and
        it carries ids only, never the payload and the customer's personal
        data it holds.

        An event of a flow switched off for the store is stored as skipped:
        acknowledged and kept, never processed.

        :param event: the connector's WebhookEvent
        :param bytes body: the raw body (kept as the payload when the event has none)
        :return: the new event, or an empty recordset for a duplicate
        :raise ValidationError: when an id, the revision or the topic is not safe to use
        """
        try:
            check_webhook_event(event)
        except WebhookError as exc:
            raise ValidationError(str(exc)) from exc
        if event.payload is not None:
            payload = encode_payload(event.payload)
        else:  # the raw body as text PostgreSQL takes (no NUL)
            payload = body.decode("utf-8", "replace").replace("\x00", "\ufffd")
        flow_on = store._flow_enabled(event.flow)
        self.env.cr.execute(
            """
            INSERT INTO ecommerce_webhook_event
                (store_id, company_id, delivery_id, dedupe_key, topic, flow, external_id, revision,
                 refetch, state, received_at, processed_at, create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now() at time zone 'utc', %s,
                    %s, %s, now() at time zone 'utc', now() at time zone 'utc')
            ON CONFLICT (store_id, dedupe_key) DO NOTHING
            RETURNING id
            """,
            (
                store.id,
                store.company_id.id,
                event.delivery_id,
                event.dedupe_key,
                event.topic,
                event.flow,
                event.external_id or None,
                event.revision or None,
                event.refetch,
                "pending" if flow_on else "skipped",
                None if flow_on else fields.Datetime.now(),
                self.env.uid,
                self.env.uid,
            ),
            log_exceptions=False,  # a serialization failure is retried by Odoo, which logs it
        )
        row = self.env.cr.fetchone()
        if not row:
            return self.browse()
        self.env.cr.execute("UPDATE ecommerce_webhook_event SET payload = %s WHERE id = %s", (payload, row[0]))
        return self.browse(row[0])

    def _payload_for_processing(self, connector):
        """The payload to hand to the connector's parser (fetched again when partial)."""
        self.ensure_one()
        if self.refetch and self.external_id:
            return connector.fetch_record(self.flow, self.external_id).payload
        payload = self._payload_dict()
        if isinstance(payload, str):
            raise ValueError(f"the stored payload is not JSON: {payload[:80]!r}")
        return payload

    def _payload_dict(self):
        """The stored payload as received, parsed (its text when it is not JSON)."""
        self.ensure_one()
        return decode_payload(self.sudo().payload or "null")

    def _skip_flows_off(self):
        """Record as skipped the events whose flow is off for their store; return the others."""
        off = self.filtered(lambda event: not event.store_id._flow_enabled(event.flow))
        off.write({"state": "skipped", "processed_at": fields.Datetime.now()})
        return self - off

    @api.model
    def _cron_process(self):
        """Process pending webhook events of active stores, oldest first, well inside the scheduler's time limit.

        The events of an archived store (parked when its connector addon was
        uninstalled) wait: nothing processes them while it is archived.
        """
        domain = [("state", "=", "pending"), ("store_id.active", "=", True)]
        events = self.search(domain, order="id", limit=500)
        deadline = Deadline.for_cron(self.env)
        self.env["ecommerce.sync.engine"].process_webhook_events(events, deadline=deadline)
        done = len(events.filtered(lambda event: event.state != "pending"))
        # events left pending by a busy lock wait for the next scheduled run
        remaining = self.search_count(domain) if done else 0
        if remaining and deadline.expired():
            # this job's time is up: the rest goes on in a new job, right away
            self.env.ref("ecommerce_sync.ir_cron_ecommerce_webhook_process")._trigger()
            remaining = 0
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
