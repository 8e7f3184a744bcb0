"""Stage 4, write: the only stage that touches the output folder.

Everything is written into a fresh sibling folder, which replaces the old output only when
every file is in place, so a failed or interrupted build never leaves a half-written site.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .render import Output


class UnsafeOutput(ValueError):
    """Two outputs at one path, or a path that would leave the output folder."""


def checked_paths(outputs: Iterable[Output]) -> list[Output]:
    seen: set[str] = set()
    out = []
    for o in outputs:
        p = PurePosixPath(o.path)
        if p.is_absolute() or ".." in p.parts or not p.parts or "\\" in o.path:
            raise UnsafeOutput(f"输出路径不安全：{o.path}")
        key = p.as_posix()
        if key in seen:
            raise UnsafeOutput(f"两个页面的输出路径相同：{o.path}")
        seen.add(key)
        out.append(o)
    return out


def write_site(outputs: Iterable[Output], out_dir: Path) -> int:
    """Write all outputs to a fresh folder and swap it in for ``out_dir``; returns the count."""
    files = checked_paths(outputs)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        made: set[Path] = set()
        for o in files:
            target = staging / o.path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(o.data)
        swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return len(files)


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``staging``; the old folder goes only after the new one is in."""
    os.chmod(staging, 0o755)
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        old.rmdir()
        out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out_dir)
