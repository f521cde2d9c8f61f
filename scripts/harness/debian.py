"""Debian packages the harness installs when the machine lacks them and this process may (root with apt-get)."""

import os
import shutil
import subprocess

from . import ui


def apt_install(package, why):
    """Install Debian's ``package`` when allowed; False when this process may not install packages."""
    if os.getuid() != 0 or not shutil.which("apt-get"):
        return False
    ui.step(f"{why}: installing Debian's {package} package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    return subprocess.run(["apt-get", "install", "-y", "-qq", package], check=False, env=env).returncode == 0
