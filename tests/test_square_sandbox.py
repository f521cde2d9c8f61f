"""The Square sandbox itself: seeded data, Square's paging and errors, idempotency, the process entry point."""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests
from conftest import REPO
from square_support import DEFAULT_TOKEN, start_sandbox

from odoo.addons.ecommerce_sync_square.connector import SquareConnector
from odoo.addons.ecommerce_sync_square.sandbox import SandboxSeller, WebhookSender, generate
from odoo.addons.ecommerce_sync_square.sandbox.__main__ import build, parse_args

LAUNCHER = (
    # the suites' conftest puts the addons in the odoo.addons namespace, with or without Odoo
    "import runpy, sys; sys.path.insert(0, sys.argv[1] + '/tests'); import conftest; "
    "sys.argv = ['sandbox'] + sys.argv[2:]; "
    "runpy.run_module('odoo.addons.ecommerce_sync_square.sandbox', run_name='__main__', alter_sys=True)"
)


@pytest.fixture
def server():
    server = start_sandbox(seed=3, orders=24, page_size=4)
    yield server
    server.stop()


def call(server, method, path, token=DEFAULT_TOKEN, **kwargs):
    headers = {"Authorization": f"Bearer {token}", "Square-Version": "2026-09-16"}
    return requests.request(method, server.url + path, headers=headers, timeout=10, **kwargs)


def test_the_data_is_seeded_and_complete():
    first, again, other = generate(seed=4, orders=30), generate(seed=4, orders=30), generate(seed=5, orders=30)
    assert json.dumps(first["orders"], sort_keys=True) == json.dumps(again["orders"], sort_keys=True)
    assert first["orders"].keys() != other["orders"].keys()
    assert len({loc["id"] for loc in first["locations"]}) == 3
    orders = list(first["orders"].values())
    assert any(o.get("returns") for o in orders) and any(o.get("service_charges") for o in orders)
    assert any(o["taxes"][0]["type"] == "INCLUSIVE" for o in orders if o.get("taxes"))
    assert any(o["taxes"][0]["type"] == "ADDITIVE" for o in orders if o.get("taxes"))
    fees = [fee["type"] for p in first["payments"].values() for fee in p["processing_fee"]]
    assert "INITIAL" in fees and "ADJUSTMENT" in fees
    for payout_id, payout in first["payouts"].items():
        nets = sum(entry["net_amount_money"]["amount"] for entry in first["entries"][payout_id])
        assert nets == payout["amount_money"]["amount"]


def test_cursors_are_bound_to_their_query(server):
    location = server.seller.location_id("cafe")
    body = {"location_ids": [location], "limit": 2}
    first = call(server, "POST", "/v2/orders/search", json=body).json()
    assert len(first["orders"]) == 2 and first["cursor"]
    following = call(server, "POST", "/v2/orders/search", json={**body, "cursor": first["cursor"]}).json()
    assert following["orders"][0]["id"] != first["orders"][0]["id"]
    other = {"location_ids": [server.seller.location_id("kiosk")], "cursor": first["cursor"]}
    refused = call(server, "POST", "/v2/orders/search", json=other)
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "INVALID_CURSOR"


def test_errors_use_square_envelopes(server):
    too_many = call(server, "POST", "/v2/orders/search", json={"location_ids": [f"L{i}" for i in range(11)]})
    assert too_many.status_code == 400 and too_many.json()["errors"][0]["field"] == "location_ids"
    missing = call(server, "GET", "/v2/payments/NOPE")
    assert missing.status_code == 404 and missing.json()["errors"][0]["category"] == "INVALID_REQUEST_ERROR"
    refused = call(server, "GET", "/v2/locations", token="EAAA-wrong")
    assert refused.status_code == 401 and refused.json()["errors"][0]["code"] == "UNAUTHORIZED"
    server.throttle_next(1)
    limited = call(server, "GET", "/v2/locations")
    assert limited.status_code == 429 and limited.json()["errors"][0]["code"] == "RATE_LIMITED"
    bad_version = requests.get(
        server.url + "/v2/locations",
        headers={"Authorization": f"Bearer {DEFAULT_TOKEN}", "Square-Version": "latest"},
        timeout=10,
    )
    assert bad_version.json()["errors"][0]["code"] == "INVALID_SQUARE_VERSION_FORMAT"


def test_inventory_changes_apply_once_per_idempotency_key(server):
    (variation, location), count = next(iter(server.seller.data["counts"].items()))
    change = {
        "type": "PHYSICAL_COUNT",
        "physical_count": {
            "catalog_object_id": variation,
            "location_id": location,
            "state": "IN_STOCK",
            "quantity": "11",
        },
    }
    body = {"idempotency_key": "key-1", "changes": [change]}
    assert call(server, "POST", "/v2/inventory/changes/batch-create", json=body).json()["counts"][0]["quantity"] == "11"
    server.seller.data["counts"][(variation, location)]["quantity"] = "12"
    repeated = call(server, "POST", "/v2/inventory/changes/batch-create", json=body).json()
    assert repeated["counts"][0]["quantity"] == "11"
    assert server.seller.data["counts"][(variation, location)]["quantity"] == "12"
    too_many = call(
        server, "POST", "/v2/inventory/changes/batch-create", json={"idempotency_key": "k2", "changes": [change] * 101}
    )
    assert too_many.status_code == 400


def test_the_command_line_options_build_the_server():
    server = build(parse_args(["--orders", "6", "--page-size", "3", "--error-rate", "0.5", "--malformed", "1"]))
    try:
        assert server.max_page_size == 3 and server.error_rate == 0.5
        sales = [o for o in server.seller.data["orders"].values() if o.get("line_items")]
        assert sales[0]["line_items"][0]["gross_sales_money"]["amount"] == "12.50"
    finally:
        server.httpd.server_close()


def test_it_runs_as_a_module():
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(REPO), "--port", "0", "--orders", "8"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        info = json.loads(process.stdout.readline())
        answer = requests.get(
            info["url"] + "/v2/merchants/me", headers={"Authorization": f"Bearer {info['token']}"}, timeout=10
        )
        assert answer.json()["merchant"]["currency"] == "USD"
        assert len(info["locations"]) == 3
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_error_rate_and_latency_knobs(server):
    server.error_rate = 1.0
    failed = call(server, "GET", "/v2/locations")
    assert failed.status_code == 503 and failed.json()["errors"][0]["code"] == "SERVICE_UNAVAILABLE"
    server.error_rate = 0.0
    server.latency = 0.01
    assert call(server, "GET", "/v2/locations").status_code == 200


def test_webhooks_are_posted_signed_to_the_subscriber():
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=httpd.handle_request, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/ecommerce_sync/webhook/square/1"
    sender = WebhookSender(url, "key-0001", "MERCHANT0001", deliver=True)
    seller = SandboxSeller(generate(seed=2, orders=6), webhooks=sender, seed=2)
    seller.sell("online")
    thread.join(timeout=10)
    httpd.server_close()
    ((headers, body),) = received
    square = SquareConnector({"webhook_signature_key": "key-0001", "notification_url": url}, client=object())
    assert square.verify_webhook(headers, body)
    assert json.loads(body)["type"] == "order.created"
    with pytest.raises(ValueError, match="this machine only"):
        WebhookSender("http://192.0.2.10/hook", "key", deliver=True)
