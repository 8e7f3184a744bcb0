"""The content folders as the last scan listed them, kept beside the output's manifest.

A folder's modification time changes whenever an entry is added to it, removed from it or
renamed in it (not when a file's bytes change in place). So a folder whose time is the one
it had when last listed still holds the same entries, and the next scan need not list it
again: it looks up each kept file's size and time directly (``stat``), one system call
fewer per folder, and no listing (open, read, close). A folder changed in the moments
before it was listed (``sources.RACY_NS``) could change again within the same tick of the
clock, unseen: it is not kept, so the next scan lists it again (as git does).

The record is one file in the output's cache folder (outdir: never inside the output),
kept in the form Python reads fastest, as the manifest is: ``marshal`` of plain data after
a magic line and a CRC-32. Anything odd about it (absent, cut short, a byte changed,
another version or shape, another content folder) means "no record": every folder is
listed, as without one. It is written only when something in it changed, and replaced in
one step.

With an agency's listings the record keeps what its last scan found in them, when that
scan could be trusted (no file changed in its last moments, no link, every folder kept):
the agency's signature and a digest of each file's size and modification time (``Quick``:
16 bytes an agency, so the record stays small at 100,000 reports). The next
scan then only compares: if every folder's times and every file's size and time are the
ones kept, the lines the walk would make are the very ones it made, and so is the
signature (``unchanged``), with no line made, sorted or digested. Anything else (a file or
folder changed, gone or odd, a record of another shape) walks the agency as before.
"""

from __future__ import annotations

import marshal
import os
from array import array
from collections.abc import Iterable
from itertools import chain
from operator import attrgetter
from pathlib import Path

from .contentfiles import DIGEST_BYTES, hasher
from .records import framed, replace_file, unframed

NAME = "scan.bin"
VERSION = 2  # 2: the agency's Quick beside its listings
MAGIC = b"nianbao scan %d marshal %d\n" % (VERSION, marshal.version)

# A folder as listed: its modification and (POSIX) change times in ns (the change time
# moves on a chmod too, which may make it unreadable), the names of its entries (dot-files
# aside) in the order listed, and their kinds, one letter each: "d" a folder, "l" a link,
# "f" anything else.
Listing = tuple[int, int, tuple[str, ...], str]
Listings = dict[str, Listing]  # a folder's path (as the scan walks it) → its listing
# An agency as its last trusted scan found it: its signature, that scan's time (every time
# it kept was older), and the size and modification time of each file ("f") of its
# listings, in the order of the listings and of their names (``stamped``).
Quick = tuple[str, int, bytes]
# An agency's slug → the listings of its folders, marshalled on their own: each is read
# by the process scanning that agency, and kept as read while the agency is unchanged.
Kept = dict[str, bytes]


def read(state: Path | None, root: str) -> Kept:
    """The listings kept in ``state`` by the last scan of the content folder ``root``;
    none when there is no record to trust."""
    if state is None:
        return {}
    try:
        kept_root, kept = unframed(MAGIC, (state / NAME).read_bytes())
    except Exception:  # absent, unreadable, damaged, another version or shape
        return {}
    if kept_root != root or not isinstance(kept, dict):
        return {}
    return kept


def listings(kept: bytes | None) -> Listings:
    """An agency's kept listings (none if there are none, or they are odd)."""
    return unpacked(kept)[0]


def unpacked(kept: bytes | None) -> tuple[Listings, Quick | None]:
    """An agency's kept listings and Quick (none if there are none, or they are odd)."""
    if kept is None:
        return {}, None
    try:
        found, quick = marshal.loads(kept)
    except Exception:  # damaged, or another shape: listed again
        return {}, None
    return (found if isinstance(found, dict) else {}), quick


def packed(found: Listings, quick: Quick | None = None) -> bytes:
    return marshal.dumps((found, quick))


_times = attrgetter("st_mtime_ns", "st_ctime_ns")
_stamp = attrgetter("st_size", "st_mtime_ns")


def stamped(stamps: Iterable[tuple[int, int]]) -> bytes:
    """The digest (BLAKE3, 128 bits, as every digest of a build) of files' sizes and
    modification times, in order."""
    h = hasher()
    h.update(array("q", chain.from_iterable(stamps)).tobytes())
    return h.digest(DIGEST_BYTES)


def unchanged(kept: bytes, racy_after: int) -> str | None:
    """The kept signature of an agency whose folders and files are all as its last trusted
    scan found them (see Quick), else None. One ``stat`` per folder and per file, as the
    walk makes, and nothing else per file: this runs over every file on every build.
    ``racy_after``: this scan's (sources.RACY_NS); a record from a later time (the clock
    was set back) is not trusted."""
    try:
        found, quick = marshal.loads(kept)
        if quick is None:
            return None
        signature, scanned, stamps = quick
        if scanned > racy_after:
            return None
        stat = os.stat
        if list(map(_times, map(stat, found))) != [(m, c) for m, c, _, _ in found.values()]:
            return None  # an entry added, removed or renamed; or a folder gone
        files = [
            f"{path}/{name}"
            for path, (_, _, names, kinds) in found.items()
            for name, kind in zip(names, kinds, strict=True)
            if kind == "f"
        ]
        if stamped(map(_stamp, map(stat, files))) != stamps:
            return None  # a file changed (in place, too) or gone
    except Exception:  # gone since (OSError), or a record of another shape: walked
        return None
    return signature if isinstance(signature, str) else None


def write(state: Path, root: str, kept: Kept) -> None:
    """Replace the record in ``state`` in one step."""
    data = framed(MAGIC, (root, kept))
    try:
        state.mkdir(parents=True, exist_ok=True)
        replace_file(state / NAME, data)
    except OSError:  # a cache: the next scan lists every folder again
        pass
