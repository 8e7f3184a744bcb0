"""Writing a year's data files: straight to their place, in pieces, and — for the tidy
files on an edit — spliced from the old file.

A tidy file (cells.csv, cells.json, summary.csv) is a head, one piece per report, a tail
(``Layout``). Beside the build's manifest we keep, for each such file, where each report's
piece lies in it and a fingerprint of what it was made from. On a warm build, a report
whose fingerprint is unchanged is copied from the old file by the kernel
(``os.copy_file_range``); only the changed reports' rows are made again. The result is the
same bytes as a file made whole. The record is a cache: if it is missing, unreadable, for
another file (size and time differ) or does not fit, the file is made whole.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..contentfiles import digest
from ..manifest import Stamp
from ..model import Agency
from ..write import PieceFile
from .parts import part_of, part_ranges
from .year_files import (
    LAYOUTS,
    Layout,
    LazyMembers,
    Members,
    cut,
    formats_of,
    members,
    slugs_of,
)

if TYPE_CHECKING:
    from .piece_records import Piece

# The pieces' records, the workbook and pickle are imported where a year file is written:
# every build makes a YearJob (this module), and a build that writes no year file (a
# narrative edit, one that changed nothing) would load them, zipfile and shutil for nothing.

CHUNK = 1 << 20  # fresh rows written in pieces of about this many characters


@dataclass(frozen=True)
class YearJob:
    """What a year's data files are made from and where they go."""

    agencies: list[Agency]
    root: Path  # the output (or staging) folder
    atomic: bool  # replace each file in one step (a warm build)
    state: Path | None  # the build state folder: where the records of pieces are kept
    key: str  # the build key: a piece made by other code or labels is not reused
    # each year's report fingerprints (``fingerprints``), made once for its three tidy files
    marks: dict[int, list[str]] = field(default_factory=dict, compare=False)
    # what each agency was read from (its record's digest): a report's fingerprint is made
    # of it, so the reports of an edit's year need not be made to compare them
    made_from: Callable[[str], str] | None = field(default=None, compare=False)
    # a year's reports without ``agencies`` (LazyMembers): only those asked for are made
    lazy: Callable[[int], LazyMembers] | None = field(default=None, compare=False)

    def members(self, year: int) -> Members:
        return self.lazy(year) if self.lazy is not None else members(year, self.agencies)


def write_year_file(job: YearJob, path: str, splice: bool) -> Stamp:
    """Write ``path`` (data/<year>/<name>, a tidy file's part among them) under
    ``job.root``; its stamp. ``splice``: the old file is intact (the survey found it as
    written) and may be reused."""
    from .in_place import write_in_place
    from .piece_records import _old_record, _save

    _, year_text, name = path.split("/")
    year = int(year_text)
    rows = job.members(year)
    target = job.root / path
    record = _record_path(job, path)
    marks = job.marks.get(year)
    if marks is None:
        marks = job.marks[year] = fingerprints(job.key, year, rows, job.made_from)
    # (a warm build's only: a splice reads the old file while the new one is written
    # beside it, or in_place changes the old file where it is)
    splice = splice and job.atomic and record is not None
    if name == "reports.xlsx":
        return _write_book(job, year, rows, marks, target, record, splice)
    tidy = part_of(name)
    if tidy is not None and tidy[1]:  # a part: its reports alone, as a file of its own
        name, (start, stop) = tidy[0], part_ranges(formats_of(rows))[tidy[1] - 1]
        rows, marks = cut(rows, start, stop), marks[start:stop]
    found = _old_record(record, target, job.key) if splice and record else None
    old = found[1] if found else None
    if found and old and _unchanged(old, slugs_of(rows), marks):
        # (a year in parts: the parts but the edited one's, kept with their records)
        return found[0]
    layout = LAYOUTS[name]
    done = write_in_place(layout, year, rows, marks, target, old) if old else None
    if done is None:
        done = _write_tidy(job, layout, year, rows, marks, target, old)
    stamp, pieces = done
    if record is not None:
        saved = [[p.slug, p.fingerprint, p.start, p.end, p.digest] for p in pieces]
        _save(record, job.key, stamp, saved)
    return stamp


def _unchanged(old: dict[str, Piece], slugs: list[str], marks: list[str]) -> bool:
    """Whether the file of pieces ``old`` holds these reports, none of them changed: it
    is already the file this build would make (its head and tail are fixed by its name
    and year; the build key, which a record must have, by the code)."""
    return list(old) == slugs and all(
        p.fingerprint == mark for p, mark in zip(old.values(), marks, strict=True)
    )


