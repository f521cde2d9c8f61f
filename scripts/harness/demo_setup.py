"""Inside Odoo: set the demo company and store up, run the first full sync with progress, print a summary.

Run by ``python3 scripts/harness demo`` with the project's virtual environment::

    demo_setup.py --config .local/odoo-<db>.conf --database <db> --shopify '<json>' --orders 200

The set-up is what a merchant does once (each connector addon's ``sandbox/merchant.py``):
currencies the shop sells in, the taxes of its markets mapped to Odoo taxes, its payment gateways
mapped to journals, the store connected (Test connection), its accounting set up, its location
mapped to the warehouse, the catalogue in Odoo with stock counted. Then every flow is pulled
page by page, each page committed, with a progress line; the summary is read back from the
database.
"""

import argparse
import json
import sys
import time
from collections import Counter
from decimal import Decimal

import demo_dates
import demo_paypal
import demo_platforms
import demo_square
import demo_stripe

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config

DEMO_COMPANY = "Sandbox Outfitters Inc."
STOCK_ON_HAND = 60
#: the payment platforms' accounts, in the order they are synced (those paying the WooCommerce site
#: first, once its orders are in): (option, module, store name, heading of its flows, what it does)
ACCOUNTS = (
    ("stripe_site", demo_stripe, "Woo Supply card payments (Stripe)", "Stripe", "takes the site's card payments"),
    ("paypal_site", demo_paypal, "Woo Supply PayPal payments (PayPal)", "PayPal", "takes the site's PayPal payments"),
    ("stripe", demo_stripe, "Lumen Goods (Stripe)", "Stripe direct sales",
     "sells through Checkout and Payment Links; its tax rates mapped, its products made"),
    ("paypal", demo_paypal, "Fjord Knitwear (PayPal)", "PayPal direct sales",
     "sells through PayPal Checkout and invoices; its sales tax mapped, its products made"),
)  # fmt: skip


def parse_args(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--shopify", required=True, help="the Shopify sandbox: JSON with url, shop_domain, token")
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True, help="the sandbox's seed (its figures are regenerated)")
    parser.add_argument(
        "--start", default="", help="when the generated shop starts (ISO; the sandbox's own when empty)"
    )
    parser.add_argument("--woocommerce", help="the WooCommerce sandbox: JSON with url, consumer_key, consumer_secret")
    parser.add_argument("--square", help="the Square sandbox: JSON with url, token, webhook token, key and URL")
    parser.add_argument("--stripe-site", help="the Stripe sandbox taking the WooCommerce site's card payments (JSON)")
    parser.add_argument("--stripe", help="the Stripe sandbox of an account selling on its own (JSON)")
    parser.add_argument("--paypal-site", help="the PayPal sandbox taking the WooCommerce site's PayPal payments (JSON)")
    parser.add_argument("--paypal", help="the PayPal sandbox of an account selling on its own (JSON)")
    return parser.parse_args(argv)


