"""Signed malformed webhooks sent to the webhook controller, for a store of any platform.

A platform's ``HttpCase`` mixes :class:`MalformedWebhookProbe` in and says how
its platform signs and sends a delivery; the probe sends, correctly signed,
bodies whose id or date holds a NUL or a lone surrogate, ids that leave the
API path, ids and delivery ids too long for an index, invalid UTF-8 and JSON
nested deeply enough to exhaust a parser, then checks that each is refused
with a clear 400 (never a server error) and that nothing was stored or made.
"""

import hashlib
import json

#: nesting beyond Python's recursion limit (the parser would fail with RecursionError)
DEEP = 100_000


def _unguessable(length):
    """Hex text of ``length`` characters that does not compress (as PostgreSQL's index would store it)."""
    text, seed = "", b"probe"
    while len(text) < length:
        seed = hashlib.sha256(seed).digest()
        text += seed.hex()
    return text[:length]


class MalformedWebhookProbe:
    """The probe of one store's webhook address.

    The test class provides:

    * ``probe_store``: the store, with its webhook secret;
    * ``probe_payload()``: a valid payload of an event the store would process (a dict);
    * ``probe_id_key`` and ``probe_date_key``: the payload's id and date (its revision) keys;
    * ``probe_deliver(body, delivery_id)``: the raw ``body`` signed and posted as the
      platform does; returns ``(HTTP status, answer as a dict)``.
    """

    probe_id_key = "id"
    probe_date_key = "updated_at"

    def probe_payload(self):
        raise NotImplementedError

    def probe_deliver(self, body, delivery_id):
        raise NotImplementedError

    def _probe_bodies(self):
        """``{case: (raw body, delivery id)}``: every malformed delivery, each with its own delivery id."""
        payload = self.probe_payload()

        def with_value(key, value):
            return json.dumps({**payload, key: value}).encode()

        valid = json.dumps(payload).encode()
        invalid_utf8 = with_value(self.probe_id_key, "probe-id").replace(b'"probe-id"', b'"\xed\xa0\x80"')
        nested = b"[" * DEEP + b"]" * DEEP
        moderately_nested = b"[" * 200 + b"]" * 200
        return {
            "id with a NUL": (with_value(self.probe_id_key, "1\x00"), "probe-nul-id"),
            "id with a lone surrogate": (with_value(self.probe_id_key, "1\ud800"), "probe-surrogate-id"),
            "id leaving the API path": (with_value(self.probe_id_key, "1/../../shop"), "probe-path-id"),
            "id over 2.7 KB": (with_value(self.probe_id_key, _unguessable(3000)), "probe-long-id"),
            "date with a NUL": (with_value(self.probe_date_key, "2025-03-01T10:00:00Z\x00"), "probe-nul-date"),
            "date with a lone surrogate": (with_value(self.probe_date_key, "2025-03-01\udc00"), "probe-surrogate-date"),
            "date over 2.7 KB": (with_value(self.probe_date_key, _unguessable(3000)), "probe-long-date"),
            "delivery id over 2.7 KB": (valid, _unguessable(3000)),
            "delivery id with a control character": (valid, "probe-\x01"),
            "delivery id leaving a path": (valid, "../../probe"),
            "invalid UTF-8": (invalid_utf8, "probe-utf8"),
            "deeply nested JSON": (valid[:-1] + b', "probe": ' + nested + b"}", "probe-deep"),
            "nested beyond the limit": (valid[:-1] + b', "probe": ' + moderately_nested + b"}", "probe-nested"),
        }

    def _probe_documents(self):
        store = self.probe_store
        return {
            "events": self.env["ecommerce.webhook.event"].search_count([("store_id", "=", store.id)]),
            "sale orders": self.env["sale.order"].search_count([("ecommerce_store_id", "=", store.id)]),
            "entries": self.env["account.move"].search_count([("ecommerce_store_id", "=", store.id)]),
            "bindings": self.env["ecommerce.binding"].search_count([("store_id", "=", store.id)]),
            "store variants": self.env["ecommerce.product.link"].search_count([("store_id", "=", store.id)]),
            "failed records": self.env["ecommerce.sync.log.line"].search_count([("store_id", "=", store.id)]),
        }

    def test_signed_malformed_deliveries_get_a_400_and_make_nothing(self):
        before = self._probe_documents()
        status, answer = self.probe_deliver(json.dumps(self.probe_payload()).encode(), "probe-valid")
        self.assertEqual((status, answer.get("status")), (200, "accepted"), "the probe signs as the platform does")
        self.env["ecommerce.webhook.event"].search(
            [("store_id", "=", self.probe_store.id), ("delivery_id", "=", "probe-valid")]
        ).unlink()

        for case, (body, delivery_id) in self._probe_bodies().items():
            with self.subTest(case=case):
                status, answer = self.probe_deliver(body, delivery_id)
                self.assertEqual(status, 400, f"{case}: {answer}")
                self.assertTrue(answer.get("status"), "the answer says what is wrong")
        self.env["ecommerce.webhook.event"]._cron_process()
        self.assertEqual(self._probe_documents(), before)