def year_slice(job: YearJob, year: int) -> bytes:
    """The year's reports alone, pickled with their fingerprints: what a worker that
    shares nothing with the build needs for the year's files (``sliced_job``). Each agency
    goes as its own fields and that year's record and summary (its rows are made of these),
    without its reports and narrative sketches: a tuple pickles three times faster than
    the dataclass."""
    import pickle

    rows = job.members(year)
    marks = job.marks.get(year)
    if marks is None:
        marks = fingerprints(job.key, year, rows, job.made_from)
    alone = [(*_fields(agency), agency.summaries.get(year), record) for agency, record in rows]
    return pickle.dumps((year, alone, marks), pickle.HIGHEST_PROTOCOL)


def sliced_job(job: YearJob, blob: bytes) -> YearJob:
    """``job`` for the one year of ``blob`` (``year_slice``): the same files, the same bytes."""
    import pickle

    year, alone, marks = pickle.loads(blob)
    agencies = []
    for *fields, summary, record in alone:
        agency = Agency(**dict(zip(_OWN_FIELDS, fields, strict=True)))  # type: ignore[arg-type]
        agency.summaries = {} if summary is None else {year: summary}
        agency.filed = {year: record}
        agencies.append(agency)
    return YearJob(agencies, job.root, job.atomic, job.state, job.key, {year: marks})


def _fields(agency: Agency) -> tuple[object, ...]:
    """An agency's own fields, in ``Agency``'s order (its reports and years left out)."""
    return tuple(getattr(agency, name) for name in _OWN_FIELDS)


_OWN_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(Agency)
    if f.name not in {"reports", "summaries", "sketches", "filed"}
)


def fingerprints(
    key: str, year: int, rows: Members, made_from: Callable[[str], str] | None = None
) -> list[str]:
    """For each report of ``rows``, a digest of everything its piece of any of the year's
    tidy files is made from (one string per report: a dataclass's repr costs ten times
    more, and the three files share it). With ``made_from`` (an agency's record digest:
    all it was read from), of that: no agency is made to compare it."""
    if made_from is not None:
        return [digest(key, f"{year}\x00{slug}\x00{made_from(slug)}") for slug in slugs_of(rows)]
    marks = []
    for agency, record in rows:
        summary = agency.summaries.get(year)
        marks.append(
            digest(
                key,
                f"{agency.slug}\x00{agency.name}\x00{agency.group is None}{agency.group}\x00"
                f"{year}\x00{record.format}\x00{record.published}\x00{record.values}\x00"
                f"{record.units}\x00{summary is None or summary.values}",
            )
        )
    return marks


def _write_tidy(
    job: YearJob,
    layout: Layout,
    year: int,
    rows: Members,
    marks: list[str],
    target: Path,
    old: dict[str, Piece] | None,
) -> tuple[Stamp, list[Piece]]:
    """With a record of pieces kept (``job.state``), the file's stamp is its
    ``pieced_digest``, made as it is written from each piece's digest: a copied piece's
    is the old record's, so the copied bytes are never read back. Without one, the digest
    of its bytes, as ``Writer`` stamps a file."""
    from .piece_records import Piece

    source = _open_old(target) if old else None
    pieced = job.state is not None
    out = _Splicer(PieceFile(target, job.atomic, hashed=not pieced), source, layout.sep)
    pieces: list[Piece] = []
    try:
        out.text(layout.head(year, rows))
        for i, (slug, mark) in enumerate(zip(slugs_of(rows), marks, strict=True)):
            was = old.get(slug) if old else None
            if was is not None and source is not None and was.fingerprint == mark:
                start = out.old(was.start, was.end, was.digest, first=i == 0)
                made = was.digest
            else:
                piece = layout.piece(year, *rows[i])
                made = digest(piece)
                start = out.new(piece, made, first=i == 0)
            pieces.append(Piece(slug, mark, start, out.size, made))
        out.text(layout.tail)
        out.flush()
    except BaseException:
        out.file.abort()
        raise
    finally:
        if source is not None:
            os.close(source)
    return out.file.close(out.digest() if pieced else None), pieces


