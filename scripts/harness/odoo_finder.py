"""Find Odoo 18.0: an importable ``odoo``, a source tree named by ODOO_SRC, or the official archive."""

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import ui

SERIES = "18.0"
ARCHIVE_URL = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
HOW_TO_PROVIDE = (
    "To run the Odoo suites, provide Odoo 18.0 in one of these ways:\n"
    "  - run this command from a Python environment where `import odoo` works (Odoo 18.0), or\n"
    "  - set ODOO_SRC to an Odoo 18.0 source tree (the folder holding odoo-bin), or\n"
    "  - be online: the official archive " + ARCHIVE_URL + " is then downloaded into .local/."
)

PROBE = (
    "import os, odoo.release as r; print(r.serie); print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))"
)
SPEC_PROBE = (
    "import importlib.util, os; s = importlib.util.find_spec('odoo'); "
    "print(os.path.dirname(list(s.submodule_search_locations)[0]) if s and s.submodule_search_locations else '')"
)


@dataclass
class OdooSource:
    """Where Odoo comes from.

    ``mode`` is "importable" (the base interpreter imports it, with its
    requirements) or "source" (a tree whose requirements the virtual
    environment must get). ``root`` holds ``odoo/`` and usually
    ``requirements.txt`` and ``addons/``.
    """

    mode: str
    root: Path
    origin: str

    @property
    def requirements(self):
        path = self.root / "requirements.txt"
        return path if path.is_file() else None

    @property
    def addons_paths(self):
        paths = [self.root / "odoo" / "addons"]
        if (self.root / "addons").is_dir():
            paths.insert(0, self.root / "addons")
        return [p for p in paths if p.is_dir()]


def tree_series(root):
    """The Odoo series ("18.0") of a source tree, or None if it is not one."""
    release = Path(root) / "odoo" / "release.py"
    if not release.is_file():
        return None
    scope = {}
    try:
        exec(compile(release.read_text(), str(release), "exec"), scope)
    except Exception:  # pylint: disable=broad-except
        return None
    return scope.get("serie")


def _probe(python, code):
    result = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}, check=False
    )
    return result.returncode, result.stdout.strip().splitlines(), result.stderr.strip()


def find_odoo(repo, allow_download=True):
    """Locate Odoo 18.0, or return None after saying why.

    :param Path repo: the checkout (downloads go to its .local/ folder)
    :rtype: OdooSource or None
    """
    python = sys.executable
    code, lines, _err = _probe(python, PROBE)
    if code == 0 and len(lines) == 2:
        if lines[0] == SERIES:
            return OdooSource("importable", Path(lines[1]), f"`import odoo` in {python}")
        ui.warn(f"`import odoo` gives Odoo {lines[0]}, not {SERIES}: ignored.")

    env_src = os.environ.get("ODOO_SRC")
    if env_src:
        root = Path(env_src).expanduser().resolve()
        series = tree_series(root)
        if series == SERIES:
            return OdooSource("source", root, f"ODOO_SRC={root}")
        ui.warn(f"ODOO_SRC={env_src} is not an Odoo {SERIES} source tree (found series {series!r}).")

    code, lines, _err = _probe(python, SPEC_PROBE)
    if code == 0 and lines and lines[0]:
        root = Path(lines[0])
        if tree_series(root) == SERIES:
            return OdooSource("source", root, f"odoo on the Python path of {python} (requirements missing there)")

    cached = repo / ".local" / "odoo-src"
    if tree_series(cached) == SERIES:
        return OdooSource("source", cached, f"archive downloaded earlier into {cached}")

    if allow_download and os.environ.get("ECOMMERCE_SYNC_NO_DOWNLOAD") != "1":
        root = download_archive(cached)
        if root:
            return OdooSource("source", root, f"official archive {ARCHIVE_URL}")
    return None


def download_archive(target):
    """Download and unpack the official 18.0 archive into ``target``; None when offline."""
    ui.step(f"Odoo not found locally: downloading {ARCHIVE_URL}")
    try:
        with urllib.request.urlopen(ARCHIVE_URL, timeout=20) as answer:
            with tempfile.NamedTemporaryFile(suffix=".tar.gz", delete=False) as archive:
                shutil.copyfileobj(answer, archive)
                archive_path = Path(archive.name)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        ui.warn(f"Could not download Odoo ({exc}).")
        return None
    try:
        unpack_dir = Path(tempfile.mkdtemp(prefix="odoo-src-"))
        with tarfile.open(archive_path) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(unpack_dir, filter="data")
            else:  # Python without extraction filters: the archive is Odoo's own
                tar.extractall(unpack_dir)
        tops = [p for p in unpack_dir.iterdir() if p.is_dir()]
        if len(tops) != 1 or tree_series(tops[0]) != SERIES:
            ui.warn("The downloaded archive is not an Odoo 18.0 source tree.")
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(tops[0]), str(target))
        return target
    finally:
        archive_path.unlink(missing_ok=True)