class Progress:
    """Progress of one flow: a console line rewritten as records are handled on a terminal; one line per
    step (a page of records) when the output goes to a file or a pipe, so that a log reads line by line."""

    def __init__(self, live=None):
        self.live = sys.stdout.isatty() if live is None else live
        self.flow = None
        self.expected = 0
        self.counts = Counter()
        self.printed = 0
        self.started = time.monotonic()

    def start(self, flow, expected=0):
        self.flow, self.expected, self.counts, self.printed = flow, expected, Counter(), 0
        self.started = time.monotonic()
        if self.live:
            self.draw()

    def tick(self, outcome):
        self.counts[outcome] += 1
        if self.live:
            self.draw()

    def page_done(self):
        """A page of the flow is handled (and committed): its line, when the output is not a terminal
        and the page had records."""
        if not self.live and sum(self.counts.values()) != self.printed:
            self.printed = sum(self.counts.values())
            self.draw(end="\n")

    def line(self):
        """``orders    [######........] 40/80  40 created  3.2s``: what is done, by outcome.

        Records at a cursor boundary are read twice: the second reading is
        counted as "read again" (nothing imported), never as one more record.
        """
        again = self.counts.get("skipped", 0)
        done = sum(self.counts.values()) - (again if self.expected else 0)
        if self.expected:
            done = min(done, self.expected)
            filled = int(30 * done / self.expected)
            bar = "[" + "#" * filled + "." * (30 - filled) + f"] {done}/{self.expected}"
        else:
            bar = f"{done} records"
        parts = [f"{value} {key}" for key, value in sorted(self.counts.items()) if key not in ("skipped", "")]
        if again:
            parts.append(f"{again} {'read again, unchanged' if self.expected else 'unchanged'}")
        elapsed = time.monotonic() - self.started
        return f"    {self.flow:<9} {bar}  {', '.join(parts) or 'nothing new'}  {elapsed:5.1f}s"

    def draw(self, end=""):
        if self.live:
            sys.stdout.write("\r" + self.line() + "   " + end)
        else:
            sys.stdout.write(self.line() + end)
        sys.stdout.flush()

    def finish(self):
        if self.live:
            self.draw(end="\n")


def install_progress(registry, progress):
    """Count every record the engine handles (the engine's entry point for the records of a page)."""
    engine_class = registry["ecommerce.sync.engine"]
    original = engine_class._process_payloads

    def counted(self, run, entries):
        results = original(self, run, entries)
        for outcome, _error in results:
            progress.tick(outcome)
        return results

    engine_class._process_payloads = counted


# ----------------------------------------------------------------------
# the merchant's set-up
def setup_company(env):
    company = env.company
    company.write({"name": DEMO_COMPANY, "country_id": env.ref("base.us").id, "anglo_saxon_accounting": True})
    return company


def setup_store(env, shopify, seed, orders):
    """The Shopify store, set up as the Shopify sandbox's ``merchant`` module describes (taxes, journals, products,
    stock).

    :return: the store and the number of taxes mapped
    """
    from odoo.addons.ecommerce_sync_shopify.sandbox import SandboxShop, generate, merchant

    store = env["ecommerce.store"].create(
        {
            "name": "Sandbox Outfitters (Shopify)",
            "platform": "shopify",
            "shopify_shop_domain": shopify["shop_domain"],
            "shopify_access_token": shopify["token"],
            "shopify_local_test_shop": True,
            "shopify_api_base_url": shopify["url"],
            "webhook_secret": shopify["webhook_secret"],
            "discrepancy_user_id": env.ref("base.user_admin").id,
        }
    )
    store.webhook_token = shopify["webhook_token"]
    shop = SandboxShop(generate(seed=seed, orders=orders))
    products = merchant.set_up_store(env, store, shop, on_hand=STOCK_ON_HAND)
    if store.state != "connected":
        raise SystemExit(f"Test connection failed: {store.state_message}")
    return store, len(store.env["ecommerce.tax.mapping"].search([("store_id", "=", store.id)])), len(products)


def setup_woocommerce_store(env, woo):
    """A WooCommerce site selling the same SKUs: its variants link to the products the Shopify store made.

    Set up as the WooCommerce sandbox's ``merchant`` module describes: connected, its accounting set up,
    a sales tax per tax rate of the site, each mapped.
    """
    from odoo.addons.ecommerce_sync_woocommerce.sandbox import SITES, merchant

    store = env["ecommerce.store"].create(
        {
            "name": "Woo Supply (WooCommerce)",
            "platform": "woocommerce",
            "woocommerce_url": woo["url"],
            "woocommerce_consumer_key": woo["consumer_key"],
            "woocommerce_consumer_secret": woo["consumer_secret"],
            "woocommerce_local_test_site": True,
            "discrepancy_user_id": env.ref("base.user_admin").id,
        }
    )
    action = merchant.set_up_store(store, SITES["us"])
    if store.state != "connected":
        raise SystemExit(f"Test connection failed: {action['params']['message']}")
    return store


