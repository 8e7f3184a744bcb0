"""Benchmarks measure nianbao as an installed copy runs: with its modules compiled.

`pip install` compiles a package's modules to bytecode as it installs them; a checkout
run in place compiles them on first import and keeps the result in __pycache__, unless
PYTHONDONTWRITEBYTECODE is set (some shells and CI images set it), in which case every
command compiles every module again: about a tenth of a second of each one-edit build that
no user pays. So each benchmark compiles the package first.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def compile_package() -> None:
    """Write the bytecode of every module of the package (as pip install does)."""
    compileall.compile_dir(PACKAGE, quiet=1)
