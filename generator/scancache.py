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
"""

from __future__ import annotations

import marshal
from pathlib import Path

from .records import framed, replace_file, unframed

NAME = "scan.bin"
VERSION = 1
MAGIC = b"nianbao scan %d marshal %d\n" % (VERSION, marshal.version)

# A folder as listed: its modification and (POSIX) change times in ns (the change time
# moves on a chmod too, which may make it unreadable), the names of its entries (dot-files
# aside) in the order listed, and their kinds, one letter each: "d" a folder, "l" a link,
# "f" anything else.
Listing = tuple[int, int, tuple[str, ...], str]
Listings = dict[str, Listing]  # a folder's path (as the scan walks it) → its listing
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
    if kept is None:
        return {}
    try:
        found = marshal.loads(kept)
    except Exception:  # damaged: listed again
        return {}
    return found if isinstance(found, dict) else {}


def packed(found: Listings) -> bytes:
    return marshal.dumps(found)


def write(state: Path, root: str, kept: Kept) -> None:
    """Replace the record in ``state`` in one step."""
    data = framed(MAGIC, (root, kept))
    try:
        state.mkdir(parents=True, exist_ok=True)
        replace_file(state / NAME, data)
    except OSError:  # a cache: the next scan lists every folder again
        pass
