"""A tidy year file changed in place on an edit, instead of spliced into a new file.

A value edit usually changes a few digits of one report: its piece of ``cells.csv`` and
``cells.json`` is made again. Splicing (``year_write``) writes a whole new file beside the
old one: 150 MB of copying at 10,000 reports, the largest part of such an edit. Here the
changed pieces are written over the old ones instead; when one is longer or shorter than
it was, what follows it is moved up or down in the file, a chunk at a time (a piece late
in the file moves little). The bytes are those a spliced file would have.

Only when all of this holds (else the caller splices as before): the old file is the one
the record of pieces describes (``piece_records._old_pieces``), its reports are the same
in the same order, head, tail and separators are as this build makes them, the changed
pieces are all as long or longer, or all as long or shorter, than before, and the file
has no other name (a hard link, such as a deployed copy sharing it, would change with
it). Like every write of a build, the path is in the journal first: a build stopped
halfway leaves a file whose time no longer matches its stamp, which the next build makes
again.
"""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

from ..contentfiles import digest
from ..manifest import Stamp
from .piece_records import Piece, _ended, _stream
from .year_files import Layout, Members, slugs_of

CHUNK = 1 << 20  # bytes moved at a time when a changed piece's length changed


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
    changed: dict[int, bytes] = {}
    for i, (was, mark) in enumerate(zip(pieces, marks, strict=True)):
        if was.fingerprint != mark:
            changed[i] = layout.piece(year, *rows[i])
    moved = [len(piece) - (pieces[i].end - pieces[i].start) for i, piece in changed.items()]
    if any(d > 0 for d in moved) and any(d < 0 for d in moved):
        return None  # some longer, some shorter: no one order to move the bytes in
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
            or (len(pieces) > 1 and os.pread(fd, len(sep), pieces[0].end) != sep)
        ):
            return None
        pieces = _rewrite(fd, pieces, changed, marks, st.st_size, sum(moved))
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


def _rewrite(
    fd: int,
    pieces: list[Piece],
    changed: dict[int, bytes],
    marks: list[str],
    size: int,
    grown: int,
) -> list[Piece]:
    """Write each changed piece in its place and move what follows it (up to the next
    changed piece) by how much longer or shorter the pieces up to it now are. All longer:
    from the end backwards, all shorter: from the start, so that no byte is overwritten
    before it is moved. The new pieces."""
    at = sorted(changed)
    shift: dict[int, int] = {}  # a changed piece's index: how far what follows it moves
    total = 0
    for i in at:
        total += len(changed[i]) - (pieces[i].end - pieces[i].start)
        shift[i] = total
    for n in reversed(range(len(at))) if grown > 0 else range(len(at)):
        i = at[n]
        start = pieces[i].start + (shift[at[n - 1]] if n else 0)
        follows = (pieces[i].end, pieces[at[n + 1]].start if n + 1 < len(at) else size)
        if grown > 0:
            _move(fd, *follows, shift[i])
        _write_at(fd, changed[i], start)
        if grown <= 0:
            _move(fd, *follows, shift[i])
    if grown < 0:
        os.ftruncate(fd, size + grown)
    out, moved = [], 0
    for i, p in enumerate(pieces):
        if i in changed:
            start = p.start + moved
            out.append(Piece(p.slug, marks[i], start, start + len(changed[i]), digest(changed[i])))
            moved = shift[i]
        elif moved:
            out.append(Piece(p.slug, p.fingerprint, p.start + moved, p.end + moved, p.digest))
        else:
            out.append(p)
    return out


def _move(fd: int, start: int, stop: int, by: int) -> None:
    """Move the bytes [start, stop) by ``by``, a chunk at a time, in the order that reads
    every byte before anything is written over it."""
    if by == 0:
        return
    at = stop if by > 0 else start
    while (at > start) if by > 0 else (at < stop):
        n = min(CHUNK, at - start) if by > 0 else min(CHUNK, stop - at)
        source = at - n if by > 0 else at
        data = _read_at(fd, source, n)
        _write_at(fd, data, source + by)
        at = source if by > 0 else at + n


def _read_at(fd: int, at: int, n: int) -> bytes:
    parts = []
    while n:
        got = os.pread(fd, n, at)
        if not got:
            raise OSError("文件在改写时变短")
        parts.append(got)
        at, n = at + len(got), n - len(got)
    return b"".join(parts)


def _write_at(fd: int, data: bytes, at: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, at)
        view, at = view[written:], at + written
