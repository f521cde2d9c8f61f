"""Benchmark of a backfill spread over queue_job workers: 1 worker, then 2, on copies of one database.

Usage, from the repository (Odoo importable; a database with ``ecommerce_sync_shopify`` and
``ecommerce_sync_queue_job`` installed, such as the bridge's test database kept by
``./test.sh --keep-db``, whose configuration file is in ``.local/``)::

    .venv/bin/python scripts/benchmark_workers.py -c .local/odoo-DATABASE.conf -d DATABASE [--orders 240]

Each round (one per ``--workers`` count, 1 and 2 by default):

1. copies the database (so that every round starts from the same state, no customer known);
2. starts a Shopify sandbox with ``--orders`` generated orders (the same ones each round);
3. in the copy, connects a store to it and sets it up as a merchant would (taxes, products,
   journals), imports its products, and starts the backfill of its orders in windows of
   ``--window-hours`` (a job handles ``--pages`` pages of a window, then hands the rest to a new job);
4. starts Odoo on the copy with that many HTTP workers and queue_job's job runner (channels
   ``root:N``, no scheduled actions), waits until every window is done, and stops it;
5. waits as well for the deliveries job (``ecommerce.deferred.stock``) to validate every delivery
   and return the windows left to it, then counts the orders booked, the time from the first job's
   start to the last job's end (deliveries included), the deliveries validated, and the duplicates:
   sale orders of the same store order, customers of the same email.

It prints per round orders per second, the job retries, the records that failed (the first of them
with their errors) and how busy the machine's processors were (Linux), then the ratio of the last
round to the first, and the duplicates (which must be 0). The copies are dropped afterwards.
"""

import argparse
import os
import sys
import time
from datetime import timedelta

from server_round import database_copy, start_odoo, stop

SERVER_WIDE = "base,web,queue_job,ecommerce_sync_queue_job"


def prepare_round(odoo, database, server, args):
    """The store of the round in ``database``, set up, its products imported, its backfill started."""
    from odoo.addons.ecommerce_sync.connector import Window
    from odoo.addons.ecommerce_sync_shopify.sandbox import merchant
    from odoo.addons.ecommerce_sync_shopify.sandbox.data import START
    from odoo.addons.ecommerce_sync_shopify.sandbox.merchant import store_values

    registry = odoo.modules.registry.Registry.new(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        store = env["ecommerce.store"].create(store_values(server, name="Benchmark Outfitters"))
        merchant.set_up_store(env, store, server.shop)
        env["ecommerce.sync.engine"].run_flow(store, "products", max_pages=1000)
        store.write(
            {
                "backfill_window_days": 1,
                "backfill_pages_per_job": args.pages,
                "job_capacity": args.workers_now,
                "sync_interval": 100_000,
            }
        )
        # the sandbox spreads its orders over max(7 days, 2 hours an order) from START
        until = START + max(timedelta(days=7), timedelta(hours=2) * args.orders) + timedelta(hours=2)
        store._create_backfill(Window.cut_hours(START - timedelta(hours=1), until, args.window_hours))
        cr.commit()
        store_id = store.id
    registry.delete(database)
    return store_id


def measure(odoo, database, store_id):
    registry = odoo.modules.registry.Registry.new(database)
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*), count(DISTINCT ecommerce_external_id) FROM sale_order WHERE ecommerce_store_id = %s",
            [store_id],
        )
        orders, distinct = cr.fetchone()
        cr.execute(
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM res_partner "
            "WHERE email IS NOT NULL AND parent_id IS NULL GROUP BY lower(email)) c WHERE n > 1"
        )
        (partners_twice,) = cr.fetchone()
        cr.execute(
            "SELECT min(date_started), max(date_done), count(*) FILTER (WHERE method_name = '_job_import') "
            "FROM queue_job WHERE state = 'done' AND method_name IN ('_job_import', '_job_book')"
        )
        first, last, jobs = cr.fetchone()
        cr.execute(
            "SELECT state, count(*) FROM ecommerce_backfill_window WHERE store_id = %s GROUP BY state", [store_id]
        )
        states = dict(cr.fetchall())
        cr.execute(
            "SELECT count(*) FROM stock_picking p JOIN sale_order o ON o.procurement_group_id = p.group_id "
            "WHERE o.ecommerce_store_id = %s AND p.state = 'done'",
            [store_id],
        )
        (deliveries,) = cr.fetchone()
        cr.execute(
            "SELECT l.external_id, left(l.error, 160) FROM ecommerce_sync_log_line l "
            "WHERE l.store_id = %s AND l.state != 'resolved' ORDER BY l.id",
            [store_id],
        )
        failed = cr.fetchall()
        # queue_job counts a job's attempts in ``retry``: the first one is no retry
        cr.execute(
            "SELECT coalesce(sum(greatest(retry - 1, 0)), 0) FROM queue_job "
            "WHERE method_name IN ('_job_import', '_job_book')"
        )
        (retries,) = cr.fetchone()
    registry.delete(database)
    seconds = (last - first).total_seconds() if first and last else float("nan")
    return {
        "orders": orders,
        "duplicates": (orders - distinct) + partners_twice,
        "seconds": seconds,
        "jobs": jobs,
        "windows": states,
        "deliveries": deliveries,
        "failed": failed,
        "retries": retries,
    }


