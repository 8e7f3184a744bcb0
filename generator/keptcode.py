"""Compiled code kept between commands beside the package's own bytecode (classcode keeps
the dataclasses' methods, regexcode the regular expressions' engine code): one marshal
file per kind, stamped with what made it, read and written whole. Anything odd about the
file (absent, damaged, another interpreter's) reads as nothing kept; a folder that cannot
be written (a read-only install) keeps nothing, and each command compiles as before."""

from __future__ import annotations

import marshal
import os
from collections.abc import Container
from pathlib import Path
from typing import Any


def read(path: Path, magic: bytes) -> dict[Any, Any]:
    """What ``write`` kept in ``path`` under ``magic``; empty if anything is odd."""
    try:
        data = path.read_bytes()
        if data.startswith(magic):
            kept = marshal.loads(data[len(magic) :])
            if isinstance(kept, dict):
                return kept
    except Exception:  # absent, damaged, another version: nothing kept
        pass
    return {}


def write(path: Path, magic: bytes, kept: dict[Any, Any], used: Container[Any], limit: int) -> None:
    """Keep ``kept`` in ``path`` (written beside it, then swapped in); past ``limit``
    entries, only those ``used`` by this command."""
    if len(kept) > limit:
        kept = {key: code for key, code in kept.items() if key in used}
    try:
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(magic + marshal.dumps(kept))
        os.replace(tmp, path)
    except (OSError, ValueError):  # a read-only install: compile as before, every time
        pass
