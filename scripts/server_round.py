"""What the scripts that measure a running Odoo share: a copy of a database, a free port, an Odoo server.

Imported by ``benchmark_workers.py`` and ``check_time_limits.py`` (run from the repository, Odoo
importable, the configuration parsed by the caller).
"""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOGS = REPO / ".local" / "logs"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_copy(source, copy):
    """``copy`` made anew from ``source`` (a database nobody is connected to)."""
    from odoo.service import db as db_service

    drop(copy)
    db_service.exp_duplicate_database(source, copy)


@contextmanager
def database_copy(source, copy, keep=False):
    """``copy`` made anew from ``source`` for the block, then dropped (closed only, when ``keep``)."""
    fresh_copy(source, copy)
    try:
        yield copy
    finally:
        if keep:
            import odoo

            odoo.sql_db.close_db(copy)
        else:
            drop(copy)


def drop(database):
    """Drop ``database`` when it exists.

    Not through ``exp_drop``: with a database named in the configuration (``-d``) Odoo lists that
    one alone, and ``exp_drop`` leaves any other in place without a word.
    """
    from psycopg2 import sql

    import odoo

    odoo.sql_db.close_db(database)
    with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr._cnx.autocommit = True
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))


def start_odoo(config, database, options, log_name, env=None):
    """An Odoo server on ``database`` alone, started with ``options``; its output in ``.local/logs``.

    :return: ``(process, port, log path)``
    """
    port = free_port()
    command = [
        sys.executable,
        str(Path(__file__).with_name("odoo_server.py")),
        "-c",
        config,
        "-d",
        database,
        f"--db-filter=^{database}$",
        f"--http-port={port}",
        "--log-level=warn",
        *options,
    ]
    LOGS.mkdir(parents=True, exist_ok=True)
    path = LOGS / log_name
    with path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    return process, port, path


def wait_for_http(port, process, timeout=120):
    """Whether Odoo answers on ``port`` within ``timeout`` seconds (False when it stopped)."""
    url = f"http://127.0.0.1:{port}/web/login"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5):
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    return False


def stop(process):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