def windows_left(odoo, database, store_id):
    db = odoo.sql_db.db_connect(database)
    with db.cursor() as cr:
        cr.execute(
            "SELECT (SELECT count(*) FROM ecommerce_backfill_window"
            " WHERE store_id = %s AND state IN ('pending', 'running'))"
            " + (SELECT count(*) FROM ecommerce_deferred_stock WHERE store_id = %s AND state = 'pending')",
            [store_id, store_id],
        )
        return cr.fetchone()[0]


def cpu_times():
    """(busy, total) jiffies of the machine's processors so far (Linux), or None elsewhere."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def run_round(odoo, args, workers):
    from odoo.addons.ecommerce_sync_shopify.sandbox.merchant import start_sandbox

    copy = f"{args.database}_workers_{workers}"
    with database_copy(args.database, copy, keep=args.keep):
        server = start_sandbox(orders=args.orders, seed=args.seed)
        process = None
        try:
            args.workers_now = workers
            store_id = prepare_round(odoo, copy, server, args)
            options = [
                f"--workers={workers}",
                "--max-cron-threads=0",
                f"--load={SERVER_WIDE}",
                "--limit-time-real=900",
                "--limit-time-cpu=900",
            ]
            env = {**os.environ, "ODOO_QUEUE_JOB_CHANNELS": f"root:{workers}", "TZ": "UTC"}
            cpu_before = cpu_times()
            process, port, log = start_odoo(args.config, copy, options, f"benchmark-workers-{workers}.log", env=env)
            # queue_job's runner calls the workers back on the server's own port
            deadline = time.monotonic() + args.timeout
            while windows_left(odoo, copy, store_id) and time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"Odoo stopped (see {log})")
                time.sleep(2)
            cpu_after = cpu_times()
            stop(process)
            process = None
            result = measure(odoo, copy, store_id)
            if cpu_before and cpu_after:
                busy, total = (after - before for before, after in zip(cpu_before, cpu_after, strict=True))
                result["cores_busy"] = os.cpu_count() * busy / total if total else float("nan")
            return result
        finally:
            stop(process)
            server.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database with the bridge installed (copied)")
    parser.add_argument("--orders", type=int, default=240)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--window-hours", type=int, default=12, help="span of a backfill window (default 12)")
    parser.add_argument("--pages", type=int, default=1, help="pages one backfill job handles (default 1)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds a round may take at most")
    parser.add_argument("--keep", action="store_true", help="keep the copies of the database")
    args = parser.parse_args(argv)

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    results = []
    for workers in args.workers:
        result = run_round(odoo, args, workers)
        rate = result["orders"] / result["seconds"] if result["seconds"] else float("nan")
        results.append(rate)
        print(
            f"{workers} worker(s): {result['orders']} orders in {result['seconds']:.1f}s = {rate:.2f} orders/s "
            f"({result['jobs']} window jobs, windows {result['windows']}, {result['deliveries']} transfers done), "
            f"duplicates {result['duplicates']}, {result['retries']} job retries, "
            f"{len(result['failed'])} records failed; processors busy "
            f"{result.get('cores_busy', float('nan')):.2f} of {os.cpu_count()} (Odoo, PostgreSQL, sandbox)",
            flush=True,
        )
        for external_id, error in result["failed"][:5]:
            print(f"    failed {external_id}: {error}", flush=True)
        if result["duplicates"]:
            print("DUPLICATES FOUND", flush=True)
    if len(results) > 1:
        print(f"ratio {args.workers[-1]} / {args.workers[0]} workers: {results[-1] / results[0]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
