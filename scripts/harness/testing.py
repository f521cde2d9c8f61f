"""The test command: suites without Odoo, then every addon's Odoo tests on a fresh database."""

import ast
import os
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from . import browser, odoo_finder, postgres, queue_job, ui
from .odoo_run import OdooDatabase, addon_names
from .venv import Venv


@dataclass
class SuiteResult:
    name: str
    ran: bool = False
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    note: str = ""

    @property
    def ok(self):
        return not self.ran or (self.failed == 0 and self.errors == 0)

    def line(self):
        if not self.ran:
            return f"{self.name}: NOT RUN ({self.note})"
        text = f"{self.name}: {self.passed} passed, {self.failed} failed, {self.errors} errors, {self.skipped} skipped"
        return text + (f" ({self.note})" if self.note else "")


def read_junit(path, result):
    """Fill ``result`` from a JUnit XML report written by pytest."""
    if not path.exists():
        result.errors += 1
        result.note = "no report written (pytest crashed?)"
        return result
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        tests = int(suite.get("tests", 0))
        failures = int(suite.get("failures", 0))
        errors = int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        result.failed += failures
        result.errors += errors
        result.skipped += skipped
        result.passed += tests - failures - errors - skipped
    return result


def run_pure_suites(repo, venv, extra):
    result = SuiteResult("suites without Odoo", ran=True)
    report = repo / ".local" / "reports" / "pure-junit.xml"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    ui.step("Running the suites that need no Odoo (tests/)")
    venv.run(
        [
            "-m",
            "pytest",
            "-p",
            "no:odoo",
            "-p",
            "no:cacheprovider",
            "-q",
            str(repo / "tests"),
            f"--junitxml={report}",
            *extra,
        ],
        cwd=repo,
        check=False,
    )
    return read_junit(report, result)


def addons_with_tests(repo, available):
    """The addons (of those :func:`addon_names` gives for ``available``) that have Odoo tests."""
    found = []
    for name in addon_names(repo, available):
        manifest = ast.literal_eval((repo / name / "__manifest__.py").read_text())
        if manifest.get("installable", True) and any((repo / name / "tests").glob("test_*.py")):
            found.append(name)
    return found


def _targets(repo, addons, extra):
    """The test folders of ``addons``; only the paths of ``extra`` inside them when ``extra`` names some."""
    folders = [repo / name / "tests" for name in addons]
    named = [Path(arg).resolve() for arg in extra if not arg.startswith("-") and Path(arg).exists()]
    if not named:
        return [str(folder) for folder in folders], list(extra)
    inside = [path for path in named if any(path.is_relative_to(folder.parent) for folder in folders)]
    others = [arg for arg in extra if arg.startswith("-") or not Path(arg).exists()]
    return [str(path) for path in inside], others


def _test_database(repo, venv, odoo, server, name, names, test_addons, extra, keep_db, result, extra_paths=()):
    """Create a database with ``names`` installed, run the Odoo tests of ``test_addons``, check uninstall."""
    targets, options = _targets(repo, test_addons, extra)
    if not targets:
        return
    database = OdooDatabase(repo, venv, odoo, server, name, extra_addons_paths=extra_paths)
    try:
        ui.step(f"Creating database {database.name} with {', '.join(names)} installed")
        started = time.monotonic()
        database.create(names)
        database.keep_statistics()
        ui.info(f"installed in {time.monotonic() - started:.0f}s")
        report = repo / ".local" / "reports" / f"junit-{name}.xml"
        report.unlink(missing_ok=True)
        ui.step(f"Running the Odoo tests of {', '.join(test_addons)} (pytest-odoo)")
        venv.run(
            [
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "-p",
                "odoo_test_mode",
                "-q",
                f"--odoo-config={database.config}",
                f"--odoo-database={database.name}",
                "--odoo-http",
                "--odoo-log-level=warn",
                f"--junitxml={report}",
                *targets,
                *options,
            ],
            cwd=repo,
            check=False,
            env={
                "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")]))
            },
        )
        read_junit(report, result)
        if not extra:
            ui.step(f"Checking that {', '.join(names)} uninstall cleanly")
            problems = database.uninstall_check(names)
            if problems:
                result.failed += 1
                note = "uninstall check failed: " + "; ".join(problems)
                result.note = (result.note + "; " if result.note else "") + note
                ui.warn(note)
            else:
                result.passed += 1
                ui.info("uninstalled cleanly (install/uninstall check counted as one passed test)")
    finally:
        if not keep_db:
            database.drop()


def run_odoo_suites(repo, venv, odoo, extra, keep_db=False):
    """The addons without the job queue in one database; with queue_job found, the bridge in another.

    Installing the bridge makes the stores' triggers enqueue jobs: the other addons' tests run
    without it, as their stores work without queue_job.
    """
    result = SuiteResult("Odoo suites", ran=True)
    chromium = browser.ensure_chromium()
    installed = queue_job.ensure(venv)
    server = postgres.get_server(venv.python, repo)
    stamp = time.strftime("%Y%m%d%H%M%S")
    try:
        plain = addon_names(repo, available=())
        tested = addons_with_tests(repo, ())
        _test_database(repo, venv, odoo, server, f"ecommerce_sync_test_{stamp}", plain, tested, extra, keep_db, result)
        if installed:
            everything = addon_names(repo, {"queue_job"})
            bridges = [name for name in addons_with_tests(repo, {"queue_job"}) if name not in plain]
            name = f"ecommerce_sync_queue_test_{stamp}"
            _test_database(repo, venv, odoo, server, name, everything, bridges, extra, keep_db, result, [installed[1]])
        result.note = (result.note + "; " if result.note else "") + f"Odoo {odoo.origin}"
        result.note += f"; queue_job {installed[0]}" if installed else "; queue_job not installed, its bridge untested"
        if not chromium:
            result.note += "; NO CHROMIUM: browser tours skipped"
    finally:
        server.stop()
    return result


def main(repo, args):
    extra = list(args.pytest_args or [])
    odoo = odoo_finder.find_odoo(repo, allow_download=not args.no_download)
    venv = Venv(repo).ensure(odoo)
    if args.only == "odoo":
        pure = SuiteResult("suites without Odoo", note="skipped by --only odoo")
    else:
        pure = run_pure_suites(repo, venv, extra)
    if odoo and args.only != "pure":
        odoo_result = run_odoo_suites(repo, venv, odoo, extra, keep_db=args.keep_db)
    elif odoo:
        odoo_result = SuiteResult("Odoo suites", note="skipped by --only pure")
    else:
        odoo_result = SuiteResult("Odoo suites", note="Odoo 18.0 was not found")
        ui.loud(
            [
                "THE ODOO SUITES DID NOT RUN: Odoo 18.0 was not found on this machine.",
                "Every addon's Odoo tests (models, engine, ledger, stock, webhooks) were skipped.",
                *odoo_finder.HOW_TO_PROVIDE.splitlines(),
            ]
        )
    summary = f"SUMMARY: {pure.line()} | {odoo_result.line()}"
    print(summary, flush=True)
    return 0 if pure.ok and odoo_result.ok else 1
