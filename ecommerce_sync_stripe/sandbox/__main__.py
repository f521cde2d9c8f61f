"""Run the Stripe sandbox as a process.

    python -m odoo.addons.ecommerce_sync_stripe.sandbox --port 8795 --days 30

It prints the address and key once it listens (one JSON line with
``--json``), then serves until interrupted. With ``--webhook-url`` every
change of the account is delivered there, signed with ``--webhook-secret``.
"""

import argparse
import json
import logging

from .data import generate
from .server import DEFAULT_KEY, StripeSandbox
from .webhooks import WebhookSender


def parse_args(argv):
    parser = argparse.ArgumentParser(description="A local Stripe API (/v1) with a generated account history.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8795, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated history")
    parser.add_argument("--days", type=int, default=30, help="days of history, ending now (at least 14)")
    parser.add_argument("--secret-key", default=DEFAULT_KEY, help="the secret key to accept")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of requests answered 500")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--rate-limit", type=int, default=0, help="answer the first N requests 429")
    parser.add_argument("--webhook-url", default="", help="where to deliver the account's events")
    parser.add_argument("--webhook-secret", action="append", default=[], help="signing secret (twice to roll)")
    parser.add_argument("--json", action="store_true", help="announce the address as one JSON line (for scripts)")
    return parser.parse_args(argv)


def build(args):
    account = generate(seed=args.seed, days=args.days)
    sandbox = StripeSandbox(account, seed=args.seed, secret_key=args.secret_key, host=args.host, port=args.port)
    sandbox.faults.error_rate = args.error_rate
    sandbox.faults.latency = args.latency
    sandbox.faults.rate_limit_next = args.rate_limit
    if args.webhook_url:
        account.webhooks = WebhookSender(args.webhook_url, args.webhook_secret or ["whsec_sandbox"])
    return sandbox


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sandbox = build(args)
    account = sandbox.account
    counts = {name: len(ids) for name, ids in account.lists.items()}
    if args.json:
        print(json.dumps({"url": sandbox.url, "secret_key": sandbox.secret_key, **counts}), flush=True)
    print(
        f"Stripe sandbox ({account.account_id}, settles in {account.currency.upper()}): {sandbox.url}\n"
        f"  {counts['charges']} charges, {counts['refunds']} refunds, {counts['disputes']} disputes, "
        f"{counts['payouts']} payouts, {counts['balance_transactions']} balance transactions\n"
        f"  secret key {sandbox.secret_key}",
        flush=True,
    )
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        print("stopped", flush=True)


if __name__ == "__main__":
    main()
