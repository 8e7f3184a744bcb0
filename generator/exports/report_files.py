"""One report's data files, written beside its page: ``data.json`` (every cell with its
official labels) and one CSV per standard table, headed by the official labels.

CSV files start with a byte-order mark: Excel and WPS read a CSV without one in the
system's legacy code page and would garble every Chinese label.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

from ..formats import Format, all_formats
from ..model import Agency, Report, Value
from ..outputs import Output
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
def _json_plan(format_id: str) -> tuple[str, bytes, tuple[tuple[str, bool], ...]]:
    """The cells' part of data.json as a %-template, and the cells that fill it: (id,
    whether it is money, with a unit of the report's). Everything but the values is the
    same for every report of a format (a data.json has some 200 cells), so it is encoded
    once: as text, and as UTF-8 with %d for each count (the bytes written, without
    encoding 50 KB of labels again for each report)."""
    lines, fast, plan = [], [], []
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
        prefix = json.dumps(labels, ensure_ascii=False)[:-1].replace("%", "%%")
        money = f.type == "money"  # unit_of: 件 for every other cell
        unit = "%s" if money else _json_text(unit_of(f, {})).replace("%", "%%")
        lines.append(f'{prefix}, "value": %s, "unit": {unit}}}')
        fast.append(
            f'{prefix}, "value": {"%b" if money else "%d"}, "unit": {unit.replace("%s", "%b")}}}'
        )
        plan.append((f.id, money))
    return ",\n".join(lines), ",\n".join(fast).encode(), tuple(plan)


_INT_OR_BYTES = frozenset((int, bytes))  # a count's value, and a money cell's made text


@cache
def _json_cells(format_id: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The cells of ``_json_plan``, and where its money cells are among them, last first."""
    plan = _json_plan(format_id)[2]
    money = tuple(i for i, (_, is_money) in enumerate(plan) if is_money)
    return tuple(cid for cid, _ in plan), money[::-1]


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
    head = json.dumps(doc, ensure_ascii=False)[:-1].encode()
    template, fast, plan = _json_plan(fmt.id)
    get, units = report.cells.get, report.units
    # every cell's value at once (in C), then the few money cells' (value, unit) put in
    ids, money_at = _json_cells(fmt.id)
    values: list[object] = list(map(get, ids))
    for i in money_at:  # (last first: each takes two places)
        v = get(ids[i])
        values[i : i + 1] = (_json_value(v).encode(), _json_text(units.get(ids[i], "")).encode())
    if _INT_OR_BYTES.issuperset(map(type, values)):  # %d: what json.dumps writes for an int
        return b'%b, "cells": [\n%b\n]}\n' % (head, fast % tuple(values))
    # a count left out (None): the text template takes any value
    values = []
    for cid, money in plan:
        values.append(_json_value(get(cid)))
        if money:
            values.append(_json_text(units.get(cid, "")))
    return b'%b, "cells": [\n%b\n]}\n' % (head, (template % tuple(values)).encode())


_SLOT = "\x01"  # marks a value (or unit) in a CSV made once per format; never in a label


def table_csv(report: Report, table: str) -> bytes:
    template, ids, units_at, money_at = _csv_template(report.format.id, table)
    get = report.cells.get
    values: list[object] = list(map(get, ids))  # every slot's cell (in C), then the others
    if units_at or money_at:
        units = report.units
        for i in units_at:
            values[i] = _csv_unit(units.get(ids[i], ""))
        for i in money_at:
            v = get(ids[i])
            values[i] = str(v) if type(v) is int else _csv_field(value_text(v))
    if _INT_OR_STR.issuperset(map(type, values)):
        return (template % tuple(values)).encode()  # %s of an int: str, as below
    pieces, slots = _csv_plan(report.format.id, table)
    units = report.units
    parts = [pieces[0]]
    for (cid, is_unit), after in zip(slots, pieces[1:], strict=True):
        if is_unit:
            parts.append(_csv_unit(units.get(cid, "")))
        else:
            v = get(cid)
            parts.append(str(v) if type(v) is int else _csv_field(value_text(v)))
        parts.append(after)
    return "".join(parts).encode()


_INT_OR_STR = frozenset((int, str))  # a count's value, and a unit's or money cell's text


@cache
def _csv_plan(format_id: str, table: str) -> tuple[list[str], list[tuple[str, bool]]]:
    """The table's CSV with a slot for each value (and each money cell's unit), cut at the
    slots; and what fills each slot: (cell id, whether it is the cell's unit)."""
    fmt = all_formats()[format_id]

    def value(f: CellField) -> str:
        return f"{_SLOT}{f.id}{_SLOT}"

    def unit(f: CellField) -> str:
        return f"{_SLOT}{f.id}\x02{_SLOT}" if f.type == "money" else unit_of(f, {})

    pieces = _write_csv(fmt, table, value, unit).split(_SLOT)
    slots = [(s.removesuffix("\x02"), s.endswith("\x02")) for s in pieces[1::2]]
    return pieces[0::2], slots


@cache
def _csv_template(
    format_id: str, table: str
) -> tuple[str, tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """The table's CSV as a %-template with a %s for each slot; each slot's cell id; which
    slots are units, and which money cells' values. A report whose other values are all
    counts is one %-formatting."""
    pieces, slots = _csv_plan(format_id, table)
    ids = tuple(cid for cid, _ in slots)
    units_at = tuple(i for i, (_, is_unit) in enumerate(slots) if is_unit)
    money = {f.id for f in cell_fields(format_id) if f.type == "money"}
    money_at = tuple(i for i, (cid, is_unit) in enumerate(slots) if cid in money and not is_unit)
    return "%s".join(p.replace("%", "%%") for p in pieces), ids, units_at, money_at


@cache
def _csv_unit(text: str) -> str:
    """A unit as a CSV field: a handful of distinct units, each written once."""
    return _csv_field(text)


def _csv_field(text: str) -> str:
    """One field as csv.writer writes it amid others (quoted only when it must be)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text, ""])
    return buffer.getvalue()[:-2]


def _write_csv(
    fmt: Format, table: str, value: Callable[[CellField], str], unit: Callable[[CellField], str]
) -> str:
    """A table's CSV, each value given by ``value`` and each unit by ``unit``."""
    fields = [f for f in cell_fields(fmt.id) if f.table == table]
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    if fmt.tables[table].layout == "blocks":
        # table 二: each block has columns of its own, so one line per cell
        spec = fmt.tables[table]
        writer.writerow([f"表{spec.number}", spec.corner, "指标", "数值", "单位"])
        for f in fields:
            caption, _, row = f.row_label.partition(" ")
            writer.writerow([caption, row, f.column_label, value(f), unit(f)])
        return buffer.getvalue()
    columns: dict[str, str] = {}
    rows: dict[str, dict[str, CellField]] = {}
    for f in fields:
        columns.setdefault(f.column_key, f.column_label)
        rows.setdefault(f.row_label, {})[f.column_key] = f
    writer.writerow([ROW_HEAD, *columns.values()] if any(rows) else list(columns.values()))
    for label, cells in rows.items():
        values = [value(cells[c]) if c in cells else "" for c in columns]
        writer.writerow([label, *values] if label else values)
    return buffer.getvalue()
