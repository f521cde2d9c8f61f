"""Chromium for the browser tests (Odoo tours run in headless Chromium).

Odoo's ``HttpCase.start_tour`` looks for ``google-chrome``, ``chromium``,
``chromium-browser`` or ``google-chrome-stable`` on the PATH. When none is
there and this process may install packages (root with apt-get), Debian's
``chromium`` is installed; otherwise the test command says loudly that the
tours will be skipped by Odoo.
"""

import shutil

from . import debian, ui

EXECUTABLES = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


def find_chromium():
    """The path of a Chromium Odoo can drive, or None."""
    for name in EXECUTABLES:
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_chromium():
    """Chromium's path, installing Debian's package when missing and allowed; None (and a loud message) else."""
    path = find_chromium()
    if path:
        return path
    if debian.apt_install("chromium", "Chromium missing for the browser tests (tours)"):
        path = find_chromium()
        if path:
            return path
    ui.loud(
        [
            "CHROMIUM WAS NOT FOUND: the browser tests (Odoo tours) will be skipped by Odoo.",
            "Install it (Debian: apt-get install chromium) and run the test command again.",
        ]
    )
    return None
