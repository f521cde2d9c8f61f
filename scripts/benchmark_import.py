"""Benchmark of the order import: the naive per-order flow of Odoo against the sync engine's pages.

Usage, from the repository (Odoo importable, the addons installed in the database)::

    .venv/bin/python scripts/benchmark_import.py -c odoo.conf -d DATABASE [--orders 100] [--rounds 3]
    .venv/bin/python scripts/benchmark_import.py -c odoo.conf -d DATABASE --memory 5000 [--orders 100]
    .venv/bin/python scripts/benchmark_import.py -c odoo.conf -d DATABASE --ledger [--orders 200]

Both flows book the same generated orders (a new customer each, one to three products of the same
catalogue at the same 6.25 % sales tax, sometimes shipping, one card payment of the whole total):

* **naive**: what most connectors do, order by order in the default context: the partner, the sale
  order, ``action_confirm`` (its delivery), ``_create_invoices``, ``action_post``, and the payment
  through Odoo's payment register;
* **ours**: the engine's handling of a page (``ecommerce.sync.engine._handle_record_lists``, in the
  savepoint the engine opens for it): the order builder books the whole page at once.

Rounds alternate A B A B in one process and one database, each page in a transaction of its own (rolled
back), as each page of a scheduled run has; each prints seconds per order, orders per second and SQL
queries per order, then the medians and the ratio naive/ours. One more page of each, traced, gives the
peak memory that booking allocates (tracemalloc, on 10 orders; not timed).

``--memory N`` books N generated orders in runs of the store's page budget, each run in a
transaction of its own (a new cursor and environment, as every scheduled run has; each rolled back),
and prints the worker's resident memory at the start and at the end.

``--ledger`` books the ledger tests' generated activity (orders with refunds and gift cards,
refunds, their payout) through the engine's handlers and prints the time per record and the figures
that must tie out.

Everything is rolled back: the database is left as it was.
"""

import argparse
import importlib.util
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: orders of the page whose memory is traced (tracing slows Odoo down many times over)
TRACED_ORDERS = 10


def load_test_module(name):
    """A pure helper of the addon's tests, loaded alone (not through the tests package)."""
    path = REPO / "ecommerce_sync" / "tests" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"ecommerce_sync_benchmark_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(env, generator):
    """A store of the in-memory test platform with its accounting, the catalogue and its sales tax."""
    from odoo import Command

    company = env.company
    tax_account = company.account_sale_tax_id.invoice_repartition_line_ids.account_id[:1]
    repartition = [
        Command.create({"repartition_type": "base"}),
        Command.create({"repartition_type": "tax", "account_id": tax_account.id}),
    ]
    tax = env["account.tax"].create(
        {
            "name": "Benchmark sales tax 6.25%",
            "amount": 6.25,
            "amount_type": "percent",
            "type_tax_use": "sale",
            "company_id": company.id,
            "invoice_repartition_line_ids": repartition,
            "refund_repartition_line_ids": [Command.create(dict(values[2])) for values in repartition],
        }
    )
    load_test_module("memory_platform").shop("Benchmark store")
    store = env["ecommerce.store"].create({"name": "Benchmark store", "platform": "memory"})
    store.action_setup_accounting()
    env["ecommerce.tax.mapping"].create({"store_id": store.id, "external_key": generator.TAX_KEY, "tax_id": tax.id})
    products = {}
    for sku, name, price in generator.CATALOG:
        product = env["product.product"].search([("default_code", "=", sku)], limit=1)
        products[sku] = product or env["product.product"].create(
            {"name": name, "default_code": sku, "type": "consu", "list_price": float(price)}
        )
    return store, tax, products


def simple_orders(generator, count, prefix, seed):
    """``count`` paid orders of new customers: lines, tax, maybe shipping, one card payment."""
    import random

    from odoo.addons.ecommerce_sync.connector.records import (
        Address,
        Customer,
        Order,
        ShippingLine,
        Transaction,
        money_sum,
    )

    rng = random.Random(seed)
    orders = []
    for index in range(count):
        number = f"{prefix}{index:05d}"
        created = generator.START + timedelta(minutes=7 * index)
        lines = generator._order_lines(rng, number, Decimal(0))
        shipping = []
        if rng.random() < 0.6:
            shipping.append(ShippingLine(f"{number}-ship", "Standard", Decimal("4.99"), code="standard"))
        tax = money_sum(line.tax_amount for line in lines)
        total = money_sum(line.subtotal for line in lines) + money_sum(s.subtotal for s in shipping) + tax
        email = f"buyer-{number}@example.com"
        address = Address(
            name=f"Buyer {number}", street=f"{index} Main St", city="Springfield", zip="62701", country_code="US"
        )
        orders.append(
            Order(
                external_id=number,
                name=f"#{number}",
                currency="USD",
                created_at=created,
                updated_at=created,
                lines=lines,
                shipping_lines=shipping,
                total_tax=tax,
                total=total,
                customer=Customer(external_id=f"c-{number}", email=email, first_name="Buyer", last_name=number),
                email=email,
                billing_address=address,
                shipping_address=address,
                financial_status="paid",
                transactions=[
                    Transaction(f"tx-{number}", "sale", "success", total, "USD", gateway="card", processed_at=created)
                ],
            )
        )
    return orders


