"""A first sync under short time limits: every unit of work ends inside them, and the sync completes.

Usage, from the repository (Odoo importable; a database with ``ecommerce_sync_shopify`` installed,
such as the test database kept by ``./test.sh --keep-db``, whose configuration file is in
``.local/``)::

    .venv/bin/python scripts/check_time_limits.py -c .local/odoo-DATABASE.conf -d DATABASE \\
        [--orders 200] [--limit 60] [--workers 0] [--cron-limit SECONDS]

It copies the database, starts a Shopify sandbox with ``--orders`` generated orders, connects a
store to it and sets it up as a merchant would, then starts Odoo on the copy with
``--limit-time-real=LIMIT`` (threaded with ``--workers 0``; prefork with more, where Odoo kills a
worker that passes the limit) and one cron worker. It presses "Sync now" over JSON-RPC as the
administrator, as the store form does, and waits while the scheduled pull carries on. It prints
how long "Sync now" took to answer, the sync runs and the longest, the orders imported against the
shop's, duplicates, and the workers Odoo killed for passing their limit. It exits 1 when the sync
did not complete, a run lasted as long as the limit, Odoo killed a worker or an order came twice.

With prefork workers, Odoo's cron workers count their idle sleep (60 to 69 s) against
``limit_time_real_cron`` (``limit_time_real`` unless set), so below 70 s Odoo kills them while they
sleep, whatever they run: ``--cron-limit`` sets it for such a run.
"""

import argparse
import json
import sys
import time
import urllib.request

from server_round import database_copy, start_odoo, stop, wait_for_http


