import json
import logging

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..connector import MAX_WEBHOOK_NESTING, WebhookError, check_webhook_event, json_nesting

_logger = logging.getLogger(__name__)


class EcommerceWebhookController(http.Controller):
    """Receives platform webhooks for one store.

    Order of work: find the store by the unguessable token in the URL, check
    the platform's signature over the raw body (401 when it does not verify,
    before anything else touches the database), read the event and check its
    values (400 for a body nested too deeply, one the connector cannot read,
    or an id that is not safe to use), store the event (a redelivery is
    recognised and not stored twice), answer 200 at once, and let the
    processing job handle it.
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
            event = self._read_event(connector, headers, body)
        except WebhookError as exc:
            _logger.warning("Webhook for store %s not understood: %s", store.id, exc)
            return self._answer(400, str(exc))
        if not event.flow:
            return self._answer(200, "ignored", topic=event.topic)
        stored = request.env["ecommerce.webhook.event"].sudo()._store_event(store, event, body)
        if not stored:
            return self._answer(200, "duplicate", topic=event.topic)
        if stored.state == "skipped":  # the store's toggle of this flow is off
            return self._answer(200, "skipped", topic=event.topic, event=stored.id)
        request.env.ref("ecommerce_sync.ir_cron_ecommerce_webhook_process").sudo()._trigger()
        return self._answer(200, "accepted", topic=event.topic, event=stored.id)

    @staticmethod
    def _read_event(connector, headers, body):
        """The connector's event of a verified delivery, once its body and values are safe to use.

        :raise WebhookError: when the body nests too deeply to be parsed, the
            connector cannot read it, or an id, the revision or the topic could
            change a URL, break an index or a log line (``check_webhook_event``)
        """
        if json_nesting(body, limit=MAX_WEBHOOK_NESTING) > MAX_WEBHOOK_NESTING:
            raise WebhookError(f"the body nests more than {MAX_WEBHOOK_NESTING} levels of arrays and objects")
        try:
            event = connector.parse_webhook(headers, body)
        except RecursionError as exc:
            raise WebhookError("the body nests too deeply to be read") from exc
        check_webhook_event(event)
        return event

    @staticmethod
    def _answer(status, message, **extra):
        return request.make_response(
            json.dumps({"status": message, **extra}),
            headers=[("Content-Type", "application/json")],
            status=status,
        )
