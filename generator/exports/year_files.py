"""The region's data files, one set per year (an edit rewrites only its year's files):

- ``cells.csv`` / ``cells.json``: tidy, one row per cell of every report of the year;
- ``summary.csv``: one row per report, its key figures and indicators;
- ``reports.xlsx``: one sheet, one row per report, one column per cell in the official order.

Rows are assembled from pieces made once per format and per report, so a year of 1,400
reports (300,000 cells) costs string joins, not a CSV writer call per cell.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import overload

from ..formats import all_formats
from ..indicators import cells_needed, percent_text, ratio
from ..model import Agency, Filed
from .layout import cell_fields, cells_of
from .report_files import BOM

TIDY_FIELDS = (
    "agency",
    "agency_name",
    "group",
    "year",
    "format",
    "table",
    "table_label",
    "row",
    "row_label",
    "column",
    "column_label",
    "value",
    "unit",
)
REPORT_FIELDS = ("agency", "agency_name", "group", "year", "format", "published")


def report_values(year: int, agency: Agency, record: Filed) -> list[str | int]:
    """A report's REPORT_FIELDS, in their order (summary.csv and reports.xlsx rows)."""
    return [agency.slug, agency.name, agency.group or "", year, record.format, record.published]


Members = Sequence[tuple[Agency, Filed]]


def members(year: int, agencies: Iterable[Agency]) -> Members:
    return [(a, r) for a in agencies if (r := a.filed.get(year)) is not None]


class LazyMembers(Sequence[tuple[Agency, Filed]]):
    """A year's reports as ``members`` gives them, each agency made only when its row is
    asked for: an edit's spliced files make only the changed reports' rows, so only their
    agencies need unpacking from the build record."""

    def __init__(
        self, year: int, slugs: list[str], agency: Callable[[str], Agency], formats: list[str]
    ) -> None:
        """``formats``: each report's (the agencies' facts know them: ``parts``)."""
        self.year, self.slugs, self._agency, self.formats = year, slugs, agency, formats

    def __len__(self) -> int:
        return len(self.slugs)

    @overload
    def __getitem__(self, i: int) -> tuple[Agency, Filed]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[Agency, Filed]]: ...

    def __getitem__(self, i: int | slice) -> tuple[Agency, Filed] | list[tuple[Agency, Filed]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self.slugs)))]
        agency = self._agency(self.slugs[i])
        return agency, agency.filed[self.year]


def slugs_of(rows: Members) -> list[str]:
    """The rows' agencies' slugs (a LazyMembers' without making them)."""
    if isinstance(rows, LazyMembers):
        return rows.slugs
    return [agency.slug for agency, _ in rows]


def formats_of(rows: Members) -> list[str]:
    """The rows' reports' formats (a LazyMembers' without making them)."""
    if isinstance(rows, LazyMembers):
        return rows.formats
    return [record.format for _, record in rows]


def cut(rows: Members, start: int, stop: int) -> Members:
    """The rows [start, stop) (a part of a tidy file's), a LazyMembers' making none."""
    if isinstance(rows, LazyMembers):
        return LazyMembers(
            rows.year, rows.slugs[start:stop], rows._agency, rows.formats[start:stop]
        )
    return rows[start:stop]


