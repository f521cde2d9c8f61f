"""Static checks: ruff, and pylint-odoo's mandatory checks on every addon."""

from . import ui
from .odoo_run import addon_names

LINT_TOOLS = ["ruff", "pylint-odoo"]
MANDATORY_CHECKS = "external-request-timeout,invalid-commit,sql-injection,translation-required,except-pass"


def main(repo, venv):
    if venv.run(["-m", "pip", "install", "-q", "--disable-pip-version-check", *LINT_TOOLS], check=False).returncode:
        raise RuntimeError("Could not install " + " ".join(LINT_TOOLS))
    failures = []
    ui.step("ruff check")
    if venv.run(["-m", "ruff", "check", str(repo)], cwd=repo, check=False).returncode:
        failures.append("ruff check")
    ui.step("ruff format --check")
    if venv.run(["-m", "ruff", "format", "--check", str(repo)], cwd=repo, check=False).returncode:
        failures.append("ruff format")
    ui.step(f"pylint-odoo mandatory checks ({MANDATORY_CHECKS})")
    pylint = [
        "-m",
        "pylint",
        "--load-plugins=pylint_odoo",
        "--disable=all",
        f"--enable={MANDATORY_CHECKS}",
        "--valid-odoo-versions=18.0",
        "--score=n",
        *addon_names(repo),
    ]
    if venv.run(pylint, cwd=repo, check=False).returncode:
        failures.append("pylint-odoo")
    print(f"LINT: {'failed: ' + ', '.join(failures) if failures else 'clean'}", flush=True)
    return 1 if failures else 0
