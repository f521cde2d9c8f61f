"""Run the WooCommerce sandbox as a process.

python -m odoo.addons.ecommerce_sync_woocommerce.sandbox --port 8790 --profile eu --orders 200

``--catalogue products.json`` sells the given products instead of the default
catalogue: a JSON list of ``{"sku", "name", "price"}`` objects, with
``"option"`` and ``"variants": [[sku, option value], ...]`` for products sold
in variations (e.g. the SKUs another store sells).
"""

import argparse
import json
import logging

from odoo.addons.ecommerce_sync.sandbox_support import Faults

from .data import Article
from .server import DEFAULT_KEY, DEFAULT_SECRET, WooCommerceSandbox


def read_catalogue(path):
    """The :class:`Article` list of a catalogue file."""
    with open(path, encoding="utf-8") as handle:
        return [Article.from_dict(item) for item in json.load(handle)]


def main(argv=None):
    parser = argparse.ArgumentParser(description="A local WooCommerce REST API (wc/v3) with generated data.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--profile", choices=("us", "eu"), default="us", help="us: prices without tax; eu: with VAT")
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--consumer-key", default=DEFAULT_KEY)
    parser.add_argument("--consumer-secret", default=DEFAULT_SECRET)
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of API requests answered 503")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every API answer")
    parser.add_argument("--catalogue", help="JSON file of the products to sell instead of the default catalogue")
    parser.add_argument("--json", action="store_true", help="announce the address as one JSON line (for scripts)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sandbox = WooCommerceSandbox(
        profile=args.profile,
        orders=args.orders,
        seed=args.seed,
        consumer_key=args.consumer_key,
        consumer_secret=args.consumer_secret,
        host=args.host,
        port=args.port,
        faults=Faults(error_rate=args.error_rate, latency=args.latency, seed=args.seed),
        catalogue=read_catalogue(args.catalogue) if args.catalogue else None,
    )
    site = sandbox.site

    def announce():
        if args.json:
            info = {
                "url": sandbox.url,
                "consumer_key": sandbox.consumer_key,
                "consumer_secret": sandbox.consumer_secret,
                "currency": site.profile.currency,
                "orders": len(site.orders),
            }
            print(json.dumps(info), flush=True)
        print(
            f"WooCommerce sandbox ({site.profile.title}, {site.profile.currency}, "
            f"prices {'with' if site.profile.prices_include_tax else 'without'} tax): {sandbox.url}\n"
            f"  {len(site.orders)} orders, {len(site.sellable())} sellable variants\n"
            f"  consumer key {sandbox.consumer_key}\n  consumer secret {sandbox.consumer_secret}",
            flush=True,
        )

    sandbox.serve_until_stopped(announce)
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