def run_flow(registry, store_id, flow, progress, expected=0):
    """Pull one flow page by page, committing each page."""
    progress.start(flow, expected)
    logs = []
    while True:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            store = env["ecommerce.store"].browse(store_id)
            log = env["ecommerce.sync.engine"].run_flow(store, flow, trigger="manual", max_pages=1)
            logs.append((log.state, log.message, log.api_calls))
            more = log.more_pending
        progress.page_done()
        if not more:
            break
    progress.finish()
    for state, message, _calls in logs:
        if state == "failed":
            print(f"      {flow}: {message}")
    return sum(calls for _state, _message, calls in logs)


def flush_stock(registry, store_id):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        store = env["ecommerce.store"].browse(store_id)
        log = env["ecommerce.stock.push"]._flush_store(store, trigger="manual")
        return log.updated_count if log else 0, log.api_calls if log else 0


def store_figures(seed, orders):
    """What the store reports, as the connector reads it: the sandbox's shop regenerated from its seed."""
    from odoo.addons.ecommerce_sync_shopify.connector import ShopifyConnector
    from odoo.addons.ecommerce_sync_shopify.sandbox import generate

    data = generate(seed=seed, orders=orders)
    reader = ShopifyConnector({"shop_domain": data.shop["myshopify_domain"], "access_token": "-"})
    records = []
    for payload in data.orders:
        payload = {**payload, "transactions": data.transactions.get(payload["id"], [])}
        records.extend(reader.parse("orders", payload))
    payouts = []
    for payout in data.payouts:
        lines = [line for line in data.balance_transactions if line.get("payout_id") == payout["id"]]
        payouts.extend(reader.parse("payouts", {"payout": payout, "transactions": lines}))
    return records, payouts


def tie_out(env, store, records):
    """Orders whose Odoo invoice and credit notes equal the store's order and refunds, to the cent."""
    Binding = env["ecommerce.binding"]
    identical = []
    for order in records:
        sale_order = Binding._find_record(store, "order", order.external_id)
        if not sale_order:
            continue
        moves = sale_order.invoice_ids.filtered(lambda move: move.state == "posted")
        invoices = moves.filtered(lambda move: move.move_type == "out_invoice" and move.payment_state != "reversed")
        refunds = moves.filtered(
            lambda move, invoices=invoices: move.move_type == "out_refund" and move.reversed_entry_id in invoices
        )
        invoiced = sum(invoices.mapped("amount_total")) - sum(refunds.mapped("amount_total"))
        # every refund is a credit note, money sent back or not (an item removed by an order edit)
        credited = sum((refund.total for refund in order.refunds), Decimal(0))
        expected = Decimal(0) if order.is_cancelled and not order.captured_amount else order.total - credited
        if abs(Decimal(str(invoiced)) - expected) < Decimal("0.005"):
            identical.append(order)
    return identical


