"""Run the Square sandbox as a process.

    python -m odoo.addons.ecommerce_sync_square.sandbox --port 8797 --orders 120

It prints one JSON line with its address, token, OAuth client and locations
once it listens, then serves until interrupted.
"""

import argparse
import json
import logging
import sys

from .data import generate
from .server import CLIENT_ID, CLIENT_SECRET, DEFAULT_TOKEN, REFRESH_TOKEN, SandboxServer
from .state import SandboxSeller
from .webhooks import WebhookSender


def parse_args(argv):
    parser = argparse.ArgumentParser(description="A local Square API with a generated seller.")
    parser.add_argument("--orders", type=int, default=60, help="sales to generate (default 60)")
    parser.add_argument("--days", type=int, default=8, help="days the sales spread over")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the generated seller")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the access token to accept")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of calls answered 503")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--throttle", type=int, default=0, help="the first N calls are answered 429")
    parser.add_argument("--page-size", type=int, default=0, help="cap of every page (0: Square's limits)")
    parser.add_argument("--malformed", type=int, default=0, help="orders to make unreadable")
    parser.add_argument("--webhook-url", default="", help="where to deliver webhooks (on this machine)")
    parser.add_argument("--webhook-key", default="", help="the signature key webhooks are signed with")
    return parser.parse_args(argv)


def build(args):
    data = generate(seed=args.seed, orders=args.orders, days=args.days)
    sender = None
    if args.webhook_url:
        sender = WebhookSender(args.webhook_url, args.webhook_key, data["merchant"]["id"], deliver=True)
    seller = SandboxSeller(data, webhooks=sender, seed=args.seed)
    sales = [order for order in data["orders"].values() if order.get("line_items")]
    for order in sales[: args.malformed]:
        seller.corrupt_order(order["id"])
    server = SandboxServer(seller, host=args.host, port=args.port, token=args.token)
    server.error_rate = args.error_rate
    server.latency = args.latency
    server.max_page_size = args.page_size or None
    if args.throttle:
        server.throttle_next(args.throttle)
    return server


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING)
    server = build(args)
    info = {
        "url": server.url,
        "token": args.token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "locations": {loc["name"]: loc["id"] for loc in server.seller.locations()},
        "orders": args.orders,
    }
    server.serve_until_stopped(lambda: print(json.dumps(info), flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
