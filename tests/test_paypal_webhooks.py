"""PayPal webhooks: offline RSA signatures over PayPal's chain (valid, forged, wrong host, stale, replayed),
PayPal's own verdict when offline is not possible, and events -> flows."""

import json
from datetime import datetime, timedelta, timezone

import pytest
import responses
from paypal_support import WEBHOOK_ID, connector_for, forget_tokens

from odoo.addons.ecommerce_sync.connector import WebhookError
from odoo.addons.ecommerce_sync_paypal.connector import certificates
from odoo.addons.ecommerce_sync_paypal.connector import webhooks as paypal_webhooks
from odoo.addons.ecommerce_sync_paypal.sandbox import PayPalSandbox, SigningCertificate, WebhookSender


@pytest.fixture(scope="module")
def sandbox():
    forget_tokens()
    with PayPalSandbox(seed=6, days=14) as server:
        server.deliver_to("http://127.0.0.1:9/unused", WEBHOOK_ID, enabled=False)
        yield server


@pytest.fixture(autouse=True)
def fresh_certificates():
    certificates.forget()
    yield
    certificates.forget()


def capture_event(sandbox):
    sender = sandbox.account.webhooks
    capture = next(iter(sandbox.account.captures.values()))
    return sender.event("PAYMENT.CAPTURE.COMPLETED", capture, datetime.now(timezone.utc), "capture")


def test_a_delivery_signed_with_paypals_chain_verifies_and_a_forged_one_does_not(sandbox):
    connector = connector_for(sandbox)
    sender = sandbox.account.webhooks
    delivery = sender.build(capture_event(sandbox))
    assert connector.verify_webhook(delivery.headers, delivery.body)
    assert not connector.verify_webhook(delivery.headers, delivery.body + b" ")  # the raw body, byte for byte
    forged = json.loads(delivery.body)
    forged["resource"]["amount"]["value"] = "0.01"
    assert not connector.verify_webhook(delivery.headers, json.dumps(forged).encode())
    for header in ("PAYPAL-TRANSMISSION-ID", "PAYPAL-TRANSMISSION-SIG", "PAYPAL-CERT-URL", "PAYPAL-TRANSMISSION-TIME"):
        assert not connector.verify_webhook({k: v for k, v in delivery.headers.items() if k != header}, delivery.body)
    # signed for another webhook of the app
    assert not connector_for(sandbox, webhook_id="8PT597110X687430L").verify_webhook(delivery.headers, delivery.body)
    # a key of the forger's own, even with PayPal's name, served from the same place
    own = SigningCertificate()
    other = WebhookSender(sender.url, WEBHOOK_ID, sender.cert_url, own, enabled=False).build(capture_event(sandbox))
    assert not connector.verify_webhook(other.headers, other.body)


def test_the_certificate_is_only_fetched_from_paypal(sandbox):
    sender = sandbox.account.webhooks
    delivery = sender.build(capture_event(sandbox))
    for url in (
        "https://evil.example.com/v1/notifications/certs/CERT-1",
        "https://api.paypal.com.evil.example.com/v1/notifications/certs/CERT-1",
        "http://api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.sandbox.paypal.com/v1/other/CERT-1",
        "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-1?x=https://evil",
        "https://user@api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
    ):
        with pytest.raises(certificates.CertificateRefused):
            certificates.check_url(url, "sandbox")
    assert certificates.check_url("https://api.paypal.com/v1/notifications/certs/CERT-1", "live")
    with pytest.raises(certificates.CertificateRefused):
        certificates.check_url("https://api.paypal.com/v1/notifications/certs/CERT-1", "sandbox")
    # the sandbox's local address is a local test account's only
    with pytest.raises(certificates.CertificateRefused):
        certificates.check_url(sender.cert_url, "sandbox", local_test_account=False)
    fetched = []
    values = {**delivery.headers, "PAYPAL-CERT-URL": "https://evil.example.com/v1/notifications/certs/CERT-1"}
    assert not paypal_webhooks.verify(None, WEBHOOK_ID, values, delivery.body, "sandbox", True, fetched.append)
    assert fetched == []  # refused before anything was fetched


def test_stale_and_replayed_deliveries(sandbox):
    connector = connector_for(sandbox)
    sender = sandbox.account.webhooks
    event = capture_event(sandbox)
    now = datetime.now(timezone.utc)
    assert connector.verify_webhook(sender.build(event, now - timedelta(seconds=290)).headers,
                                    sender.build(event, now - timedelta(seconds=290)).body)  # fmt: skip
    stale = sender.build(event, now - timedelta(seconds=400))
    assert not connector.verify_webhook(stale.headers, stale.body)
    future = sender.build(event, now + timedelta(seconds=400))
    assert not connector.verify_webhook(future.headers, future.body)
    # a replay within the tolerance verifies, and is the same event: stored once
    delivery = sender.build(event)
    first = connector.parse_webhook(delivery.headers, delivery.body)
    assert connector.verify_webhook(delivery.headers, delivery.body)
    again = connector.parse_webhook(delivery.headers, delivery.body)
    assert first.dedupe_key == again.dedupe_key == event["id"]


