"""Benchmarks measure nianbao as a user's copy runs: installed by pip, not the checkout.

A user installs nianbao with ``pip install``: a wheel built from the source, its modules
compiled to bytecode as they are installed, into site-packages. The checkout runs instead
through the editable install (``pip install -e``), whose import hook (a ``.pth`` file and
its finder) costs every command some 30 ms of interpreter start-up that no user pays, and,
if PYTHONDONTWRITEBYTECODE is set (some shells and CI images set it), compiles every
module again at every command. So ``install`` installs this checkout the user's way into a
venv in the benchmark's work folder (dependencies from the package index pip is set up
with, as ``bash scripts/test`` installs them), and the benchmarks run that copy;
``--checkout`` runs the checkout in place instead, its modules compiled first
(``compile_package``), as before.
"""

from __future__ import annotations

import compileall
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"

# not part of the source a wheel is built from: at the top, the checkout's own folders
# (generator/portal_template/content is package data: only the top's content is skipped)
_TOP = {"node_modules", "site", "dist", "build", "content", "templates", "tests", "docs"}
_ANYWHERE = {"__pycache__"}


def compile_package() -> None:
    """Write the bytecode of every module of the checkout (as pip install does)."""
    compileall.compile_dir(PACKAGE, quiet=1)


def install(work: Path, extras: str = "") -> Path:
    """This checkout installed as pip installs it for a user, into ``work/venv``: the
    folder of its commands (``nianbao``, ``python``). The venv is made, with the
    dependencies, the first time; nianbao itself is installed again each time, from a
    copy of the source as it is now (pip builds in the source folder: the checkout stays
    clean). ``extras`` (e.g. "search") are installed as ``pip install 'nianbao[search]'``."""
    venv = work / "venv"
    python = venv / "bin" / "python"
    fresh = not python.exists()
    if fresh:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    source = work / "source"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(ROOT, source, ignore=_not_source)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not fresh:
        pip += ["--force-reinstall"]
        if not extras:  # the dependencies are there already (an extra's may not be)
            pip += ["--no-deps"]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    target = f"{source}[{extras}]" if extras else str(source)
    subprocess.run([*pip, target], check=True, env=env, cwd=work)
    shutil.rmtree(source, ignore_errors=True)
    return venv / "bin"


def _not_source(folder: str, names: list[str]) -> list[str]:
    top = Path(folder) == ROOT
    return [
        n
        for n in names
        if n in _ANYWHERE or n.endswith(".egg-info") or (top and (n in _TOP or n[0] == "."))
    ]
