"""The demo: a database with the addons, sandbox stores, a full sync, a summary, and Odoo left running.

1. finds Odoo and PostgreSQL as the test command does, and creates the database (anew);
2. starts the Shopify sandbox with generated orders (and, with ``--woocommerce``, a WooCommerce
   sandbox site selling the same SKUs with the Stripe account taking its card payments, and with
   ``--paypal`` too the PayPal account taking its PayPal payments; with ``--square``, a Square seller
   with two registers and an online store; with ``--stripe``, a Stripe account selling on its own;
   with ``--paypal`` but no site, a PayPal account selling on its own), as separate processes;
3. inside Odoo (``demo_setup.py``): sets the company up as a merchant would, connects the stores
   to the sandboxes, runs the first full sync with a progress display and prints the summary;
4. starts Odoo at http://localhost:<port> and waits; Ctrl-C stops Odoo, the sandboxes and the
   private PostgreSQL cluster.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from . import demo_dates, odoo_finder, postgres, ui
from .odoo_run import OdooDatabase, addon_names, free_port
from .venv import Venv

HERE = Path(__file__).resolve().parent
SANDBOX_LAUNCHER = (
    "import runpy, sys; import odoo.addons; odoo.addons.__path__.append(sys.argv[1]); "
    "sys.path.insert(0, sys.argv[3]); import demo_dates; demo_dates.shift(sys.argv[2], sys.argv[4]); "
    "sys.argv = [sys.argv[2]] + sys.argv[5:]; "
    "runpy.run_module('odoo.addons.' + sys.argv[0] + '.sandbox', run_name='__main__', alter_sys=True)"
)
#: the demo's payment platform accounts (``demo_stripe.py``, ``demo_paypal.py``): the same arguments as the
#: launcher above, then the module serving the account and its description
ACCOUNT_LAUNCHER = (
    "import importlib, sys; import odoo.addons; odoo.addons.__path__.append(sys.argv[1]); "
    "sys.path.insert(0, sys.argv[3]); import demo_platforms; "
    "sys.exit(demo_platforms.serve(sys.argv[6:], importlib.import_module(sys.argv[5]).start))"
)


class _Process:
    """A child process, asked to stop and killed when it has not within ``stop_timeout`` seconds."""

    def __init__(self, process, stop_timeout=20):
        self.process = process
        self.stop_timeout = stop_timeout

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Sandbox(_Process):
    """A sandbox process; its first output line (JSON) says where it listens."""

    def __init__(self, venv, repo, addon, args, log, start="", launcher=SANDBOX_LAUNCHER):
        self.log = log
        handle = log.open("w")
        process = subprocess.Popen(
            [venv.python, "-u", "-c", launcher, str(repo), addon, str(HERE), start, *args],
            stdout=subprocess.PIPE,
            stderr=handle,
            text=True,
            env={**os.environ, "TZ": "UTC"},
        )
        super().__init__(process, stop_timeout=10)
        line = self.process.stdout.readline()
        try:
            self.info = json.loads(line)
        except ValueError:
            self.stop()
            raise RuntimeError(f"The {addon} sandbox did not start (log {log}): {line.strip()}") from None


def start_account(venv, repo, platform, title, description, log):
    """A payment platform's sandbox account (``demo_<platform>.py``) in a process of its own, which keeps
    running with Odoo.

    :param dict description: the account (``{"site": ...}`` or ``{"seed": ..., "now": ...}``, see
        ``demo_platforms.py``)
    """
    addon, module = f"ecommerce_sync_{platform}", f"demo_{platform}"
    account = Sandbox(venv, repo, addon, [module, json.dumps(description)], log, launcher=ACCOUNT_LAUNCHER)
    ui.info(f"{title} sandbox at {account.info['url']} ({account.info['counts']})")
    return account


def wait_for_http(url, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def main(repo, args):
    odoo = odoo_finder.find_odoo(repo, allow_download=not args.no_download)
    if not odoo:
        ui.loud(["The demo needs Odoo 18.0, which was not found.", *odoo_finder.HOW_TO_PROVIDE.splitlines()])
        return 1
    venv = Venv(repo).ensure(odoo)
    started = time.monotonic()
    server = postgres.get_server(venv.python, repo)
    running = []
    try:
        port = free_port(args.port)
        if port != args.port:
            ui.warn(f"Port {args.port} is busy: Odoo will listen on {port}.")
        database = OdooDatabase(repo, venv, odoo, server, args.database, http_port=port)
        names = addon_names(repo, available=())
        ui.step(f"Creating database {args.database} with {', '.join(names)} (any previous one is replaced)")
        database.create(names)

        webhook_token = secrets.token_urlsafe(24)
        webhook_secret = secrets.token_urlsafe(24)
        log_dir = repo / ".local" / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        start = demo_dates.demo_start(args.orders)
        ui.step(f"Starting the Shopify sandbox with {args.orders} generated orders, placed since {start[:10]}")
        shopify = Sandbox(
            venv,
            repo,
            "ecommerce_sync_shopify",
            [
                "--orders",
                str(args.orders),
                "--seed",
                str(args.seed),
                "--webhook-url",
                f"http://127.0.0.1:{port}/ecommerce_sync/webhook/{webhook_token}",
                # joined to the option: a random secret may start with "-", which argparse takes for an option
                f"--webhook-secret={webhook_secret}",
            ],
            log_dir / "sandbox-shopify.log",
            start=start,
        )
        running.append(shopify)
        ui.info(f"Shopify sandbox at {shopify.info['url']} ({shopify.info['shop_domain']})")
        setup_args = [
            "--config",
            str(database.config),
            "--database",
            args.database,
            "--shopify",
            json.dumps({**shopify.info, "webhook_token": webhook_token, "webhook_secret": webhook_secret}),
            "--orders",
            str(args.orders),
            "--seed",
            str(args.seed),
            "--start",
            start,
        ]
        if args.woocommerce:
            catalogue = repo / ".local" / "demo-catalogue.json"
            venv.run(
                [str(HERE / "shared_catalogue.py"), str(repo), str(args.seed), str(args.orders), str(catalogue)],
                check=True,
            )
            woo_start = demo_dates.demo_start(args.orders, "ecommerce_sync_woocommerce")
            ui.step(
                f"Starting the WooCommerce sandbox with {args.orders} generated orders, same products, "
                f"placed since {woo_start[:10]}"
            )
            woo = Sandbox(
                venv,
                repo,
                "ecommerce_sync_woocommerce",
                [
                    "--json",
                    "--port",
                    "0",
                    "--profile",
                    "us",
                    "--orders",
                    str(args.orders),
                    "--seed",
                    str(args.seed),
                    "--catalogue",
                    str(catalogue),
                ],
                log_dir / "sandbox-woocommerce.log",
                start=woo_start,
            )
            running.append(woo)
            ui.info(f"WooCommerce sandbox at {woo.info['url']}")
            site = {**woo.info, "seed": args.seed, "catalogue": str(catalogue), "start": woo_start}
            setup_args.append("--woocommerce=" + json.dumps(site))
            # the Stripe account taking the site's card payments, seeded from the same site
            stripe = start_account(
                venv, repo, "stripe", "Stripe", {"site": site}, log_dir / "sandbox-stripe-woocommerce.log"
            )
            running.append(stripe)
            setup_args.append("--stripe-site=" + json.dumps(stripe.info))
            if args.paypal:
                # the PayPal account taking the site's PayPal payments, seeded from the same site
                paypal = start_account(
                    venv, repo, "paypal", "PayPal", {"site": site}, log_dir / "sandbox-paypal-woocommerce.log"
                )
                running.append(paypal)
                setup_args.append("--paypal-site=" + json.dumps(paypal.info))

        if args.stripe:
            ui.step("Starting a Stripe sandbox account selling on its own (30 days of Checkout sales)")
            account = {"seed": args.seed, "now": int(time.time())}
            stripe = start_account(venv, repo, "stripe", "Stripe", account, log_dir / "sandbox-stripe.log")
            running.append(stripe)
            setup_args.append("--stripe=" + json.dumps(stripe.info))

        if args.paypal and not args.woocommerce:
            ui.step("Starting a PayPal sandbox account selling on its own (30 days of PayPal Checkout sales)")
            account = {"seed": args.seed, "now": int(time.time())}
            paypal = start_account(venv, repo, "paypal", "PayPal", account, log_dir / "sandbox-paypal.log")
            running.append(paypal)
            setup_args.append("--paypal=" + json.dumps(paypal.info))

        if args.square:
            ui.step(f"Starting the Square sandbox with {args.orders} generated sales at three locations")
            square_token, square_key = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
            notification_url = f"http://127.0.0.1:{port}/ecommerce_sync/webhook/{square_token}"
            square = Sandbox(
                venv,
                repo,
                "ecommerce_sync_square",
                ["--orders", str(args.orders), "--seed", str(args.seed), "--webhook-url", notification_url,
                 f"--webhook-key={square_key}"],
                log_dir / "sandbox-square.log",
            )  # fmt: skip
            running.append(square)
            ui.info(f"Square sandbox at {square.info['url']} ({len(square.info['locations'])} locations)")
            info = {**square.info, "webhook_token": square_token, "webhook_key": square_key}
            setup_args.append("--square=" + json.dumps({**info, "notification_url": notification_url}))

        ui.step("Setting up the company and the stores, then the first full sync")
        result = venv.run([str(HERE / "demo_setup.py"), *setup_args], check=False)
        if result.returncode:
            raise RuntimeError("The demo set-up or sync failed (see above).")
        ui.info(f"demo ready in {time.monotonic() - started:.0f}s")
        if args.no_serve:
            return 0

        ui.step(f"Starting Odoo on http://localhost:{port}")
        odoo_process = database.serve(["--http-port", str(port)])
        running.append(_Process(odoo_process))
        if not wait_for_http(f"http://127.0.0.1:{port}/web/login", odoo_process):
            raise RuntimeError(f"Odoo did not start (log {repo / '.local' / 'logs' / f'server-{args.database}.log'}).")
        ui.loud(
            [
                f"Odoo is running at http://localhost:{port}  (login: admin   password: admin)",
                "Open E-commerce Sync > Dashboard (then Reporting > Channel Report), Invoicing > Customers > Invoices,",
                "Inventory > Operations > Transfers.",
                "The sandboxes keep running: 'Sync now' and their webhooks work. Press Ctrl-C to stop everything.",
            ]
        )
        stop = {"now": False}
        signal.signal(signal.SIGTERM, lambda *_args: stop.update(now=True))
        try:
            while not stop["now"] and odoo_process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            print()
        return 0
    finally:
        for process in reversed(running):
            process.stop()
        server.stop()


if __name__ == "__main__":
    sys.exit("run it as: python3 scripts/harness demo")
