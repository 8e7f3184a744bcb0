"""The records of pieces a year's data files are spliced from (beside the build's
manifest, in ``year-files/``), and the digest a tidy file's stamp is made of from its
pieces' digests (``pieced_digest``), which ``build --verify`` checks (``stamp_matches``).
Anything odd about a record means "no record": the file is made whole."""

from __future__ import annotations

import json
import os
import struct
import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

from blake3 import blake3 as Blake3

from ..contentfiles import DIGEST_BYTES, digest, hasher
from ..manifest import Stamp
from .book_pieces import FINAL, OldPiece, SheetPiece, old_pieces
from .workbook import SHEET

RECORDS = "year-files"  # folder of the records, in the build state
LOCAL_HEADER = 30  # bytes of a zip member's local header before its name and extra field


class Piece(NamedTuple):  # (a tuple: 1,400 a file are made on each edit of its year)
    slug: str
    fingerprint: str
    start: int
    end: int
    digest: str  # of its bytes: the file's stamp is made from these (``pieced_digest``)


PIECED = "p:"  # starts a stamp's digest made from a file's pieces (``pieced_digest``)


def _stream() -> Blake3:
    return hasher()


def _ended(stream: Blake3, size: int) -> str:
    stream.update(f"\x00{size}".encode())
    return PIECED + stream.hexdigest(DIGEST_BYTES)


def pieced_digest(data: bytes, pieces: list[Piece]) -> str:
    """The digest of a tidy file that its stamp records: the hash of its bytes with each
    piece's bytes replaced by their digest (what lies between pieces, head and tail as
    they are), and its size. Equal to hashing the bytes for telling a changed file (a
    changed byte changes its piece's digest or a byte between), yet made on an edit from
    the pieces' digests alone. ``build --verify`` works it out from the file and its
    record of pieces (``stamp_matches``)."""
    stream, at = _stream(), 0
    for p in pieces:
        stream.update(data[at : p.start])
        stream.update(digest(data[p.start : p.end]).encode())
        at = p.end
    stream.update(data[at:])
    return _ended(stream, len(data))


def stamp_matches(root: Path, state: Path, path: str, want: str) -> bool:
    """Whether the file ``path`` under ``root`` is the one stamped with the digest
    ``want`` (``build --verify``): by its bytes, or, for a digest made from pieces, by its
    bytes and the record of its pieces (a file whose record is gone or another's does
    not match: it is made again)."""
    try:
        data = (root / path).read_bytes()
    except OSError:
        return False
    if not want.startswith(PIECED):
        return digest(data) == want
    try:
        saved = json.loads((state / RECORDS / (path.replace("/", "_") + ".json")).read_bytes())
        pieces = [Piece(*p) for p in saved["pieces"]]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if saved.get("stamp", [None] * 3)[2] != want or not _ordered(pieces, len(data)):
        return False
    return pieced_digest(data, pieces) == want


def _ordered(pieces: list[Piece], size: int) -> bool:
    """Pieces in file order, apart, inside a file of ``size`` bytes."""
    end = 0
    for p in pieces:
        if not (isinstance(p.start, int) and isinstance(p.end, int) and end <= p.start <= p.end):
            return False
        end = p.end
    return end <= size


# ---------------------------------------------------------------------------------------
# The records of pieces


def _old_pieces(record: Path, target: Path, key: str) -> dict[str, Piece] | None:
    """The pieces of the file now at ``target``, by agency; None when the record does not
    describe that file (or anything about it is odd)."""
    found = _old_record(record, target, key)
    return None if found is None else found[1]


def _old_record(record: Path, target: Path, key: str) -> tuple[Stamp, dict[str, Piece]] | None:
    """``_old_pieces`` with the file's stamp as recorded."""
    try:
        saved = json.loads(record.read_bytes())
        st = os.stat(target)
        size, time, made = saved["stamp"]
        if saved["key"] != key or [size, time] != [st.st_size, st.st_mtime_ns]:
            return None
        pieces = [Piece(*p) for p in saved["pieces"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _ordered(pieces, st.st_size) or not all(isinstance(p.digest, str) for p in pieces):
        return None
    if not isinstance(made, str):
        return None
    return (size, time, made), {p.slug: p for p in pieces}


def _old_book(record: Path, target: Path, key: str, frame: str) -> dict[str, OldPiece] | None:
    """The reusable pieces of the workbook now at ``target``; None when the record does
    not describe that file, made from that frame (or anything about it is odd). The
    record's sheet must also be the file's: where its data lies, its CRC and size."""
    try:
        saved = json.loads(record.read_bytes())
        st = os.stat(target)
        if (
            saved["key"] != key
            or saved["frame"] != frame
            or saved["stamp"][:2] != [st.st_size, st.st_mtime_ns]
        ):
            return None
        pieces = [SheetPiece(*p) for p in saved["pieces"]]
        if not pieces or not _plain_pieces(pieces, st.st_size):
            return None
        with zipfile.ZipFile(target) as book:
            sheet = book.getinfo(SHEET)
        with open(target, "rb") as f:  # the sheet's local header: where its data starts
            f.seek(sheet.header_offset)
            header = f.read(LOCAL_HEADER)
        magic, name, extra = struct.unpack("<4s22xHH", header)
        if magic != b"PK\x03\x04":
            return None
        data_at = sheet.header_offset + LOCAL_HEADER + name + extra
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, struct.error):
        return None
    last = pieces[-1]
    if (
        pieces[0].start != data_at
        or sheet.compress_size != last.end - data_at + len(FINAL)
        or (sheet.CRC, sheet.file_size) != (last.crc, last.size)
    ):
        return None
    return old_pieces(pieces)


def _plain_pieces(pieces: list[SheetPiece], file_size: int) -> bool:
    end = 0
    for p in pieces:  # in file order, one after another, inside the file
        if not (
            isinstance(p.fingerprint, str)
            and all(isinstance(n, int) for n in (p.start, p.end, p.crc, p.size))
            and end <= p.start <= p.end <= file_size
        ):
            return False
        end = p.end
    return True


def prune_records(state: Path | None, years: list[int], paths: Collection[str] = ()) -> None:
    """Remove the records of pieces (and workbook frames) of years no longer in the site
    and, given the year files now made (``paths``), the records of files no longer made
    (a year's parts when it has fewer, or its one file when it has parts)."""
    if state is None:
        return
    wanted = {str(y) for y in years}
    made = {path.replace("/", "_") + ".json" for path in paths}
    try:
        names = os.listdir(state / RECORDS)
    except OSError:
        return
    for name in names:
        # data_<year>_<file>.json, frame-<year>.xlsx (and their .tmp)
        year = name[5:9] if name.startswith("data_") else name[6:10]
        gone = made and name.startswith("data_") and name.endswith(".json")
        if (year.isdigit() and year not in wanted) or (gone and name not in made):
            (state / RECORDS / name).unlink(missing_ok=True)


def _save(record: Path, key: str, stamp: Stamp, pieces: list[list[object]], **more: str) -> None:
    record.parent.mkdir(parents=True, exist_ok=True)
    saved = {"key": key, "stamp": list(stamp), **more, "pieces": pieces}
    tmp = record.with_name(record.name + ".tmp")
    tmp.write_text(json.dumps(saved, separators=(",", ":")), "utf-8")
    os.replace(tmp, record)