def naive_flow(env, store, tax, products, orders):
    """Order by order, as a plain connector books them (default context: tracking, followers, messages)."""
    from odoo import Command

    env = env(context={})
    journal = store.clearing_journal_id
    for order in orders:
        partner = env["res.partner"].create(
            {"name": f"Buyer {order.external_id}", "email": order.email, "street": order.billing_address.street}
        )
        lines = [
            Command.create(
                {
                    "product_id": products[line.sku].id,
                    "product_uom_qty": float(line.quantity),
                    "price_unit": float(line.unit_price),
                    "tax_id": [Command.set(tax.ids)],
                }
            )
            for line in order.lines
        ]
        lines += [
            Command.create(
                {
                    "product_id": store.shipping_product_id.id,
                    "product_uom_qty": 1,
                    "price_unit": float(shipping.price),
                    "tax_id": [Command.set([])],
                }
            )
            for shipping in order.shipping_lines
        ]
        sale_order = env["sale.order"].create(
            {"partner_id": partner.id, "client_order_ref": order.name, "order_line": lines}
        )
        sale_order.action_confirm()
        invoice = sale_order._create_invoices()
        invoice.action_post()
        env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"journal_id": journal.id, "payment_date": invoice.invoice_date or invoice.date}
        )._create_payments()
    env.flush_all()


def our_flow(env, store, orders):
    """The engine's handling of one page of orders."""
    engine = env["ecommerce.sync.engine"]
    with env.cr.savepoint():
        outcomes = engine._handle_record_lists(store, [[order] for order in orders])
    if set(outcomes) != {"created"}:
        raise RuntimeError(f"unexpected outcomes: {sorted(set(outcomes))}")
    env.flush_all()


def measure(env, flow):
    """``(seconds, queries)`` of one call of ``flow``."""
    cr = env.cr
    queries = cr.sql_log_count
    started = time.perf_counter()
    flow()
    return time.perf_counter() - started, cr.sql_log_count - queries


def traced_peak(flow):
    """Peak memory (MiB) allocated while ``flow`` runs."""
    tracemalloc.start()
    try:
        flow()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def isolated(registry, generator, work):
    """``work(env, store, tax, products)`` in a transaction of its own, rolled back afterwards.

    Each measured page gets a fresh transaction, as each page of a scheduled run has: what a flow leaves
    in a transaction until it ends (the naive flow's tracking keeps several environments alive per
    order, and every environment Odoo creates afterwards scans them) weighs on that flow alone.
    """
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            return work(env, *prepare(env, generator))
        finally:
            cr.rollback()


def compare(registry, count, rounds, seed):
    generator = load_test_module("order_generator")

    def warm_up(env, store, tax, products):
        # both paths once on a few orders (registry caches, compiled templates)
        naive_flow(env, store, tax, products, simple_orders(generator, 3, "W", seed))
        our_flow(env, store, simple_orders(generator, 3, "V", seed))

    def timed_page(name, orders):
        def work(env, store, tax, products):
            if name == "naive":
                return measure(env, lambda: naive_flow(env, store, tax, products, orders))
            return measure(env, lambda: our_flow(env, store, orders))

        return work

    isolated(registry, generator, warm_up)
    results = {"naive": [], "ours": []}
    for number in range(rounds):
        for name in ("naive", "ours"):
            orders = simple_orders(generator, count, f"{name[0].upper()}{number}-", seed + number)
            seconds, queries = isolated(registry, generator, timed_page(name, orders))
            results[name].append((seconds, queries))
            print(
                f"round {number + 1} {name:5}  {seconds / count:.3f} s/order  {count / seconds:6.1f} orders/s  "
                f"{queries / count:6.1f} queries/order",
                flush=True,
            )
    traced = min(count, TRACED_ORDERS)
    peaks = {
        "naive": isolated(
            registry,
            generator,
            lambda env, store, tax, products: traced_peak(
                lambda: naive_flow(env, store, tax, products, simple_orders(generator, traced, "MN-", seed))
            ),
        ),
        "ours": isolated(
            registry,
            generator,
            lambda env, store, _tax, _products: traced_peak(
                lambda: our_flow(env, store, simple_orders(generator, traced, "MO-", seed))
            ),
        ),
    }
    print(f"\n{count} orders a page, {rounds} rounds (medians):")
    medians = {}
    for name, values in results.items():
        seconds = statistics.median(value[0] for value in values) / count
        queries = statistics.median(value[1] for value in values) / count
        medians[name] = (seconds, queries)
        print(
            f"  {name:5}  {seconds:.3f} s/order  {1 / seconds:6.1f} orders/s  {queries:6.1f} queries/order  "
            f"peak memory {peaks[name]:.1f} MiB for {traced} orders"
        )
    print(
        f"  ratio naive/ours: {medians['naive'][0] / medians['ours'][0]:.2f}x the speed, "
        f"{medians['ours'][1] / medians['naive'][1]:.2f} of the queries"
    )