def _csv_line(values: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


@cache
def _csv_middles(format_id: str) -> tuple[str, ...]:
    return tuple(
        _csv_line([f.table, f.table_label, f.row_key, f.row_label, f.column_key, f.column_label])
        for f in cell_fields(format_id)
    )


@cache
def _json_middles(format_id: str) -> tuple[str, ...]:
    return tuple(
        json.dumps(
            [f.table, f.table_label, f.row_key, f.row_label, f.column_key, f.column_label],
            ensure_ascii=False,
        )[1:-1]
        for f in cell_fields(format_id)
    )


@dataclass(frozen=True)
class _Rows:
    """A report's rows of a tidy file as one list of bytes per format: the constant parts
    (labels, separators, units) in place, a slot every ``step`` items from ``heads`` for the
    report's own head and from ``values`` for each cell's value. A report's piece is a copy
    of the list, two slice assignments and one join: no formatting per cell."""

    parts: list[bytes]
    step: int
    heads: int  # the first head slot
    values: int  # the first value slot
    units: dict[str, int]  # a money cell's id → the slot of its unit (which varies)
    unit: Callable[[str], bytes]  # a unit slot's bytes, given the unit

    def piece(self, head: bytes, texts: list[bytes], units: tuple[tuple[str, str], ...]) -> bytes:
        parts = self.parts.copy()
        parts[self.heads :: self.step] = [head] * len(texts)
        parts[self.values :: self.step] = texts  # a count that differs raises, as zip(strict)
        for cid, unit in units:
            slot = self.units.get(cid)
            if slot is not None:
                parts[slot] = self.unit(unit)
        return b"".join(parts)


def _csv_unit(unit: str) -> bytes:
    return f",{unit}\r\n".encode()


def _json_unit(unit: str) -> bytes:
    return f',"{unit}"]'.encode()


@cache
def _csv_rows(format_id: str) -> _Rows:
    """Per cell: head, ``,middle,``, value, ``,unit\r\n``."""
    parts: list[bytes] = []
    units = {}
    for i, (f, middle) in enumerate(
        zip(cell_fields(format_id), _csv_middles(format_id), strict=True)
    ):
        if f.type == "money":
            units[f.id] = 4 * i + 3
        parts += [b"", f",{middle},".encode(), b"", _csv_unit("件" if f.type != "money" else "")]
    return _Rows(parts, 4, 0, 2, units, _csv_unit)


@cache
def _json_rows(format_id: str) -> _Rows:
    """Per cell: ``\n`` (``,\n`` after the first), head, ``,middle,``, value, ``,"unit"]``."""
    parts: list[bytes] = []
    units = {}
    for i, (f, middle) in enumerate(
        zip(cell_fields(format_id), _json_middles(format_id), strict=True)
    ):
        if f.type == "money":
            units[f.id] = 5 * i + 4
        unit = _json_unit("件" if f.type != "money" else "")
        parts += [b",\n" if i else b"\n", b"", f",{middle},".encode(), b"", unit]
    return _Rows(parts, 5, 1, 3, units, _json_unit)


@dataclass(frozen=True)
class Layout:
    """A tidy year file as pieces: ``head``, then one piece per report (its rows) joined by
    ``sep``, then ``tail``. An edit re-makes only its report's piece (``year_splice``)."""

    name: str  # the file's name in data/<year>/
    head: Callable[[int, Members], bytes]
    piece: Callable[[int, Agency, Filed], bytes]
    sep: bytes = b""
    tail: bytes = b""

    def whole(self, year: int, rows: Members) -> bytes:
        pieces = self.sep.join(self.piece(year, agency, record) for agency, record in rows)
        return self.head(year, rows) + pieces + self.tail


def _csv_head(year: int, rows: Members) -> bytes:
    return f"{BOM}{','.join(TIDY_FIELDS)}\r\n".encode()


def _csv_piece(year: int, agency: Agency, record: Filed) -> bytes:
    head = _csv_line([agency.slug, agency.name, agency.group or "", year, record.format])
    texts = record.values.encode().split(b",")
    return _csv_rows(record.format).piece(head.encode(), texts, record.units)


def _json_head(year: int, rows: Members) -> bytes:
    return f'{{"year":{year},"fields":{json.dumps(TIDY_FIELDS)},"rows":['.encode()


def _json_piece(year: int, agency: Agency, record: Filed) -> bytes:
    head = json.dumps(
        [agency.slug, agency.name, agency.group, year, record.format], ensure_ascii=False
    )[:-1]
    # a cell's text is a JSON number already (integers; money as written, which a JSON
    # reader takes as exactly that decimal); an absent one is null
    texts = record.values.encode().split(b",")
    if b"" in texts:
        texts = [text or b"null" for text in texts]
    return _json_rows(record.format).piece(head.encode(), texts, record.units)


def summary_header(format_id: str) -> list[str]:
    fmt = all_formats()[format_id]
    return [
        *REPORT_FIELDS,
        *(k.key for k in fmt.key_figures),
        *(i.key for i in fmt.indicators),
    ]


def _summary_head(year: int, rows: Members) -> bytes:
    """The columns of the first report's format (a year's reports share one)."""
    header = summary_header(rows[0][1].format) if rows else REPORT_FIELDS
    return f"{BOM}{_csv_line(header)}\r\n".encode()


def _summary_piece(year: int, agency: Agency, record: Filed) -> bytes:
    fmt = all_formats()[record.format]
    summary = agency.summaries.get(year)
    cells = cells_of(record, cells_needed(fmt))
    line = [
        *report_values(year, agency, record),
        *(summary.values if summary else ()),
        *(percent_text(ratio(fmt, i, cells)) for i in fmt.indicators),
    ]
    return f"{_csv_line(line)}\r\n".encode()


CELLS_CSV = Layout("cells.csv", _csv_head, _csv_piece)
CELLS_JSON = Layout("cells.json", _json_head, _json_piece, sep=b",", tail=b"\n]}\n")
SUMMARY_CSV = Layout("summary.csv", _summary_head, _summary_piece)
LAYOUTS = {layout.name: layout for layout in (CELLS_CSV, CELLS_JSON, SUMMARY_CSV)}


def tidy_csv(year: int, rows: Members) -> bytes:
    return CELLS_CSV.whole(year, rows)


def tidy_json(year: int, rows: Members) -> bytes:
    return CELLS_JSON.whole(year, rows)


def summary_csv(year: int, rows: Members) -> bytes:
    return SUMMARY_CSV.whole(year, rows)