def test_the_chain_is_checked_and_cached(sandbox):
    chain = certificates.split_pem(sandbox.certificate.pem_chain)
    key = certificates.signing_key(chain, "sandbox", local_test_account=True)
    assert key.public_numbers() == sandbox.certificate.key.public_key().public_numbers()
    with pytest.raises(certificates.CertificateUndetermined):
        certificates.signing_key(chain, "sandbox")  # the sandbox's root is no root of the trust store
    with pytest.raises(certificates.CertificateRefused, match="signing certificate"):
        certificates.signing_key(chain, "live", local_test_account=True)
    with pytest.raises(certificates.CertificateRefused, match="validity"):
        certificates.signing_key(chain, "sandbox", True, now=datetime.now(timezone.utc) + timedelta(days=800))
    with pytest.raises(certificates.CertificateRefused, match="broken"):
        certificates.signing_key([chain[0], SigningCertificate().root], "sandbox", True)
    downloads = []

    def download(url):
        downloads.append(url)
        return sandbox.certificate.pem_chain

    connector = connector_for(sandbox)
    sender = sandbox.account.webhooks
    for _ in range(3):
        delivery = sender.build(capture_event(sandbox))
        values = delivery.headers
        assert paypal_webhooks.verify(connector.client, WEBHOOK_ID, values, delivery.body, "sandbox", True, download)
    assert downloads == [sender.cert_url]


def test_paypal_decides_when_the_chain_cannot_be_anchored_here(sandbox):
    """A live store gets the sandbox's chain (its root is unknown here): PayPal's verify call decides."""
    sender = sandbox.account.webhooks
    delivery = sender.build(capture_event(sandbox))
    values = {**delivery.headers, "PAYPAL-CERT-URL": "https://api.sandbox.paypal.com/v1/notifications/certs/" +
              sandbox.certificate.cert_id}  # fmt: skip
    connector = connector_for(sandbox)
    assert paypal_webhooks.verify(connector.client, WEBHOOK_ID, values, delivery.body, "sandbox", False,
                                  lambda url: sandbox.certificate.pem_chain)  # fmt: skip
    assert sandbox.calls("/v1/notifications/verify-webhook-signature")[-1][3] == 200
    forged = delivery.body.replace(b"COMPLETED", b"DECLINED", 1)
    assert not paypal_webhooks.verify(connector.client, WEBHOOK_ID, values, forged, "sandbox", False,
                                      lambda url: sandbox.certificate.pem_chain)  # fmt: skip


@responses.activate
def test_an_unreachable_certificate_service_leaves_it_to_paypal():
    forget_tokens()
    api = "https://api-m.sandbox.paypal.com"
    cert_url = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-aaaaaaaa"
    responses.get(cert_url, status=503)
    responses.post(f"{api}/v1/oauth2/token", json={"access_token": "A21AAx", "expires_in": 32400})
    responses.post(f"{api}/v1/notifications/verify-webhook-signature", json={"verification_status": "SUCCESS"})
    connector = connector_for(api, client_id="AZresponses-client-id-0000", webhook_id=WEBHOOK_ID, api_base="",
                              local_test_account=False)  # fmt: skip
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = {"PAYPAL-TRANSMISSION-ID": "69cd13f0-d67a-11e5-baa3-778b53f4ae55", "PAYPAL-TRANSMISSION-TIME": stamp,
               "PAYPAL-TRANSMISSION-SIG": "bG1JOTVKeDNZOW5oUjVTSldsSFZJV3BnNEFnRms3bjliQ0hTUnhicmQ4QTl6",
               "PAYPAL-CERT-URL": cert_url, "PAYPAL-AUTH-ALGO": "SHA256withRSA"}  # fmt: skip
    body = json.dumps({"id": "WH-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": {}}).encode()
    assert connector.verify_webhook(headers, body)
    sent = json.loads(responses.calls[-1].request.body)
    assert sent["webhook_id"] == WEBHOOK_ID and sent["cert_url"] == cert_url and sent["webhook_event"]["id"] == "WH-1"


def test_events_are_hints_for_their_flow(sandbox):
    connector = connector_for(sandbox)
    sender = sandbox.account.webhooks
    account = sandbox.account
    refund = next(iter(account.refunds.values()))
    dispute_id, dispute = next(iter(account.disputes.items()))
    at = datetime.now(timezone.utc)
    cases = [
        (sender.event("PAYMENT.CAPTURE.COMPLETED", next(iter(account.captures.values())), at, "capture"), "orders"),
        (sender.event("PAYMENT.CAPTURE.DENIED", next(iter(account.captures.values())), at, "capture"), "orders"),
        (sender.event("PAYMENT.CAPTURE.REFUNDED", refund, at, "refund"), "refunds"),
        (sender.event("CUSTOMER.DISPUTE.CREATED", dispute, at, "dispute"), "payouts"),
        (sender.event("CUSTOMER.DISPUTE.RESOLVED", dispute, at, "dispute"), "payouts"),
    ]
    for event, flow in cases:
        parsed = connector.parse_webhook({}, json.dumps(event).encode())
        assert parsed.flow == flow and parsed.refetch and parsed.delivery_id == event["id"]
        record = connector.fetch_record(flow, parsed.external_id)
        assert connector.parse(flow, record.payload), event["event_type"]
    assert connector.parse_webhook({}, json.dumps(cases[3][0]).encode()).external_id == dispute_id
    ignored = sender.event("BILLING.PLAN.CREATED", {"id": "P-1"}, at, "plan")
    assert connector.parse_webhook({}, json.dumps(ignored).encode()).flow == ""
    for body in (b"not json", b"[]", json.dumps({"event_type": "PAYMENT.CAPTURE.COMPLETED", "id": "../x"}).encode(),
                 json.dumps({**cases[0][0], "resource": {"id": "../../v1/oauth2/token"}}).encode()):  # fmt: skip
        with pytest.raises(WebhookError):
            connector.parse_webhook({}, body)