class _Splicer:
    """Appends pieces to a ``PieceFile``: fresh bytes gathered into chunks, old ones as runs
    of the old file (a run of unchanged reports, separators included, is one copy)."""

    def __init__(self, file: PieceFile, source: int | None, sep: bytes) -> None:
        self.file, self.source, self.sep = file, source, sep
        self.size = 0  # of the file so far, pending bytes included
        from .piece_records import _stream

        self._stream = _stream()  # pieced_digest, fed as the file is made
        self._text: list[bytes] = []
        self._text_size = 0
        self._run: tuple[int, int] | None = None  # old bytes to copy: (start, end)

    def text(self, data: bytes, made: str | None = None) -> None:
        """Append bytes between pieces, or a piece whose digest is ``made``."""
        self._copy()
        self._stream.update(data if made is None else made.encode())
        self._text.append(data)
        self._text_size += len(data)
        self.size += len(data)
        if self._text_size > CHUNK:
            self._write()

    def new(self, piece: bytes, made: str, first: bool) -> int:
        """Append a piece made now, its digest ``made`` (after a separator unless
        ``first``); where it starts."""
        if not first:
            self.text(self.sep)
        start = self.size
        self.text(piece, made)
        return start

    def old(self, start: int, end: int, made: str, first: bool) -> int:
        """Append the old file's bytes [start, end), a piece whose digest is ``made``
        (after a separator unless ``first``)."""
        run = self._run
        if not first and run is not None and start == run[1] + len(self.sep):
            self._stream.update(self.sep)  # copied with the run, yet between pieces
            self._stream.update(made.encode())
            self._run = (run[0], end)  # the separator between is in the old file too
            self.size += end - run[1]
            return self.size - (end - start)
        if not first:
            self.text(self.sep)
        self._stream.update(made.encode())
        self._write()
        self._copy()
        self._run = (start, end)
        at = self.size
        self.size += end - start
        return at

    def flush(self) -> None:
        self._write()
        self._copy()

    def digest(self) -> str:
        """The file's ``pieced_digest``, once all of it is appended."""
        from .piece_records import _ended

        return _ended(self._stream, self.size)

    def _write(self) -> None:
        if self._text:
            self.file.write_parts(self._text)
            self._text, self._text_size = [], 0

    def _copy(self) -> None:
        if self._run is not None and self.source is not None:
            self.file.copy(self.source, self._run[0], self._run[1] - self._run[0])
            self._run = None


def _open_old(target: Path) -> int | None:
    try:
        return os.open(target, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


def _write_book(
    job: YearJob,
    year: int,
    rows: Members,
    marks: list[str],
    target: Path,
    record: Path | None,
    splice: bool,
) -> Stamp:
    """The year's workbook, its sheet spliced from the old file's pieces (``book_pieces``)
    where the record of them fits."""
    from .book_pieces import write_book
    from .piece_records import _old_book, _save

    made_from, frame = _frame(job, year, rows[0][1].format if rows else None)
    old = _old_book(record, target, job.key, made_from) if splice and record else None
    source = _open_old(target) if old else None
    out = PieceFile(target, job.atomic)
    try:
        pieces = write_book(
            out, year, rows, frame, marks, (source, old) if old and source is not None else None
        )
    except BaseException:
        out.abort()
        raise
    finally:
        if source is not None:
            os.close(source)
    stamp = out.close()
    if record is not None:
        saved = [[p.fingerprint, p.start, p.end, p.crc, p.size] for p in pieces]
        _save(record, job.key, stamp, saved, frame=made_from)
    return stamp


def _frame(job: YearJob, year: int, format_id: str | None) -> tuple[str, bytes]:
    """The workbook's frame (XlsxWriter's workbook without the report rows) and a digest
    of all it is made from (build key, year, format, XlsxWriter's version). Kept in the
    build state beside the records: after an edit, the year's workbook is made without
    importing XlsxWriter and making a workbook (a quarter of its time); anything else
    there is made again."""
    from .piece_records import RECORDS
    from .workbook import frame_maker, make_frame

    made_from = digest(job.key, str(year), str(format_id), frame_maker())
    if job.state is None:
        return made_from, make_frame(year, format_id)
    path = job.state / RECORDS / f"frame-{year}.xlsx"
    try:
        head, frame = path.read_bytes().split(b"\n", 1)
        if head == f"{made_from} {digest(frame)}".encode():  # for these, and whole
            return made_from, frame
    except (OSError, ValueError):
        pass
    frame = make_frame(year, format_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(f"{made_from} {digest(frame)}\n".encode() + frame)
    os.replace(tmp, path)
    return made_from, frame


def _record_path(job: YearJob, path: str) -> Path | None:
    from .piece_records import RECORDS

    if job.state is None:
        return None
    return job.state / RECORDS / (path.replace("/", "_") + ".json")
