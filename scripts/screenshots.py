"""Screenshots of the screens people work in, taken by headless Chromium from a running demo.

Start the demo first (``./demo.sh``, Odoo left running), then, with the project's environment::

    .venv/bin/python scripts/screenshots.py [--url http://localhost:8069] [--out .local/screenshots]

It logs in as admin/admin and saves, as PNG files in ``--out`` (outside the repository's tracked
files): the dashboard, the first store's form, a payout (the orders, refunds and fees it settled,
and its bank match), the channel report (pivot), the order analysis (graph) and the values sent by
the stores. Needs ``chromium`` (Debian's package),
``requests`` and ``websocket-client``.
"""

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

EXECUTABLES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class Browser:
    """A headless Chromium driven through its DevTools protocol."""

    def __init__(self, width=1440, height=1000):
        executable = next(filter(None, (shutil.which(name) for name in EXECUTABLES)), None)
        if not executable:
            raise SystemExit("Chromium was not found (Debian: apt-get install chromium).")
        self.profile = tempfile.mkdtemp(prefix="ecommerce-screens-")
        self.process = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _attempt in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().splitlines()[0]
        targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=10).json()
        page = next(target for target in targets if target["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.ids = 0
        self.send("Page.enable")
        self.send("Network.enable")

    def send(self, method, **params):
        self.ids += 1
        self.socket.send(json.dumps({"id": self.ids, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.ids:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(f"!!document.querySelector({json.dumps(selector)})"):
                return True
            time.sleep(0.3)
        return False

    def open(self, url, selector, settle=1.5):
        self.send("Page.navigate", url=url)
        time.sleep(0.5)
        if not self.wait_for(selector):
            print(f"    (waited in vain for {selector} on {url})")
        time.sleep(settle)  # let charts and lazy widgets draw

    def resize(self, width, height):
        """Draw the page at ``width`` x ``height`` CSS pixels (a long form in one picture)."""
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=20)
        shutil.rmtree(self.profile, ignore_errors=True)


def call(session, base, model, method, *args, **kwargs):
    """A JSON-RPC call to Odoo with the logged-in session."""
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
    }
    answer = session.post(f"{base}/web/dataset/call_kw", json=payload, timeout=60).json()
    if "error" in answer:
        raise RuntimeError(answer["error"]["data"]["message"])
    return answer["result"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / ".local" / "screenshots"))
    parser.add_argument("--database", default="ecommerce_sync_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    session = requests.Session()
    login = {"jsonrpc": "2.0", "params": {"db": args.database, "login": args.login, "password": args.password}}
    answer = session.post(f"{base}/web/session/authenticate", json=login, timeout=60).json()
    if answer.get("error"):
        raise SystemExit(f"Login refused: {answer['error']['data']['message']}")
    stores = call(session, base, "ecommerce.store", "search_read", [], ["name"], order="id")
    payout_domain = [("kind", "=", "payout"), ("res_model", "=", "account.payment")]
    payouts = call(
        session, base, "ecommerce.binding", "search_read", payout_domain, ["res_id"], limit=1, order="id desc"
    )

    browser = Browser()
    try:
        cookie = session.cookies.get("session_id")
        host = base.split("//", 1)[1].split("/")[0].split(":")[0]
        browser.send("Network.setCookie", name="session_id", value=cookie, domain=host, path="/")
        shots = [
            ("dashboard", "/odoo/action-ecommerce_sync.ecommerce_store_action_dashboard", ".o_kanban_record"),
            ("channel_report", "/odoo/action-ecommerce_sync.ecommerce_channel_report_action", ".o_pivot"),
            ("order_analysis", "/odoo/action-ecommerce_sync.ecommerce_order_report_action", ".o_graph_renderer"),
            ("store_values", "/odoo/action-ecommerce_sync.ecommerce_store_value_action", ".o_list_view"),
        ]
        if stores:
            store_url = f"/odoo/action-ecommerce_sync.ecommerce_store_action/{stores[0]['id']}"
            shots.insert(1, ("store_form", store_url, ".o_form_view"))
        if payouts:
            # the payout's form with its Payout page: what it settled and its bank match
            payout_url = f"/odoo/action-account.action_account_all_payments/{payouts[0]['res_id']}"
            shots.insert(2, ("payout", payout_url, ".o_form_view .o_ecommerce_payout_lines .o_data_row", 1700))
        for name, path, selector, *height in shots:
            browser.resize(1440, height[0] if height else 1000)
            browser.open(base + path, selector)
            target = out / f"{name}.png"
            browser.screenshot(target)
            print(f"    {target}")
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
