"""An Odoo database with the project's addons, its configuration file and its server."""

import ast
import json
import os
import socket
import subprocess

from . import postgres, ui

UNINSTALL_CHECK = r"""
import json, sys
import odoo
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2]])
names = json.loads(sys.argv[3])
registry = odoo.modules.registry.Registry(sys.argv[2])
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    env["ir.module.module"].search([("name", "in", names)]).button_immediate_uninstall()
registry = odoo.modules.registry.Registry(sys.argv[2])
problems = []
with registry.cursor() as cr:
    cr.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [names])
    problems += [f"{name} is {state}" for name, state in cr.fetchall() if state != "uninstalled"]
    cr.execute("SELECT model FROM ir_model WHERE model LIKE 'ecommerce.%%'")
    problems += [f"model {model} left behind" for (model,) in cr.fetchall()]
    cr.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'ecommerce\_%%'")
    problems += [f"table {table} left behind" for (table,) in cr.fetchall()]
print(json.dumps(problems))
"""

#: Test classes insert thousands of rows and roll them back. Autovacuum then records such a table
#: as holding no rows over many pages, the planner believes every later row count is zero, and
#: Odoo's reconciliation queries turn into nested full scans (seconds each). A test database keeps
#: the statistics taken once after installation instead.
KEEP_STATISTICS = """
DO $$
DECLARE
    rel regclass;
BEGIN
    FOR rel IN SELECT oid::regclass FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace
    LOOP
        EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false)', rel);
    END LOOP;
END
$$
"""


#: modules some of the project's addons depend on that do not come with Odoo
OPTIONAL_MODULES = {"queue_job"}


def addon_names(repo, available=None):
    """The project's installable addons, base first.

    :param available: the optional modules (:data:`OPTIONAL_MODULES`) this Odoo has; when given,
        addons depending on a missing one are left out (None: every addon, e.g. for static checks)
    """
    names = []
    for path in sorted(repo.iterdir()):
        manifest_file = path / "__manifest__.py"
        if not manifest_file.is_file():
            continue
        manifest = ast.literal_eval(manifest_file.read_text())
        missing = (OPTIONAL_MODULES & set(manifest.get("depends", []))) - set(available or ())
        if manifest.get("installable", True) and (available is None or not missing):
            names.append(path.name)
    return sorted(names, key=lambda name: (name != "ecommerce_sync", name))


def free_port(preferred=None):
    """``preferred`` when it is free, else any free port."""
    if preferred:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", preferred))
                return preferred
            except OSError:
                pass
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooDatabase:
    def __init__(self, repo, venv, odoo, server, name, http_port=None, extra_addons_paths=()):
        self.repo = repo
        self.extra_addons_paths = list(extra_addons_paths)
        self.venv = venv
        self.odoo = odoo
        self.server = server
        self.name = name
        self.local = repo / ".local"
        self.config = self.local / f"odoo-{name}.conf"
        self.log_dir = self.local / "logs"
        self.http_port = http_port or free_port()
        self.write_config()

    def write_config(self):
        addons = [str(p) for p in self.odoo.addons_paths] + self.extra_addons_paths + [str(self.repo)]
        options = {
            "addons_path": ",".join(addons),
            "data_dir": str(self.local / "odoo-data"),
            "db_name": self.name,
            "dbfilter": f"^{self.name}$",
            "list_db": "False",
            "without_demo": "all",
            "http_interface": "127.0.0.1",
            "http_port": str(self.http_port),
            "max_cron_threads": "1",
            **self.server.odoo_options(),
        }
        self.local.mkdir(parents=True, exist_ok=True)
        lines = ["[options]"] + [f"{key} = {value}" for key, value in options.items()]
        self.config.write_text("\n".join(lines) + "\n")

    def run_odoo(self, args, log_name, check=True):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / log_name
        with log.open("w") as handle:
            result = self.venv.run(
                ["-m", "odoo", "-c", str(self.config), *args], stdout=handle, stderr=subprocess.STDOUT, check=False
            )
        if check and result.returncode:
            tail = log.read_text().splitlines()[-30:]
            raise RuntimeError(f"Odoo {' '.join(args[:3])} failed (log {log}):\n" + "\n".join(tail))
        return log

    def exists(self):
        out = postgres.psql_python(
            self.venv.python, self.server, f"SELECT 1 FROM pg_database WHERE datname = '{self.name}'"
        )
        return "1" in out

    def create(self, addons):
        """A new database with ``addons`` installed (no demo data)."""
        if self.exists():
            self.drop()
        log = self.run_odoo(
            ["-d", self.name, "-i", ",".join(addons), "--stop-after-init", "--log-level=warn"],
            f"install-{self.name}.log",
        )
        states = self.module_states(addons)
        missing = [name for name in addons if states.get(name) != "installed"]
        if missing:
            raise RuntimeError(f"Not installed: {', '.join(missing)} (log {log})")

    def keep_statistics(self):
        """Analyze once and turn autovacuum off in this (throwaway) database; see KEEP_STATISTICS."""
        postgres.psql_python(self.venv.python, self.server, KEEP_STATISTICS, self.name)
        postgres.psql_python(self.venv.python, self.server, "ANALYZE", self.name)

    def update(self, addons):
        self.run_odoo(
            ["-d", self.name, "-u", ",".join(addons), "--stop-after-init", "--log-level=warn"],
            f"update-{self.name}.log",
        )

    def module_states(self, addons):
        names = ",".join(f"'{name}'" for name in addons)
        out = postgres.psql_python(
            self.venv.python,
            self.server,
            f"SELECT name, state FROM ir_module_module WHERE name IN ({names})",
            self.name,
        )
        return dict(ast.literal_eval(out)) if out else {}

    def uninstall_check(self, addons):
        """Uninstall ``addons``; return what is wrong afterwards (empty list: clean)."""
        result = self.venv.run(
            ["-c", UNINSTALL_CHECK, str(self.config), self.name, json.dumps(addons)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            return [f"uninstall crashed: {result.stderr.strip().splitlines()[-1:]}"]
        return json.loads(result.stdout.strip().splitlines()[-1])

    def drop(self):
        try:
            postgres.psql_python(self.venv.python, self.server, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        except RuntimeError as exc:
            ui.warn(str(exc))
        filestore = self.local / "odoo-data" / "filestore" / self.name
        if filestore.exists():
            subprocess.run(["rm", "-rf", str(filestore)], check=False)

    def serve(self, extra=()):
        """Start the Odoo server in the background; return the process."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"server-{self.name}.log").open("a")
        return subprocess.Popen(
            [self.venv.python, "-m", "odoo", "-c", str(self.config), "-d", self.name, *extra],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TZ": "UTC"},
        )
