"""Benchmark of the ledger: generated store orders, refunds, fees and a payout booked in Odoo.

Usage, from the repository (Odoo importable, the addon installed in the database)::

    .venv/bin/python scripts/benchmark_ledger.py -c odoo.conf -d DATABASE [--orders 200] [--seed 7]

It creates a store of the in-memory test platform on the database's main company (its accounting
set up, the products of the generator, a 6.25 % sales tax), books the generated activity through the
sync engine's handlers, and prints the time per record and the figures that must tie out.
Everything happens in one transaction, rolled back at the end: the database is left as it was.
"""

import argparse
import importlib.util
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def load_test_module(name):
    """A pure helper of the addon's tests, loaded alone (not through the tests package)."""
    path = REPO / "ecommerce_sync" / "tests" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"ecommerce_sync_benchmark_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(env, generator):
    """A store with its accounting, the generator's products and its tax mapping."""
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
    # gift cards are paid from their own liability, not through the platform's payouts
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
    for sku, name, price in generator.CATALOG:
        if not env["product.product"].search_count([("default_code", "=", sku)]):
            env["product.product"].create({"name": name, "default_code": sku, "type": "consu", "list_price": price})
    return store


def timed(handler, store, records):
    started = time.perf_counter()
    outcomes = [handler(store, record) for record in records]
    return time.perf_counter() - started, outcomes


def run(env, count, seed):
    generator = load_test_module("order_generator")
    store = prepare(env, generator)
    batch = generator.generate(count, seed=seed)
    handlers = env["ecommerce.sync.engine"]._get_handlers()
    order_time, _outcomes = timed(handlers["Order"], store, batch.orders)
    refund_time, _outcomes = timed(handlers["Refund"], store, batch.refunds)
    payout_time, _outcomes = timed(handlers["Payout"], store, [batch.payout])
    replay_time, replayed = timed(handlers["Order"], store, batch.orders)
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
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20250201)
    args = parser.parse_args(argv)

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        try:
            run(env, args.orders, args.seed)
        finally:
            cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
