"""PostgreSQL for the Odoo suites and the demo.

The server named by the usual PG* variables is used when it answers.
Otherwise a private cluster is created (once) and started in the checkout's
ignored ``.local/postgres`` folder with the machine's PostgreSQL binaries,
and stopped afterwards. Debian's ``postgresql`` package is installed when
the binaries are missing and this process may install packages (root with
apt-get).
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import debian, ui

DB_ROLE = "odoo"


@dataclass
class Server:
    host: str
    port: int
    user: str
    password: str = ""
    cluster: "PrivateCluster | None" = None

    def env(self):
        env = {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def odoo_options(self):
        options = {"db_host": self.host, "db_port": str(self.port), "db_user": self.user}
        options["db_password"] = self.password or "False"
        return options

    def stop(self):
        if self.cluster:
            self.cluster.stop()


def _bin_dirs():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: float(p.split("/")[-2]), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        found.insert(0, str(Path(on_path).parent))
    return [d for d in found if Path(d, "initdb").exists() and Path(d, "pg_ctl").exists()]


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(host, port, timeout=3.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _can_connect(python, env):
    code = "import psycopg2; psycopg2.connect(dbname='postgres', connect_timeout=5).close()"
    result = subprocess.run([python, "-c", code], env={**os.environ, **env}, capture_output=True, check=False)
    return result.returncode == 0


def configured_server(python):
    """The server of the PG* variables, when they name one and it answers."""
    if not any(os.environ.get(name) for name in ("PGHOST", "PGPORT", "PGUSER")):
        return None
    host = os.environ.get("PGHOST", "localhost")
    port = int(os.environ.get("PGPORT", "5432"))
    user = os.environ.get("PGUSER") or pwd.getpwuid(os.getuid()).pw_name
    server = Server(host, port, user, os.environ.get("PGPASSWORD", ""))
    if host.startswith("/") or _answers(host, port):
        if _can_connect(python, server.env()):
            return server
    ui.warn(f"The PostgreSQL server of the PG* variables ({host}:{port}, user {user}) does not answer.")
    return None


class PrivateCluster:
    """A throw-away PostgreSQL cluster owned by this checkout."""

    def __init__(self, base):
        self.base = base
        self.data = base / "data"
        self.run_dir = base / "run"
        self.log = base / "server.log"
        self.port = None
        self.bin_dir = None
        self.os_user = None

    # running the server binaries --------------------------------------
    def _run(self, args, check=True):
        command = [str(Path(self.bin_dir, args[0])), *args[1:]]
        if self.os_user:
            command = ["runuser", "-u", self.os_user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if check and result.returncode:
            detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise RuntimeError(f"{args[0]} failed ({' '.join(detail)}); server log: {self.log}")
        return result

    def _choose_user(self):
        """PostgreSQL refuses to run as root: use the 'postgres' account then."""
        if os.getuid() != 0:
            return None
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
        return "postgres"

    def _ensure_binaries(self):
        dirs = _bin_dirs()
        if dirs:
            return dirs[0]
        if debian.apt_install("postgresql", "PostgreSQL binaries missing"):
            dirs = _bin_dirs()
            if dirs:
                return dirs[0]
        raise RuntimeError(
            "No PostgreSQL server binaries (initdb, pg_ctl) on this machine and they cannot be installed here; "
            "install PostgreSQL or set PGHOST/PGPORT/PGUSER to a running server."
        )

    def start(self):
        self.bin_dir = self._ensure_binaries()
        self.os_user = self._choose_user()
        if self.os_user and not self._reachable_by_user(self.base.parent):
            # e.g. a checkout under /root: the server account cannot enter it
            self.base = Path(tempfile.gettempdir()) / f"ecommerce-sync-pg-{abs(hash(str(self.base))) % 10**8}"
            self.__init__(self.base)
            self.bin_dir = self._ensure_binaries()
            self.os_user = self._choose_user()
            ui.info(f"the checkout is not reachable by the 'postgres' account; cluster kept in {self.base}")
        self.base.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if self.os_user:
            shutil.chown(self.base, self.os_user)
            shutil.chown(self.run_dir, self.os_user)
        if not (self.data / "PG_VERSION").exists():
            ui.step(f"Creating a private PostgreSQL cluster in {self.data}")
            self._run(["initdb", "-D", str(self.data), "-U", DB_ROLE, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        if self._run(["pg_ctl", "-D", str(self.data), "status"], check=False).returncode == 0:
            # left running by an interrupted run: restart it on a fresh port
            self._run(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"])
        self.port = _free_port()
        options = (
            f"-p {self.port} -k {self.run_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(["pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"])
        for _attempt in range(50):
            if _answers("127.0.0.1", self.port):
                break
            time.sleep(0.2)
        ui.info(f"private PostgreSQL listening on 127.0.0.1:{self.port}")
        return Server("127.0.0.1", self.port, DB_ROLE, cluster=self)

    def _reachable_by_user(self, path):
        result = subprocess.run(
            ["runuser", "-u", self.os_user, "--", "test", "-x", str(path)], capture_output=True, check=False
        )
        return result.returncode == 0

    def stop(self):
        if self.bin_dir and (self.data / "postmaster.pid").exists():
            self._run(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"], check=False)
            ui.info("private PostgreSQL stopped")


def get_server(python, repo):
    """A reachable server: the PG* one, else a private cluster (caller stops it)."""
    server = configured_server(python)
    if server:
        ui.info(f"using PostgreSQL at {server.host}:{server.port} (PG* variables), user {server.user}")
        return server
    return PrivateCluster(repo / ".local" / "postgres").start()


def psql_python(python, server, sql, dbname="postgres"):
    """Run one SQL statement through psycopg2 in autocommit (CREATE/DROP DATABASE)."""
    code = (
        "import sys, psycopg2; c = psycopg2.connect(dbname=sys.argv[1]); c.autocommit = True; "
        "cur = c.cursor(); cur.execute(sys.argv[2]); "
        "print(cur.fetchall() if cur.description else '')"
    )
    result = subprocess.run(
        [python, "-c", code, dbname, sql],
        env={**os.environ, **server.env()},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"SQL failed ({sql}): {result.stderr.strip().splitlines()[-1:]}")
    return result.stdout.strip()