def resident_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def memory_run(registry, total, page, seed):
    """Book ``total`` orders in runs of the store's page budget, each in its own transaction."""
    import odoo

    generator = load_test_module("order_generator")
    print(f"resident memory at the start: {resident_mib():.0f} MiB", flush=True)
    done = runs = 0
    while done < total:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            store, _tax, _products = prepare(env, generator)
            for _page in range(store.page_budget):
                if done >= total:
                    break
                size = min(page, total - done)
                our_flow(env, store, simple_orders(generator, size, f"M{done:06d}-", seed + done))
                done += size
            cr.rollback()
        runs += 1
        if runs % 5 == 0:
            print(f"  {done} orders in {runs} runs: {resident_mib():.0f} MiB", flush=True)
    print(f"resident memory at the end:   {resident_mib():.0f} MiB ({done} orders, {runs} runs)")


def gift_card_journal(env, store):
    """Gift cards are paid from their own liability, not through the platform's payouts."""
    gift_account = env["account.account"].create(
        {
            "name": "Benchmark gift cards",
            "code": env["account.account"]._search_new_account_code("2999"),
            "account_type": "liability_current",
            "reconcile": True,
        }
    )
    gift_journal = env["account.journal"].create({"name": "Benchmark gift cards", "type": "bank", "code": "BGIFT"})
    (gift_journal.inbound_payment_method_line_ids | gift_journal.outbound_payment_method_line_ids).write(
        {"payment_account_id": gift_account.id}
    )
    env["ecommerce.gateway.mapping"].create(
        {"store_id": store.id, "gateway": "gift_card", "journal_id": gift_journal.id}
    )


def timed(engine, store, records, page=100):
    """Book ``records`` in pages through the engine; ``(seconds, outcomes)``."""
    started = time.perf_counter()
    outcomes = []
    for start in range(0, len(records), page):
        outcomes += engine._handle_record_lists(store, [[record] for record in records[start : start + page]])
    engine.env.flush_all()
    return time.perf_counter() - started, outcomes


def ledger_run(env, count, seed):
    """The generated activity of the ledger tests (refunds, gift cards, fees, a payout) and its tie-out."""
    generator = load_test_module("order_generator")
    store, _tax, _products = prepare(env, generator)
    gift_card_journal(env, store)
    batch = generator.generate(count, seed=seed)
    engine = env["ecommerce.sync.engine"]
    order_time, _outcomes = timed(engine, store, batch.orders)
    refund_time, _outcomes = timed(engine, store, batch.refunds)
    payout_time, _outcomes = timed(engine, store, [batch.payout])
    replay_time, replayed = timed(engine, store, batch.orders)
    moves = env["account.move"].search([("ecommerce_store_id", "=", store.id), ("state", "=", "posted")])
    invoices = moves.filtered(lambda move: move.move_type == "out_invoice")
    credit_notes = moves.filtered(lambda move: move.move_type == "out_refund")

    def balance(account):
        lines = env["account.move.line"].search([("account_id", "=", account.id), ("parent_state", "=", "posted")])
        return round(sum(lines.mapped("balance")), 2)

    print(
        f"orders:            {len(batch.orders)} in {order_time:.2f} s ({order_time / len(batch.orders):.3f} s each, "
        f"{len(batch.orders) / order_time:.1f} per second; refunds inside orders included)"
    )
    if batch.refunds:
        print(
            f"refunds alone:     {len(batch.refunds)} in {refund_time:.2f} s "
            f"({refund_time / len(batch.refunds):.3f} s each)"
        )
    print(f"payout:            {len(batch.payout.lines)} lines in {payout_time:.2f} s")
    print(f"re-import:         {len(batch.orders)} orders in {replay_time:.2f} s, {replayed.count('skipped')} skipped")
    print(
        f"net sales:         store {batch.net_sales}, Odoo "
        f"{round(sum(invoices.mapped('amount_total')) - sum(credit_notes.mapped('amount_total')), 2)}"
    )
    print(f"fees:              store {batch.fees}, Odoo {balance(store.fee_account_id)}")
    print(f"clearing balance:  {balance(store.clearing_account_id)}")
    print(
        f"documents:         {len(invoices)} invoices, {len(credit_notes)} credit notes, "
        f"{len(moves) - len(invoices) - len(credit_notes)} other entries"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--orders", type=int, default=100, help="orders a page (default 100)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250201)
    parser.add_argument("--memory", type=int, metavar="N", help="book N orders in page-budget runs instead")
    parser.add_argument(
        "--ledger", action="store_true", help="book the ledger tests' activity instead and print its tie-out"
    )
    args = parser.parse_args(argv)

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    if args.memory:
        memory_run(registry, args.memory, args.orders, args.seed)
        return 0
    if not args.ledger:
        compare(registry, args.orders, args.rounds, args.seed)
        return 0
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            ledger_run(env, args.orders, args.seed)
        finally:
            cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
