import json
import logging

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.ecommerce_sync.connector import WebhookEvent

EMAIL = "ada.lovelace@example.com"
PHONE = "+1 415 555 0100"


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestWebhookStorage(TransactionCase):
    """How events are stored: values checked, and payloads kept out of every statement that can fail."""

    def event(self, **values):
        payload = {"id": "v1", "email": EMAIL, "phone": PHONE, "address1": "12 Secret Lane"}
        return WebhookEvent(
            **{
                "delivery_id": "race-1",
                "topic": "products/update",
                "flow": "products",
                "external_id": "v1",
                "revision": "2025-03-01T10:00:00Z",
                "payload": payload,
                **values,
            }
        )

    def test_unsafe_ids_are_refused_before_the_database(self):
        store = self.env["ecommerce.store"].create({"name": "Checked Shop", "platform": "memory"})
        Event = self.env["ecommerce.webhook.event"]
        for values in (
            {"external_id": "1/../../shop"},
            {"external_id": "12\x00"},
            {"external_id": "\ud800"},
            {"external_id": "9" * 3000},
            {"delivery_id": "d" * 3000},
            {"delivery_id": "d-1\n"},
            {"revision": "2025-03-01T10:00:00Z\x00"},
            {"revision": "2" * 3000},
        ):
            with self.subTest(values=repr(values)[:60]), self.assertRaises(ValidationError):
                Event._store_event(store, self.event(**values), b"{}")
        self.assertFalse(Event.search([("store_id", "=", store.id)]))
        stored = Event._store_event(store, self.event(external_id="1234@5678"), b"{}")
        self.assertEqual(stored.external_id, "1234@5678")
        # an event without parsed payload keeps its raw body, as text PostgreSQL takes
        raw = Event._store_event(store, self.event(delivery_id="raw-1", payload=None), b"id=1\x00&note=\xff")
        self.assertEqual(raw.sudo().payload, "id=1\ufffd&note=\ufffd")

    def test_a_racing_redelivery_keeps_the_payload_out_of_the_failing_statement(self):
        """Two deliveries of one webhook in two transactions at once, as a served Odoo handles them.

        The later one's insert fails (serialization) and Odoo retries its
        request; PostgreSQL and Odoo log the failed statement with its values.
        """
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            store_id = env["ecommerce.store"].create({"name": "Race Shop", "platform": "memory"}).id
        self.addCleanup(self._drop_store, store_id)
        event = self.event()
        body = json.dumps(event.payload).encode()
        handler = _Records()
        logging.getLogger().addHandler(handler)
        self.addCleanup(logging.getLogger().removeHandler, handler)

        with self.registry.cursor() as first_cr, self.registry.cursor() as second_cr:
            first = api.Environment(first_cr, SUPERUSER_ID, {})
            second = api.Environment(second_cr, SUPERUSER_ID, {})
            second_cr.execute("SELECT 1")  # the second request's transaction has begun
            stored = first["ecommerce.webhook.event"]._store_event(
                first["ecommerce.store"].browse(store_id), event, body
            )
            self.assertTrue(stored)
            first_cr.commit()
            with self.assertRaises(SerializationFailure):
                second["ecommerce.webhook.event"]._store_event(second["ecommerce.store"].browse(store_id), event, body)
            failed_statement = second_cr._obj.query.decode()
            second_cr.rollback()

        self.assertIn("race-1", failed_statement, "the statement that failed is the event's insert")
        for secret in (EMAIL, PHONE, "Secret Lane"):
            self.assertNotIn(secret, failed_statement)
            self.assertFalse([message for message in handler.records if secret in message], secret)

        # the retried request finds the event; the payload is kept whole
        with self.registry.cursor() as retry_cr:
            retry = api.Environment(retry_cr, SUPERUSER_ID, {})
            Event = retry["ecommerce.webhook.event"]
            self.assertFalse(Event._store_event(retry["ecommerce.store"].browse(store_id), event, body))
            kept = Event.search([("store_id", "=", store_id)])
            self.assertEqual(len(kept), 1)
            self.assertEqual(json.loads(kept.payload)["email"], EMAIL)

    def _drop_store(self, store_id):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["ecommerce.store"].browse(store_id).unlink()
