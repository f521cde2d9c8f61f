"""OCA's queue_job for the bridge addon's tests: a release from PyPI that the found Odoo accepts."""

import json
import subprocess

from . import ui

PACKAGE = "odoo-addon-queue-job"
#: queue_job releases from this one on decorate methods with ``odoo.api.private``, which Odoo 18.0
#: releases before it was added (such as the one of 24 Nov 2024) do not have
NEEDS_API_PRIVATE_FROM = "18.0.1.7.1"
#: the addons of this repository that need queue_job (installed and tested only when it is found)
NEEDS_QUEUE_JOB = "queue_job"

PROBE_ODOO = "import json, odoo.api; print(json.dumps(hasattr(odoo.api, 'private')))"
PROBE_INSTALLED = (
    "import json, importlib.metadata as m\n"
    "try:\n"
    f"    d = m.distribution({PACKAGE!r})\n"
    "    print(json.dumps([d.version, str(d.locate_file('odoo/addons'))]))\n"
    "except m.PackageNotFoundError:\n"
    "    print(json.dumps(None))\n"
)


def requirement(odoo_has_api_private):
    """The release range of queue_job for an Odoo 18.0 that has (or lacks) ``odoo.api.private``."""
    if odoo_has_api_private:
        return f"{PACKAGE}>=18.0,<18.1"
    return f"{PACKAGE}>=18.0,<{NEEDS_API_PRIVATE_FROM}"


def _probe(venv, code):
    result = venv.run(["-c", code], capture_output=True, text=True, check=False)
    if result.returncode:
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def ensure(venv):
    """Install the newest queue_job release the found Odoo accepts (``--no-deps``: its needs are Odoo's).

    :return: ``(version, addons directory)`` of the installed release, or None when it could not be
        installed (offline, no such release): the bridge addon is then left out of the run
    """
    has_private = _probe(venv, PROBE_ODOO)
    if has_private is None:
        ui.warn("Could not import odoo.api to choose a queue_job release; the queue_job bridge is not tested.")
        return None
    wanted = requirement(has_private)
    ui.step(f"Installing {wanted} (Odoo {'has' if has_private else 'lacks'} odoo.api.private)")
    command = [venv.python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps", wanted]
    if subprocess.run(command, check=False).returncode:
        ui.warn(f"Could not install {wanted}; the queue_job bridge addon is not installed nor tested.")
        return None
    found = _probe(venv, PROBE_INSTALLED)
    if not found:
        ui.warn(f"{PACKAGE} is not importable after its installation; the queue_job bridge is not tested.")
        return None
    version, addons_dir = found
    ui.info(f"queue_job {version} installed ({PACKAGE} {version}, from {wanted})")
    return version, addons_dir