def summary(store, orders_expected, sync_seconds, api_calls, pushed, figures):
    env = store.env
    Move = env["account.move"]
    domain = [("ecommerce_store_id", "=", store.id), ("state", "=", "posted")]
    invoices = Move.search(domain + [("move_type", "=", "out_invoice")])
    credit_notes = Move.search(domain + [("move_type", "=", "out_refund")])
    bindings = env["ecommerce.binding"].search([("store_id", "=", store.id)])
    kinds = Counter(bindings.mapped("kind"))
    payments = env["account.payment"].search(
        [("journal_id", "=", store.clearing_journal_id.id), ("state", "!=", "draft")]
    )
    fee_lines = env["account.move.line"].search(
        [("account_id", "=", store.fee_account_id.id), ("parent_state", "=", "posted")]
    )
    clearing = env["account.move.line"].search(
        [("account_id", "=", store.clearing_account_id.id), ("parent_state", "=", "posted")]
    )
    deliveries = env["stock.picking"].search(
        [("sale_id.ecommerce_store_id", "=", store.id), ("picking_type_code", "=", "outgoing"), ("state", "=", "done")]
    )
    returns = env["stock.picking"].search(
        [("sale_id.ecommerce_store_id", "=", store.id), ("picking_type_code", "=", "incoming"), ("state", "=", "done")]
    )
    failed = env["ecommerce.sync.log.line"].search([("store_id", "=", store.id), ("state", "=", "failed")])
    discrepancies = env["ecommerce.discrepancy"].search([("store_id", "=", store.id), ("state", "=", "open")])
    currency = env.company.currency_id
    net = sum(invoices.mapped("amount_total_signed")) + sum(credit_notes.mapped("amount_total_signed"))
    rows = [
        ("Orders in the store", orders_expected),
        ("Orders imported", kinds["order"]),
        ("Records failed (to retry)", len(failed)),
        ("Invoices posted", f"{len(invoices)}  ({currency.format(sum(invoices.mapped('amount_total_signed')))})"),
        (
            "Credit notes posted",
            f"{len(credit_notes)}  ({currency.format(-sum(credit_notes.mapped('amount_total_signed')))})",
        ),
        ("Net sales invoiced", currency.format(net)),
        ("Payments in the clearing journal", len(payments)),
        ("Fees booked", f"{len(fee_lines.move_id)} entries  ({currency.format(sum(fee_lines.mapped('balance')))})"),
        (
            "Payouts reconciled",
            f"{kinds['payout']}  (clearing balance {currency.format(sum(clearing.mapped('balance')))})",
        ),
        ("Deliveries validated / returns", f"{len(deliveries)} / {len(returns)}"),
        ("Stock levels pushed", pushed),
        (
            "Open discrepancies",
            f"{len(discrepancies)}  "
            + ", ".join(f"{kind} {count}" for kind, count in sorted(Counter(discrepancies.mapped("kind")).items())),
        ),
        ("Data sync accuracy (dashboard)", f"{100 * store.sync_accuracy:.1f} %"),
        ("Revenue invoiced (untaxed)", currency.format(store.revenue)),
        ("API calls", f"{api_calls}  ({api_calls / max(kinds['order'], 1):.2f} per order)"),
        ("Sync time", f"{sync_seconds:.1f}s  ({sync_seconds / max(kinds['order'], 1):.2f}s per order)"),
    ]
    width = max(len(label) for label, _value in rows)
    print(f"\n    Summary: {store.name}")
    for label, value in rows:
        print(f"    {label:<{width}}  {value}")
    for line in failed[:5]:
        print(f"      failed {line.flow} {line.external_id}: {line.error.splitlines()[0][:110]}")

    if not figures:
        return
    records, payouts = figures
    identical = tie_out(env, store, records)
    settled = [payout for payout in payouts if payout.status == "paid"]
    store_fees = sum((payout.fees_total for payout in settled), Decimal(0))
    print("\n    Against the store's own figures")
    print(
        f"    Data sync accuracy   {len(identical)}/{len(records)} orders with identical totals "
        f"({100.0 * len(identical) / max(len(records), 1):.1f} %)"
    )
    print(
        f"    Fees                 store {currency.format(float(store_fees))}, "
        f"fee account {currency.format(sum(fee_lines.mapped('balance')))}"
    )
    print(f"    Payouts              store {len(settled)} paid out, Odoo {kinds['payout']} booked")


