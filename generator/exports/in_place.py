"""A tidy year file changed in place when an edit leaves every piece the length it was.

A value edit usually changes a few digits of one report: its piece of ``cells.csv`` and
``cells.json`` is made again and, more often than not, is as long as the old one. Splicing
(``year_write``) still writes a whole new file beside the old one (150 MB of copying at
10,000 reports, the largest part of such an edit); here the changed pieces are written
over the old ones instead, the rest of the file untouched. The bytes are those a spliced
file would have.

Only when all of this holds (else the caller splices as before): the old file is the one
the record of pieces describes (``piece_records._old_pieces``), its reports are the same
in the same order, head, tail and separators are as this build makes them, each changed
piece is as long as before, and the file has no other name (a hard link, such as a
deployed copy sharing it, would change with it). Like every write of a build, the path is
in the journal first: a build stopped halfway leaves a file whose time no longer matches
its stamp, which the next build makes again.
"""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

from ..contentfiles import digest
from ..manifest import Stamp
from .piece_records import Piece, _ended, _stream
from .year_files import Layout, Members, slugs_of


def write_in_place(
    layout: Layout,
    year: int,
    rows: Members,
    marks: list[str],
    target: Path,
    old: dict[str, Piece],
) -> tuple[Stamp, list[Piece]] | None:
    """Write the changed pieces of ``target`` over their old bytes; its stamp (made from
    its pieces' digests, as ``year_write`` stamps it) and pieces, or None (nothing done)
    when the file cannot be changed in place."""
    slugs = slugs_of(rows)
    if not hasattr(os, "pwrite") or not slugs or list(old) != list(slugs):
        return None
    pieces = list(old.values())
    head, sep, tail = layout.head(year, rows), layout.sep, layout.tail
    if pieces[0].start != len(head) or any(
        b.start != a.end + len(sep) for a, b in pairwise(pieces)
    ):
        return None
    changed: list[tuple[int, bytes]] = []
    for i, (was, mark) in enumerate(zip(pieces, marks, strict=True)):
        if was.fingerprint != mark:
            piece = layout.piece(year, *rows[i])
            if len(piece) != was.end - was.start:
                return None
            changed.append((i, piece))
    try:
        fd = os.open(target, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        end = pieces[-1].end
        if (
            st.st_nlink != 1
            or st.st_size != end + len(tail)
            or os.pread(fd, len(head), 0) != head
            or os.pread(fd, len(tail), end) != tail
            or (sep and os.pread(fd, len(sep), pieces[0].end) != sep)
        ):
            return None
        for i, piece in changed:
            p = pieces[i]
            view, at = memoryview(piece), p.start
            while view:
                written = os.pwrite(fd, view, at)
                view, at = view[written:], at + written
            pieces[i] = Piece(p.slug, marks[i], p.start, p.end, digest(piece))
        st = os.fstat(fd)
    finally:
        os.close(fd)
    stream = _stream()
    stream.update(head)
    for i, p in enumerate(pieces):
        if i:
            stream.update(sep)
        stream.update(p.digest.encode())
    stream.update(tail)
    return (st.st_size, st.st_mtime_ns, _ended(stream, st.st_size)), pieces
