"""Run the Shopify sandbox as a process.

    python -m odoo.addons.ecommerce_sync_shopify.sandbox --orders 200 --port 8765

It prints one JSON line with its address, shop domain and token once it
listens, then serves until interrupted.
"""

import argparse
import json
import logging
import sys

from .data import generate
from .routes import LeakyBucket
from .server import DEFAULT_TOKEN, SandboxServer
from .state import SandboxShop
from .webhooks import WebhookSender


def parse_args(argv):
    parser = argparse.ArgumentParser(description="A local Shopify Admin API with generated data.")
    parser.add_argument("--orders", type=int, default=50, help="orders to generate (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated shop")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the access token to accept")
    parser.add_argument("--bucket-size", type=int, default=40, help="REST calls the bucket holds")
    parser.add_argument("--leak-rate", type=float, default=2.0, help="REST calls leaked per second")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of calls answered 503")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--malformed", type=int, default=0, help="orders to make unreadable")
    parser.add_argument("--webhook-url", default="", help="where to deliver webhooks")
    parser.add_argument("--webhook-secret", default="", help="the secret webhooks are signed with")
    return parser.parse_args(argv)


def build(args):
    data = generate(seed=args.seed, orders=args.orders)
    sender = None
    if args.webhook_url:
        sender = WebhookSender(args.webhook_url, args.webhook_secret, data.shop["myshopify_domain"])
    shop = SandboxShop(data, webhooks=sender)
    for order in data.orders[: args.malformed]:
        shop.corrupt_order(order["id"])
    server = SandboxServer(
        shop, host=args.host, port=args.port, token=args.token, bucket=LeakyBucket(args.bucket_size, args.leak_rate)
    )
    server.error_rate = args.error_rate
    server.latency = args.latency
    return server


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING)
    server = build(args)
    info = {"url": server.url, "shop_domain": server.shop.domain, "token": server.token, "orders": args.orders}
    server.serve_until_stopped(lambda: print(json.dumps(info), flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
