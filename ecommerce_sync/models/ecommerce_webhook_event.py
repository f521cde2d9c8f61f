import json
import logging

from odoo import api, fields, models

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
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed")],
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

        Uses INSERT ... ON CONFLICT DO NOTHING so that two simultaneous
        deliveries of the same event cannot both be stored.

        :param event: the connector's WebhookEvent
        :param bytes body: the raw body (kept as the payload)
        :return: the new event, or an empty recordset for a duplicate
        """
        payload = json.dumps(event.payload) if event.payload is not None else body.decode("utf-8", "replace")
        self.env.cr.execute(
            """
            INSERT INTO ecommerce_webhook_event
                (store_id, company_id, delivery_id, dedupe_key, topic, flow, external_id, revision,
                 refetch, payload, state, received_at, create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending', now() at time zone 'utc',
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
                payload,
                self.env.uid,
                self.env.uid,
            ),
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    def _payload_for_processing(self, connector):
        """The payload to hand to the connector's parser (fetched again when partial)."""
        self.ensure_one()
        if self.refetch and self.external_id:
            return connector.fetch_record(self.flow, self.external_id).payload
        return json.loads(self.sudo().payload)

    def _payload_dict(self):
        """The stored payload, parsed (its text when it is not JSON)."""
        self.ensure_one()
        payload = self.sudo().payload
        try:
            return json.loads(payload or "null")
        except ValueError:
            return payload

    @api.model
    def _cron_process(self):
        """Process pending webhook events, oldest first."""
        events = self.search([("state", "=", "pending")], order="id", limit=500)
        self.env["ecommerce.sync.engine"].process_webhook_events(events)
        done = len(events.filtered(lambda event: event.state != "pending"))
        # events left pending by a busy lock wait for the next scheduled run
        remaining = self.search_count([("state", "=", "pending")]) if done else 0
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
