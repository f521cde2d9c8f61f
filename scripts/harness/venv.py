"""The project's virtual environment (.venv in the checkout)."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from . import ui

# Odoo 18.0's pinned sdists need pkg_resources, gone from recent setuptools.
BUILD_CONSTRAINTS = "setuptools<81\n"
# Our own Python needs: the addons' (requests, phonenumbers), the sandboxes' (the Shopify sandbox
# validates GraphQL queries; the demo runs the sandboxes too) and the tests' (the platforms' official
# client libraries drive the sandboxes).
PROJECT_NEEDS = ["requests", "phonenumbers"]
SANDBOX_NEEDS = ["graphql-core>=3.2"]
TEST_NEEDS = [
    "pytest>=8",
    "responses",
    "ShopifyAPI>=12",
    "WooCommerce>=3",
    "squareup",
    "stripe",
    "paypal-server-sdk",
    "cryptography",
]
ODOO_TEST_NEEDS = ["pytest-odoo>=2.1", "websocket-client"]  # websocket-client: Odoo drives Chromium with it (tours)


class Venv:
    def __init__(self, repo):
        self.repo = repo
        self.path = repo / ".venv"
        self.python = str(self.path / "bin" / "python")

    def _pip(self, args, env=None):
        command = [self.python, "-m", "pip", "install", "--disable-pip-version-check", "-q", *args]
        return subprocess.run(command, env={**os.environ, **(env or {})}, check=False)

    def _stamp(self, odoo):
        parts = [sys.version, str(odoo.mode if odoo else None), str(odoo.root if odoo else None)]
        parts += PROJECT_NEEDS + SANDBOX_NEEDS + TEST_NEEDS + (ODOO_TEST_NEEDS if odoo else [])
        if odoo and odoo.requirements:
            parts.append(odoo.requirements.read_text())
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def ensure(self, odoo):
        """Create or refresh the environment for ``odoo`` (an OdooSource or None)."""
        stamp_file = self.path / ".ecommerce-sync-stamp"
        stamp = self._stamp(odoo)
        if stamp_file.exists() and stamp_file.read_text() == stamp and Path(self.python).exists():
            return self
        ui.step(f"Preparing the virtual environment {self.path}")
        command = [sys.executable, "-m", "venv", "--clear", str(self.path)]
        if odoo and odoo.mode == "importable":
            command.append("--system-site-packages")
        subprocess.run(command, check=True)
        if odoo and odoo.mode == "source":
            self._install_odoo_requirements(odoo)
            self._link_source(odoo)
        needs = PROJECT_NEEDS + SANDBOX_NEEDS + TEST_NEEDS + (ODOO_TEST_NEEDS if odoo else [])
        if self._pip(needs).returncode:
            raise RuntimeError(f"Could not install {' '.join(needs)} into {self.path}")
        stamp_file.write_text(stamp)
        return self

    def _install_odoo_requirements(self, odoo):
        """Odoo's own requirements.txt; lines that cannot be built are reported and skipped."""
        if not odoo.requirements:
            ui.warn(f"{odoo.root} has no requirements.txt: Odoo's Python needs were not installed.")
            return
        constraints = self.path / "build-constraints.txt"
        constraints.write_text(BUILD_CONSTRAINTS)
        env = {"PIP_CONSTRAINT": str(constraints)}
        ui.info(f"installing Odoo's requirements from {odoo.requirements}")
        if self._pip(["-r", str(odoo.requirements)], env).returncode == 0:
            return
        skipped = []
        for line in odoo.requirements.read_text().splitlines():
            requirement = line.split("#", 1)[0].strip()
            if not requirement:
                continue
            if self._pip([requirement], env).returncode:
                skipped.append(requirement)
        if skipped:
            ui.warn("These Odoo requirements could not be installed (missing system libraries?): " + "; ".join(skipped))

    def _link_source(self, odoo):
        purelib = subprocess.run(
            [self.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        Path(purelib, "odoo-source.pth").write_text(str(odoo.root) + "\n")

    def run(self, args, env=None, **kwargs):
        return subprocess.run([self.python, *args], env={**os.environ, "TZ": "UTC", **(env or {})}, **kwargs)
