"""One report's data files, written beside its page: ``data.json`` (every cell with its
official labels) and one CSV per standard table, headed by the official labels.

CSV files start with a byte-order mark: Excel and WPS read a CSV without one in the
system's legacy code page and would garble every Chinese label.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from functools import cache
from typing import Any

from ..formats import Format
from ..model import Agency, Report, Value
from ..render import Output
from .layout import CellField, cell_fields, unit_of, value_text

BOM = "\ufeff"
ROW_HEAD = "项目"  # the heading over the row labels: the printed tables leave it blank


def report_data_paths(slug: str, year: int, fmt: Format) -> list[str]:
    """The data files of a report, beside its page."""
    folder = f"{slug}/{year}/"
    return [folder + "data.json", *(folder + f"{key}.csv" for key in fmt.tables)]


def report_outputs(agency: Agency, report: Report) -> list[Output]:
    folder = f"{agency.slug}/{report.year}/"
    out = [Output(folder + "data.json", report_json(agency, report))]
    for key in report.format.tables:
        out.append(Output(folder + f"{key}.csv", table_csv(report, key)))
    return out


def json_number(value: Value | None) -> Any:
    """Integers as JSON integers; money as a JSON number when a float holds it exactly,
    else as the text written (nothing is rounded on the way)."""
    if value is None or isinstance(value, int):
        return value
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else value_text(value)


@cache
def _cell_prefixes(format_id: str) -> tuple[tuple[str, CellField], ...]:
    """Each cell's JSON line up to its value: the same for every report of a format, so
    it is encoded once (a data.json has some 200 cells)."""
    prefixes = []
    for f in cell_fields(format_id):
        labels = {
            "id": f.id,
            "table": f.table,
            "table_label": f.table_label,
            "row": f.row_key,
            "row_label": f.row_label,
            "column": f.column_key,
            "column_label": f.column_label,
        }
        prefixes.append((json.dumps(labels, ensure_ascii=False)[:-1] + ', "value": ', f))
    return tuple(prefixes)


def _json_value(value: Value | None) -> str:
    """``json.dumps(json_number(value))``, without the encoder for the common cases."""
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)  # what json.dumps writes for an int
    return json.dumps(json_number(value))


@cache
def _json_text(text: str) -> str:
    """A unit as a JSON string: a handful of distinct units, encoded once each."""
    return json.dumps(text, ensure_ascii=False)


def report_json(agency: Agency, report: Report) -> bytes:
    fmt = report.format
    doc = {
        "agency": agency.slug,
        "agency_name": agency.name,
        "group": agency.group,
        "year": report.year,
        "format": fmt.id,
        "format_name": fmt.title,
        "published": report.published.isoformat() if report.published else None,
    }
    # one cell a line: readable, and a third the size of an indented document
    cells = report.cells
    lines = ",\n".join(
        f'{prefix}{_json_value(cells.get(f.id))}, "unit": {_json_text(unit_of(f, report.units))}}}'
        for prefix, f in _cell_prefixes(fmt.id)
    )
    head = json.dumps(doc, ensure_ascii=False)[:-1]
    return f'{head}, "cells": [\n{lines}\n]}}\n'.encode()


def table_csv(report: Report, table: str) -> bytes:
    fields = [f for f in cell_fields(report.format.id) if f.table == table]
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    if report.format.tables[table].layout == "blocks":
        # table 二: each block has columns of its own, so one line per cell
        spec = report.format.tables[table]
        writer.writerow([f"表{spec.number}", spec.corner, "指标", "数值", "单位"])
        for f in fields:
            caption, _, row = f.row_label.partition(" ")
            value = value_text(report.cells.get(f.id))
            writer.writerow([caption, row, f.column_label, value, unit_of(f, report.units)])
        return buffer.getvalue().encode()
    columns: dict[str, str] = {}
    rows: dict[str, dict[str, CellField]] = {}
    for f in fields:
        columns.setdefault(f.column_key, f.column_label)
        rows.setdefault(f.row_label, {})[f.column_key] = f
    writer.writerow([ROW_HEAD, *columns.values()] if any(rows) else list(columns.values()))
    for label, cells in rows.items():
        values = [value_text(report.cells.get(cells[c].id)) if c in cells else "" for c in columns]
        writer.writerow([label, *values] if label else values)
    return buffer.getvalue().encode()