def prepare(odoo, database, server):
    """The store of the check in ``database``, connected to the sandbox and set up; its id."""
    from odoo.addons.ecommerce_sync_shopify.sandbox import merchant
    from odoo.addons.ecommerce_sync_shopify.sandbox.merchant import store_values

    registry = odoo.modules.registry.Registry.new(database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        store = env["ecommerce.store"].create(store_values(server, name="Time Limit Outfitters"))
        merchant.set_up_store(env, store, server.shop)
        env.ref("base.user_admin").password = "admin"
        cr.commit()
        store_id = store.id
    registry.delete(database)
    return store_id


class JsonRpc:
    """The administrator's session on the server, calling model methods as the web client does."""

    def __init__(self, port, database):
        self.url = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        self.post("/web/session/authenticate", {"db": database, "login": "admin", "password": "admin"})

    def post(self, path, params, timeout=600):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode()
        request = urllib.request.Request(self.url + path, body, {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=timeout) as answer:
            reply = json.loads(answer.read())
        if reply.get("error"):
            raise RuntimeError(reply["error"].get("data", {}).get("message") or reply["error"])
        return reply["result"]

    def call(self, model, method, args):
        return self.post("/web/dataset/call_kw", {"model": model, "method": method, "args": args, "kwargs": {}})


def progress(odoo, database, store_id):
    """``(orders imported, distinct store orders, whether the sync goes on)`` of the store.

    It goes on while a run is running or the last run of orders left more for the next.
    """
    db = odoo.sql_db.db_connect(database)
    with db.cursor() as cr:
        cr.execute(
            "SELECT count(*), count(DISTINCT ecommerce_external_id) FROM sale_order WHERE ecommerce_store_id = %s",
            [store_id],
        )
        orders, distinct = cr.fetchone()
        cr.execute("SELECT count(*) FROM ecommerce_sync_log WHERE store_id = %s AND state = 'running'", [store_id])
        (running,) = cr.fetchone()
        cr.execute(
            "SELECT more_pending FROM ecommerce_sync_log WHERE store_id = %s AND flow = 'orders' "
            "ORDER BY started_at DESC, id DESC LIMIT 1",
            [store_id],
        )
        last = cr.fetchone()
    return orders, distinct, bool(running or last is None or last[0])


def runs(odoo, database, store_id):
    """The store's sync runs: ``[(trigger, flow, state, seconds, created)]`` in order."""
    db = odoo.sql_db.db_connect(database)
    with db.cursor() as cr:
        cr.execute(
            "SELECT trigger, flow, state, coalesce(duration, 0), coalesce(created_count, 0) FROM ecommerce_sync_log "
            "WHERE store_id = %s ORDER BY started_at, id",
            [store_id],
        )
        return cr.fetchall()


def check(odoo, args):
    from odoo.addons.ecommerce_sync_shopify.sandbox.merchant import start_sandbox

    copy = f"{args.database}_time_limits"
    with database_copy(args.database, copy, keep=args.keep):
        server = start_sandbox(orders=args.orders, seed=args.seed)
        expected = len(server.shop.orders)
        process = None
        try:
            store_id = prepare(odoo, copy, server)
            options = [f"--workers={args.workers}", "--max-cron-threads=1", f"--limit-time-real={args.limit}"]
            if args.cron_limit:
                options.append(f"--limit-time-real-cron={args.cron_limit}")
            process, port, log = start_odoo(args.config, copy, options, "check-time-limits.log", env={"TZ": "UTC"})
            if not wait_for_http(port, process):
                raise RuntimeError(f"Odoo did not start (see {log})")
            print(f"Odoo {' '.join(options)}; the shop has {expected} orders", flush=True)
            started = time.monotonic()
            notification = JsonRpc(port, copy).call("ecommerce.store", "action_sync_now", [[store_id]])
            answered = time.monotonic() - started
            message = notification.get("params", {}).get("message", "") if isinstance(notification, dict) else ""
            print(f'"Sync now" answered in {answered:.1f}s: {message}', flush=True)
            deadline = started + args.timeout
            orders = distinct = 0
            while time.monotonic() < deadline:
                orders, distinct, going_on = progress(odoo, copy, store_id)
                if not going_on:
                    break
                if process.poll() is not None:
                    raise RuntimeError(f"Odoo stopped (see {log})")
                time.sleep(3)
            elapsed = time.monotonic() - started
            done = runs(odoo, copy, store_id)
            stop(process)
            process = None
            killed = [line.strip() for line in log.read_text().splitlines() if " timeout after " in line]
            cron_limit = args.cron_limit or args.limit
            over = [row for row in done if row[3] >= (cron_limit if row[0] == "cron" else args.limit)]
            for trigger in ("manual", "cron"):
                seconds = [row[3] for row in done if row[0] == trigger]
                limit = cron_limit if trigger == "cron" else args.limit
                print(
                    f"{len(seconds)} {trigger} runs; the longest {max(seconds, default=0.0):.1f}s (limit {limit}s)",
                    flush=True,
                )
            for trigger, flow, state, seconds, created in done:
                print(f"  {trigger:<9} {flow:<10} {state:<8} {seconds:6.1f}s  {created} created", flush=True)
            print(
                f"orders imported: {distinct} of {expected} in {elapsed:.0f}s; duplicates {orders - distinct}; "
                f"runs as long as their limit: {len(over)}; workers killed for passing their limit: {len(killed)}",
                flush=True,
            )
            for line in killed:
                print(f"  {line}", flush=True)
            ok = distinct == expected and orders == distinct and not killed and not over
            print("TIME LIMITS HELD" if ok else "TIME LIMITS NOT HELD", flush=True)
            return 0 if ok else 1
        finally:
            stop(process)
            server.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True, help="database with the Shopify addon installed (copied)")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, default=60, help="Odoo's --limit-time-real (default 60)")
    parser.add_argument("--cron-limit", type=int, help="Odoo's --limit-time-real-cron (default: as --limit)")
    parser.add_argument("--workers", type=int, default=0, help="Odoo's --workers (default 0: threaded)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds the sync may take at most")
    parser.add_argument("--keep", action="store_true", help="keep the copy of the database")
    args = parser.parse_args(argv)

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    return check(odoo, args)


if __name__ == "__main__":
    sys.exit(main())
