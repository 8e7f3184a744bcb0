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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

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


def year_data_paths(year: int) -> list[str]:
    folder = f"data/{year}/"
    return [folder + name for name in ("cells.csv", "cells.json", "summary.csv", "reports.xlsx")]


Members = list[tuple[Agency, Filed]]


def members(year: int, agencies: Iterable[Agency]) -> Members:
    return [(a, r) for a in agencies if (r := a.filed.get(year)) is not None]


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


def _unit(record: Filed, format_id: str) -> list[str]:
    units = dict(record.units)
    return ["件" if f.type != "money" else units.get(f.id, "") for f in cell_fields(format_id)]


@dataclass(frozen=True)
class Layout:
    """A tidy year file as pieces: ``head``, then one piece per report (its rows) joined by
    ``sep``, then ``tail``. An edit re-makes only its report's piece (``year_splice``)."""

    name: str  # the file's name in data/<year>/
    head: Callable[[int, Members], str]
    piece: Callable[[int, Agency, Filed], str]
    sep: str = ""
    tail: str = ""

    def whole(self, year: int, rows: Members) -> bytes:
        pieces = self.sep.join(self.piece(year, agency, record) for agency, record in rows)
        return (self.head(year, rows) + pieces + self.tail).encode()


def _csv_head(year: int, rows: Members) -> str:
    return f"{BOM}{','.join(TIDY_FIELDS)}\r\n"


def _csv_piece(year: int, agency: Agency, record: Filed) -> str:
    head = _csv_line([agency.slug, agency.name, agency.group or "", year, record.format])
    middles = _csv_middles(record.format)
    units = _unit(record, record.format)
    return "".join(
        f"{head},{middle},{value},{unit}\r\n"
        for middle, value, unit in zip(middles, record.texts(), units, strict=True)
    )


def _json_head(year: int, rows: Members) -> str:
    return f'{{"year":{year},"fields":{json.dumps(TIDY_FIELDS)},"rows":['


def _json_piece(year: int, agency: Agency, record: Filed) -> str:
    head = json.dumps(
        [agency.slug, agency.name, agency.group, year, record.format], ensure_ascii=False
    )[:-1]
    middles = _json_middles(record.format)
    units = _unit(record, record.format)
    # a cell's text is a JSON number already (integers; money as written, which a JSON
    # reader takes as exactly that decimal)
    return ",".join(
        f'\n{head},{middle},{text or "null"},"{unit}"]'
        for middle, text, unit in zip(middles, record.texts(), units, strict=True)
    )


def summary_header(format_id: str) -> list[str]:
    fmt = all_formats()[format_id]
    return [
        *REPORT_FIELDS,
        *(k.key for k in fmt.key_figures),
        *(i.key for i in fmt.indicators),
    ]


def _summary_head(year: int, rows: Members) -> str:
    """The columns of the first report's format (a year's reports share one)."""
    header = summary_header(rows[0][1].format) if rows else REPORT_FIELDS
    return f"{BOM}{_csv_line(header)}\r\n"


def _summary_piece(year: int, agency: Agency, record: Filed) -> str:
    fmt = all_formats()[record.format]
    summary = agency.summaries.get(year)
    cells = cells_of(record, cells_needed(fmt))
    line = [
        *report_values(year, agency, record),
        *(summary.values if summary else ()),
        *(percent_text(ratio(fmt, i, cells)) for i in fmt.indicators),
    ]
    return f"{_csv_line(line)}\r\n"


CELLS_CSV = Layout("cells.csv", _csv_head, _csv_piece)
CELLS_JSON = Layout("cells.json", _json_head, _json_piece, sep=",", tail="\n]}\n")
SUMMARY_CSV = Layout("summary.csv", _summary_head, _summary_piece)
LAYOUTS = {layout.name: layout for layout in (CELLS_CSV, CELLS_JSON, SUMMARY_CSV)}


def tidy_csv(year: int, rows: Members) -> bytes:
    return CELLS_CSV.whole(year, rows)


def tidy_json(year: int, rows: Members) -> bytes:
    return CELLS_JSON.whole(year, rows)


def summary_csv(year: int, rows: Members) -> bytes:
    return SUMMARY_CSV.whole(year, rows)
