"""Entry point: ``python3 scripts/harness test|demo ...`` (see README.md)."""

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "harness"

from harness import demo, lint, odoo_finder, testing, ui
from harness.venv import Venv

REPO = Path(__file__).resolve().parent.parent.parent


def build_parser():
    parser = argparse.ArgumentParser(prog="harness")
    commands = parser.add_subparsers(dest="command", required=True)

    test = commands.add_parser("test", help="run every suite (without Odoo, then with Odoo when found)")
    test.add_argument("--only", choices=("pure", "odoo"), help="run one side only")
    test.add_argument("--keep-db", action="store_true", help="keep the test database afterwards")
    test.add_argument("--no-download", action="store_true", help="never download Odoo")
    test.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")

    commands.add_parser("lint", help="ruff and pylint-odoo's mandatory checks")

    run = commands.add_parser("demo", help="sandbox store, full sync, summary, Odoo left running")
    run.add_argument("--orders", type=int, default=200, help="orders the sandbox generates (default 200)")
    run.add_argument("--database", default="ecommerce_sync_demo", help="database to (re)create")
    run.add_argument("--port", type=int, default=8069, help="Odoo's HTTP port (default 8069)")
    run.add_argument("--seed", type=int, default=1, help="seed of the generated shop")
    run.add_argument("--woocommerce", action="store_true", help="also a WooCommerce site selling the same products")
    run.add_argument("--square", action="store_true", help="also a Square seller (two registers and an online store)")
    run.add_argument(
        "--stripe", action="store_true", help="also a Stripe account selling on its own (Checkout, Payment Links)"
    )
    run.add_argument(
        "--paypal",
        action="store_true",
        help="also a PayPal account: with --woocommerce, taking the site's PayPal payments; else selling on its own",
    )
    run.add_argument("--no-serve", action="store_true", help="stop after the summary")
    run.add_argument("--no-download", action="store_true", help="never download Odoo")
    return parser


def main(argv=None):
    if sys.version_info < (3, 10):  # noqa: UP036 - the harness may be started by an older python3
        ui.warn("Python 3.10 or newer is needed (Odoo 18.0's minimum).")
        return 2
    args = build_parser().parse_args(argv)
    try:
        if args.command == "test":
            return testing.main(REPO, args)
        if args.command == "demo":
            return demo.main(REPO, args)
        if args.command == "lint":
            return lint.main(REPO, Venv(REPO).ensure(odoo_finder.find_odoo(REPO, allow_download=False)))
    except (RuntimeError, OSError) as exc:
        ui.warn(str(exc))
        print(f"SUMMARY: set-up failed: {str(exc).splitlines()[0]}", flush=True)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
