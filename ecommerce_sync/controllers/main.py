import json
import logging

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..connector import WebhookError

_logger = logging.getLogger(__name__)


class EcommerceWebhookController(http.Controller):
    """Receives platform webhooks for one store.

    Order of work: find the store by the unguessable token in the URL, check
    the platform's signature over the raw body (401 when it does not verify,
    before anything else touches the database), store the event (a
    redelivery is recognised and not stored twice), answer 200 at once, and
    let the processing job handle it.
    """

    @http.route(
        "/ecommerce_sync/webhook/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def receive(self, token, **_kwargs):
        store = request.env["ecommerce.store"]
        if len(token) >= 16:
            store = store.sudo().search([("webhook_token", "=", token), ("active", "=", True)], limit=1)
        if not store:
            return self._answer(404, "unknown store")
        body = request.httprequest.get_data(cache=True)
        headers = request.httprequest.headers
        try:
            connector = store._get_connector()
        except UserError:
            _logger.warning("Webhook for store %s refused: no installed connector handles its platform", store.id)
            return self._answer(404, "no connector for this store")
        if not connector.verify_webhook(headers, body):
            _logger.warning("Webhook for store %s refused: invalid or missing signature", store.id)
            return self._answer(401, "invalid signature")
        try:
            event = connector.parse_webhook(headers, body)
        except WebhookError as exc:
            _logger.warning("Webhook for store %s not understood: %s", store.id, exc)
            return self._answer(400, str(exc))
        if not event.flow:
            return self._answer(200, "ignored", topic=event.topic)
        stored = request.env["ecommerce.webhook.event"].sudo()._store_event(store, event, body)
        if not stored:
            return self._answer(200, "duplicate", topic=event.topic)
        request.env.ref("ecommerce_sync.ir_cron_ecommerce_webhook_process").sudo()._trigger()
        return self._answer(200, "accepted", topic=event.topic, event=stored.id)

    @staticmethod
    def _answer(status, message, **extra):
        return request.make_response(
            json.dumps({"status": message, **extra}),
            headers=[("Content-Type", "application/json")],
            status=status,
        )
