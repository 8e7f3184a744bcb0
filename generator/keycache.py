"""The parts of the build key that cost reading and parsing files which rarely change:
the generator's own code, theme and formats, and the site's own templates.

Hashing them (and finding, with Jinja's parser, which templates each kind of page is
rendered with) cost about a tenth of a build in which nothing changed. So they are kept
in the cache folder beside the output (outdir), under the names, sizes and modification
times of every file they were made from, as the content scan trusts an agency folder
(sources): the same stamps mean the same digests. A file changed in the last moments
(``RACY_NS``) could change again unseen, so nothing is kept then. The files are stamped
again once the value is made, as git does after hashing ("racy git"): a value is kept
only under stamps that held from before it was made until after, none of them racy, so a
file rewritten while it was read (a ``git checkout`` under way) never leaves its old
stamps paired with bytes they do not describe; and the value itself, made from some old
and some new bytes, is marked (``unsettled``) so that no later build takes it for the
files' own. Anything odd about the record (absent,
damaged, another version) means "compute again".
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .contentfiles import digest
from .records import framed, replace_file, unframed

NAME = "key.bin"
MAGIC = b"nianbao key cache 1 marshal %d\n" % marshal.version
RACY_NS = 2_000_000_000  # as sources.RACY_NS: a file this recent may change again unseen
# What marks a digest made while its files changed (see above): one per process, so that
# the builds of one ``serve`` agree with each other, and no other process's ever do.
UNSETTLED = f"unsettled {os.getpid()} {time.time_ns()}"

Stamps = list[tuple[str, int, int]]  # path, size, modification time (ns)


def stamps(folders: list[Path | None]) -> Stamps | None:
    """Every file under ``folders`` (compiled bytecode aside) with its size and time, or
    None when one changed too recently to be trusted."""
    out: Stamps = []
    racy_after = time.time_ns() - RACY_NS
    for folder in folders:
        if folder is None or not folder.is_dir():
            out.append((f"{folder}:none", 0, 0))
            continue
        if not _walk(str(folder), out, racy_after):
            return None
    return out


def _walk(folder: str, out: Stamps, racy_after: int) -> bool:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        out.append((f"{folder}:unreadable", 0, 0))
        return True
    for e in entries:
        if e.name == "__pycache__":
            continue
        try:
            if e.is_dir():
                if not _walk(e.path, out, racy_after):
                    return False
                continue
            st = e.stat()
        except OSError:
            out.append((f"{e.path}:unreadable", 0, 0))
            continue
        if st.st_mtime_ns > racy_after:
            return False
        out.append((e.path, st.st_size, st.st_mtime_ns))
    return True


def recalled(
    state: Path | None,
    kind: str,
    files: Stamps | None,
    make: Callable[[], Any],
    again: Callable[[], Stamps | None] | None = None,
    unsettled: Callable[[Any], Any] | None = None,
) -> Any:
    """``make()``, or what it returned last time the files it is made from had the same
    ``stamps`` (kept in ``state`` under ``kind``). ``make`` must return plain data
    (marshal). No state or no stamps: ``make()``. ``again`` stamps the same files anew:
    the value is kept only if they still have ``files``'s stamps once it is made (None:
    nothing ``make`` reads can change meanwhile); if not, ``unsettled`` is given the value
    and what it returns is returned."""
    if state is None or files is None:
        return make()
    signature = digest(kind, repr(files))
    kept = _read(state)
    if kind in kept and kept[kind][0] == signature:
        return kept[kind][1]
    value = make()
    if again is not None and again() != files:  # changed while read, or too recently
        return unsettled(value) if unsettled is not None else value
    kept[kind] = (signature, value)
    _write(state, kept)
    return value


def _read(state: Path) -> dict[str, Any]:
    try:
        kept = unframed(MAGIC, (state / NAME).read_bytes())
        if isinstance(kept, dict):
            return kept
    except Exception:  # absent, damaged or another version: compute again
        pass
    return {}


def _write(state: Path, kept: dict[str, Any]) -> None:
    try:
        state.mkdir(parents=True, exist_ok=True)
        replace_file(state / NAME, framed(MAGIC, kept))
    except OSError:  # a cache: the next build computes again
        pass
