"""The region's data files, one set per year (an edit rewrites only its year's files):

- ``cells.csv`` / ``cells.json``: tidy, one row per cell of every report of the year;
- ``summary.csv``: one row per report, its key figures and indicators;
- ``reports.xlsx``: one sheet, one row per report, one column per cell in the official order.

Rows are assembled from pieces made once per format and per report, so a year of 1,400
reports (300,000 cells) costs string joins, not a CSV writer call per cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from functools import cache

from ..formats import all_formats
from ..indicators import cells_needed, percent_text, ratio
from ..model import Agency, Filed
from .layout import cell_fields, cells_of, parse_value
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
# Fixed document dates: the same content gives the same bytes, whenever it is built.
WORKBOOK_DATE = dt.datetime(2000, 1, 1)


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


def tidy_csv(year: int, rows: Members) -> bytes:
    out = [BOM, ",".join(TIDY_FIELDS), "\r\n"]
    for agency, record in rows:
        head = _csv_line([agency.slug, agency.name, agency.group or "", year, record.format])
        middles = _csv_middles(record.format)
        for middle, value, unit in zip(
            middles, record.texts(), _unit(record, record.format), strict=True
        ):
            out.append(f"{head},{middle},{value},{unit}\r\n")
    return "".join(out).encode()


def tidy_json(year: int, rows: Members) -> bytes:
    out = ['{"year":', str(year), ',"fields":', json.dumps(TIDY_FIELDS), ',"rows":[']
    first = True
    for agency, record in rows:
        head = json.dumps(
            [agency.slug, agency.name, agency.group, year, record.format], ensure_ascii=False
        )[:-1]
        middles = _json_middles(record.format)
        for middle, text, unit in zip(
            middles, record.texts(), _unit(record, record.format), strict=True
        ):
            # a cell's text is a JSON number already (integers; money as written, which a
            # JSON reader takes as exactly that decimal)
            out.append(f'{"" if first else ","}\n{head},{middle},{text or "null"},"{unit}"]')
            first = False
    out.append("\n]}\n")
    return "".join(out).encode()


def summary_header(format_id: str) -> list[str]:
    fmt = all_formats()[format_id]
    return [
        *REPORT_FIELDS,
        *(k.key for k in fmt.key_figures),
        *(i.key for i in fmt.indicators),
    ]


def summary_csv(year: int, rows: Members, agencies_format: str | None) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    if agencies_format is None:
        writer.writerow(REPORT_FIELDS)
        return buffer.getvalue().encode()
    writer.writerow(summary_header(agencies_format))
    for agency, record in rows:
        fmt = all_formats()[record.format]
        summary = agency.summaries.get(year)
        cells = cells_of(record, cells_needed(fmt))
        writer.writerow(
            [
                agency.slug,
                agency.name,
                agency.group or "",
                year,
                record.format,
                record.published,
                *(summary.values if summary else ()),
                *(percent_text(ratio(fmt, i, cells)) for i in fmt.indicators),
            ]
        )
    return buffer.getvalue().encode()


def workbook(year: int, rows: Members, format_id: str | None) -> bytes:
    """One sheet in the official column order; numbers stored as numbers."""
    import xlsxwriter  # only the build of a year's files needs it

    buffer = io.BytesIO()
    # constant_memory: rows stream out in order, a third faster than building the sheet in
    # memory (strings are written inline; every spreadsheet reads them)
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False})
    book.set_properties(
        {"title": f"{year}年度政府信息公开工作年度报告数据", "created": WORKBOOK_DATE}
    )
    sheet = book.add_worksheet(f"{year}年")
    bold = book.add_format({"bold": True})
    fields = cell_fields(format_id) if format_id else ()
    fmt = all_formats()[format_id] if format_id else None
    names = [fmt.cells[f.id].name for f in fields] if fmt else []
    sheet.write_row(0, 0, ["机构", "机构名称", "分组", "年度", "格式", "发布日期", *names], bold)
    sheet.write_row(1, 0, [*REPORT_FIELDS, *(f.id for f in fields)])
    sheet.freeze_panes(2, 2)
    for r, (agency, record) in enumerate(rows, start=2):
        head = [agency.slug, agency.name, agency.group or "", year, record.format, record.published]
        values = [parse_value(t) for t in record.texts()]
        sheet.write_row(r, 0, head)
        sheet.write_row(
            r,
            len(head),
            [float(v) if v is not None and not isinstance(v, int) else v for v in values],
        )
    book.close()
    return buffer.getvalue()
