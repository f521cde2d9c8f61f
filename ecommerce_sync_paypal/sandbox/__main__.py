"""Run the PayPal sandbox as a process.

    python -m odoo.addons.ecommerce_sync_paypal.sandbox --port 8796 --days 30

It prints one JSON line with its address and credentials once it listens,
then serves until SIGTERM or Ctrl-C. With ``--webhook-url`` every change of
the account is delivered there, signed for ``--webhook-id``.
"""

import argparse
import json
import logging

from .data import generate
from .server import DEFAULT_CLIENT_ID, DEFAULT_SECRET, PayPalSandbox


def parse_args(argv):
    parser = argparse.ArgumentParser(description="A local PayPal REST API with a generated account history.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8796, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated history")
    parser.add_argument("--days", type=int, default=30, help="days of history, ending now (at least 14)")
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_SECRET)
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of API requests answered 503")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--reporting-delay", type=int, default=0, help="seconds Transaction Search lags behind")
    parser.add_argument("--webhook-url", default="", help="where to deliver the account's events")
    parser.add_argument("--webhook-id", default="1JE4291016473214C", help="the webhook id deliveries are signed for")
    return parser.parse_args(argv)


def build(args):
    sandbox = PayPalSandbox(generate(seed=args.seed, days=args.days), seed=args.seed, client_id=args.client_id,
                            client_secret=args.client_secret, host=args.host, port=args.port)  # fmt: skip
    sandbox.faults.error_rate = args.error_rate
    sandbox.faults.latency = args.latency
    sandbox.account.reporting_delay = args.reporting_delay
    if args.webhook_url:
        sandbox.deliver_to(args.webhook_url, args.webhook_id)
    return sandbox


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sandbox = build(args)

    def announce():
        account = sandbox.account
        print(json.dumps({"url": sandbox.url, "client_id": sandbox.client_id, "client_secret": sandbox.client_secret,
                          "cert_url": sandbox.cert_url, "transactions": len(account.rows),
                          "captures": len(account.captures), "refunds": len(account.refunds),
                          "disputes": len(account.disputes)}), flush=True)  # fmt: skip

    sandbox.serve_until_stopped(announce)


if __name__ == "__main__":
    main()
