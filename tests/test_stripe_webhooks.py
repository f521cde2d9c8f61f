"""Stripe webhooks: signatures (forged, stale, rotated secrets), events -> flows, delivery from the sandbox."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from stripe_support import SECRET, connector_for, of_type

from odoo.addons.ecommerce_sync.connector import WebhookError
from odoo.addons.ecommerce_sync_stripe.connector import StripeConnector
from odoo.addons.ecommerce_sync_stripe.connector import webhooks as stripe_webhooks
from odoo.addons.ecommerce_sync_stripe.sandbox import StripeSandbox, WebhookSender, signature_header

KEY = "sk_test_51WebhookTests000000000000"
OLD, NEW = "whsec_old_secret_of_the_endpoint", "whsec_new_secret_of_the_endpoint"


def event(kind, obj, livemode=False, event_id="evt_1WebhookTest0001"):
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "livemode": livemode,
        "created": 1,
        "data": {"object": obj},
    }


def signed(body, secrets, stamp=None):
    stamp = int(time.time()) if stamp is None else stamp
    return {"Stripe-Signature": signature_header(secrets, body, stamp), "Content-Type": "application/json"}


def connector(**config):
    return StripeConnector({"secret_key": KEY, **config})


BODY = json.dumps(event("payout.paid", {"id": "po_1Paid000000001", "object": "payout"})).encode()


def test_a_signed_delivery_verifies_and_anything_else_is_refused():
    store = connector(webhook_secret=NEW)
    assert store.verify_webhook(signed(BODY, [NEW]), BODY)
    assert not store.verify_webhook(signed(BODY, ["whsec_forged"]), BODY)
    assert not store.verify_webhook(signed(BODY, [NEW]), BODY + b" ")  # the raw body, byte for byte
    assert not store.verify_webhook({}, BODY)
    assert not store.verify_webhook({"Stripe-Signature": "t=abc,v1=00"}, BODY)
    assert not store.verify_webhook({"Stripe-Signature": f"v1={stripe_webhooks.sign(NEW, BODY, 1)}"}, BODY)
    assert not connector().verify_webhook(signed(BODY, [NEW]), BODY)  # no secret: nothing verifies


def test_stale_and_future_deliveries_are_refused():
    store = connector(webhook_secret=NEW)
    now = int(time.time())
    assert store.verify_webhook(signed(BODY, [NEW], now - 290), BODY)
    assert not store.verify_webhook(signed(BODY, [NEW], now - 301), BODY)
    assert not store.verify_webhook(signed(BODY, [NEW], now + 301), BODY)
    # a replay of an old delivery with its then-valid signature
    assert stripe_webhooks.verify([NEW], signed(BODY, [NEW], 1000), BODY, now=1100)
    assert not stripe_webhooks.verify([NEW], signed(BODY, [NEW], 1000), BODY, now=1400)


def test_two_secrets_are_accepted_while_one_is_rolled():
    rolling = connector(webhook_secrets=[OLD, NEW])
    assert rolling.verify_webhook(signed(BODY, [OLD]), BODY)
    assert rolling.verify_webhook(signed(BODY, [NEW]), BODY)
    assert rolling.verify_webhook(signed(BODY, [OLD, NEW]), BODY)
    rolled = connector(webhook_secrets=[NEW], webhook_secret="")
    assert not rolled.verify_webhook(signed(BODY, [OLD]), BODY)
    assert rolled.verify_webhook(signed(BODY, [OLD, NEW]), BODY)
    assert connector(webhook_secrets=[" ", NEW], webhook_secret=NEW).webhook_secrets == [NEW]


@pytest.mark.parametrize(
    ("kind", "obj", "flow", "external_id"),
    [
        ("charge.succeeded", {"id": "ch_1A", "object": "charge"}, "orders", "ch_1A"),
        ("charge.failed", {"id": "ch_1B", "object": "charge"}, "orders", "ch_1B"),
        ("payment_intent.payment_failed", {"id": "pi_1C", "object": "payment_intent"}, "orders", "pi_1C"),
        ("checkout.session.completed", {"id": "cs_test_1D", "payment_intent": "pi_1D"}, "orders", "pi_1D"),
        ("charge.refunded", {"id": "ch_1E", "object": "charge"}, "refunds", "ch_1E"),
        ("refund.updated", {"id": "re_1F", "object": "refund"}, "refunds", "re_1F"),
        ("charge.dispute.created", {"id": "dp_1G", "object": "dispute"}, "payouts", "dp_1G"),
        ("charge.dispute.closed", {"id": "dp_1G", "object": "dispute"}, "payouts", "dp_1G"),
        ("payout.paid", {"id": "po_1H", "object": "payout"}, "payouts", "po_1H"),
        ("payout.failed", {"id": "po_1H", "object": "payout"}, "payouts", "po_1H"),
        ("payout.reconciliation_completed", {"id": "po_1H", "object": "payout"}, "payouts", "po_1H"),
    ],
)
def test_events_are_hints_to_read_the_object_again(kind, obj, flow, external_id):
    body = json.dumps(event(kind, obj)).encode()
    parsed = connector().parse_webhook(signed(body, [NEW]), body)
    assert (parsed.delivery_id, parsed.topic, parsed.flow, parsed.external_id) == (
        "evt_1WebhookTest0001",
        kind,
        flow,
        external_id,
    )
    assert parsed.refetch and parsed.dedupe_key == "evt_1WebhookTest0001"


def test_events_without_anything_to_import_are_acknowledged():
    for kind, obj in (
        ("customer.created", {"id": "cus_1", "object": "customer"}),
        ("checkout.session.completed", {"id": "cs_test_1", "payment_intent": None, "mode": "setup"}),
    ):
        body = json.dumps(event(kind, obj)).encode()
        parsed = connector().parse_webhook({}, body)
        assert parsed.flow == "" and parsed.topic == kind


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "not a Stripe event"),
        (json.dumps({"object": "event", "id": "../x", "type": "payout.paid"}).encode(), "no valid id"),
        (json.dumps(event("payout.paid", "po_1")).encode(), "carries no object"),
        (json.dumps(event("payout.paid", {"id": "po_1/../../account"})).encode(), "no valid id"),
        (json.dumps(event("payout.paid", {"id": "po_1"}, livemode=True)).encode(), "live mode event sent to a test"),
    ],
)
def test_requests_that_are_not_stripe_events_of_this_mode_are_refused(body, message):
    with pytest.raises(WebhookError, match=message):
        connector().parse_webhook({}, body)


class _Receiver(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver.received
    server.shutdown()
    server.server_close()


def test_the_sandbox_delivers_signed_events_the_connector_reads_and_refetches(receiver):
    url, received = receiver
    with StripeSandbox(seed=9, days=14) as server:
        server.account.webhooks = WebhookSender(url, [SECRET])
        charge = server.account.objects[server.account.lists["charges"][-3]]
        server.account.dispute(charge["id"], int(time.time()))
        store = connector_for(server)
        kinds = []
        for headers, body in received:
            assert store.verify_webhook(headers, body)
            parsed = store.parse_webhook(headers, body)
            kinds.append(parsed.topic)
            assert parsed.flow == "payouts" and parsed.external_id.startswith("dp_")
            fetched = store.fetch_record(parsed.flow, parsed.external_id)
            [dispute] = of_type(store.parse(parsed.flow, fetched.payload), "Dispute")
            assert dispute.status == "needs_response" and dispute.withdrawn == dispute.amount
        assert kinds == ["charge.dispute.created", "charge.dispute.funds_withdrawn"]
        # a redelivery has the same event id: the base stores it once
        first = store.parse_webhook(*received[0])
        again = store.parse_webhook(*received[0])
        assert first.dedupe_key == again.dedupe_key