def compare_stock(registry, store_ids):
    """Read every store's levels back and compare them with Odoo's (inventory discrepancy rate)."""
    rates = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for store in env["ecommerce.store"].browse(store_ids):
            env["ecommerce.stock.compare"]._compare_store_levels(store, trigger="manual")
            rates[store.name] = store.inventory_discrepancy_rate
    return rates


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    shopify = json.loads(args.shopify)
    woo = json.loads(args.woocommerce) if args.woocommerce else None
    accounts = [(json.loads(getattr(args, option)), *rest) for option, *rest in ACCOUNTS if getattr(args, option)]
    square = json.loads(args.square) if args.square else None
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    demo_dates.shift("ecommerce_sync_shopify", args.start)
    registry = odoo.modules.registry.Registry(args.database)
    progress = Progress()
    install_progress(registry, progress)

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        setup_company(env)
        store, taxes, products = setup_store(env, shopify, args.seed, args.orders)
        store_id = store.id
        print(f"    {store.name}: connected to {store.shop_name} ({store.shop_currency}); {taxes} taxes mapped")
        print(f"    {products} products in the catalogue, {STOCK_ON_HAND} units of each good on hand")
        woo_id = woo_store = None
        if woo:
            woo_store = setup_woocommerce_store(env, woo)
            woo_id = woo_store.id
            print(
                f"    {woo_store.name}: connected ({woo_store.shop_currency}, "
                f"WooCommerce {woo_store.woocommerce_version})"
            )
        # a site's payment platforms are linked to it before its orders are imported
        platforms = []
        for info, module, name, heading, does in accounts:
            platform = demo_platforms.create_store(env, module, info, name, woo_store if info.get("site") else None)
            platforms.append((platform.id, module, info, heading))
            print(f"    {platform.name}: connected ({platform[module.MODE]} mode), {does}")
        square_id = None
        if square:
            square_store, square_products = demo_square.setup_store(env, square, args.seed, args.orders, STOCK_ON_HAND)
            square_id = square_store.id
            print(
                f"    {square_store.name}: connected to {square_store.shop_name} ({square_store.shop_currency}); "
                f"{square_products} products, {len(square_store.square_location_ids)} locations:"
            )
            print("\n".join(demo_square.describe(square_store)))

    started = time.monotonic()
    calls = Counter()
    calls[store_id] += run_flow(registry, store_id, "products", progress)
    calls[store_id] += run_flow(registry, store_id, "orders", progress, expected=args.orders)
    calls[store_id] += run_flow(registry, store_id, "payouts", progress)
    timings = {store_id: time.monotonic() - started}
    if woo_id:
        started_woo = time.monotonic()
        print(f"    {'WooCommerce':-^40}")
        calls[woo_id] += run_flow(registry, woo_id, "products", progress)
        calls[woo_id] += run_flow(registry, woo_id, "orders", progress, expected=woo["orders"])
        timings[woo_id] = time.monotonic() - started_woo
    for platform_id, _module, _info, heading in platforms:
        print(f"    {heading:-^40}")
        for flow in demo_platforms.FLOWS:
            calls[platform_id] += run_flow(registry, platform_id, flow, progress)
    if square_id:
        started_square = time.monotonic()
        print(f"    {'Square':-^40}")
        for flow in demo_square.FLOWS:
            calls[square_id] += run_flow(registry, square_id, flow, progress, expected=args.orders * (flow == "orders"))
        timings[square_id] = time.monotonic() - started_square
    stores = [current for current in (store_id, woo_id, square_id) if current]
    pushed = {}
    for current in stores:
        pushed[current], flush_calls = flush_stock(registry, current)
        calls[current] += flush_calls
    rates = compare_stock(registry, stores)

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        figures = store_figures(args.seed, args.orders)
        Store = env["ecommerce.store"]
        summary(Store.browse(store_id), args.orders, timings[store_id], calls[store_id], pushed[store_id], figures)
        if woo_id:
            summary(Store.browse(woo_id), woo["orders"], timings[woo_id], calls[woo_id], pushed[woo_id], None)
        for platform_id, module, info, _heading in platforms:
            module.summary(Store.browse(platform_id), info)
        if square_id:
            square_store = Store.browse(square_id)
            summary(square_store, args.orders, timings[square_id], calls[square_id], pushed[square_id], None)
            print("\n    Against the Square seller's own figures")
            currency = env.company.currency_id
            for line in demo_square.against_the_seller(env, square_store, args.seed, args.orders, currency):
                print(f"    {line}")
        print("\n    Stock: every store shows Odoo's level (inventory discrepancy rate after the sync)")
        for name, rate in rates.items():
            print(f"    {name:<34}  {100 * rate:.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
