"""The per-report fast paths of the data files (a table's CSV, the light record's values)
give what the cell-by-cell way gives, for counts and for money, absent cells included."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import PORTAL
from hypothesis import given
from hypothesis import strategies as st
from nianbao.agencywork import load_and_check
from nianbao.exports.layout import cell_fields, filed, unit_of, value_text
from nianbao.exports.report_files import (
    _csv_field,
    _csv_plan,
    _csv_unit,
    json_number,
    report_json,
    table_csv,
)
from nianbao.model import Agency, Report
from nianbao.review.completeness import _PLACEHOLDER, _PLACEHOLDER_MARKS
from nianbao.review.copying import _CLAUSES, _SPLIT
from nianbao.sources import scan


def reports() -> list[Report]:
    return [r for _, r in agencies_reports()]


def agencies_reports() -> list[tuple[Agency, Report]]:
    out = []
    for folder in scan(PORTAL, 1).agencies.values():
        agency, _ = load_and_check(folder, "content")
        if agency is not None:
            out.extend((agency, r) for r in agency.reports.values())
    assert len(out) >= 3
    return out


def variants(report: Report) -> list[Report]:
    """The report as given; with a count left out; with a count written as money; with
    a count and every money cell as a Decimal that str writes in exponent notation."""
    some = next(cid for cid, v in report.cells.items() if type(v) is int)
    left_out = {k: v for k, v in report.cells.items() if k != some}
    as_decimal = {**report.cells, some: Decimal("12.50")}
    money = [cid for cid, v in report.cells.items() if type(v) is not int]
    exponent = {**report.cells, **dict.fromkeys([some, *money], Decimal("1E+2"))}
    return [report, *(replace(report, cells=c) for c in (left_out, as_decimal, exponent))]


def csv_cell_by_cell(report: Report, table: str) -> bytes:
    pieces, slots = _csv_plan(report.format.id, table)
    parts = [pieces[0]]
    for (cid, is_unit), after in zip(slots, pieces[1:], strict=True):
        if is_unit:
            parts.append(_csv_unit(report.units.get(cid, "")))
        else:
            parts.append(_csv_field(value_text(report.cells.get(cid))))
        parts.append(after)
    return "".join(parts).encode()


@pytest.mark.parametrize("variant", [0, 1, 2, 3])
def test_table_csv_equals_cell_by_cell(variant: int) -> None:
    for report in reports():
        r = variants(report)[variant]
        for table in r.format.tables:
            assert table_csv(r, table) == csv_cell_by_cell(r, table), (r.path, table)


def json_cell_by_cell(agency: Agency, report: Report) -> bytes:
    """data.json as the json module writes it, one cell a line."""
    doc = {
        "agency": agency.slug,
        "agency_name": agency.name,
        "group": agency.group,
        "year": report.year,
        "format": report.format.id,
        "format_name": report.format.title,
        "published": report.published.isoformat() if report.published else None,
    }
    cells = []
    for f in cell_fields(report.format.id):
        labels = {
            "id": f.id,
            "table": f.table,
            "table_label": f.table_label,
            "row": f.row_key,
            "row_label": f.row_label,
            "column": f.column_key,
            "column_label": f.column_label,
        }
        value = json_number(report.cells.get(f.id))
        cells.append({**labels, "value": value, "unit": unit_of(f, report.units)})
    lines = ",\n".join(json.dumps(c, ensure_ascii=False) for c in cells)
    return f'{json.dumps(doc, ensure_ascii=False)[:-1]}, "cells": [\n{lines}\n]}}\n'.encode()


@pytest.mark.parametrize("variant", [0, 1, 2, 3])
def test_report_json_equals_cell_by_cell(variant: int) -> None:
    for agency, report in agencies_reports():
        r = variants(report)[variant]
        assert report_json(agency, r) == json_cell_by_cell(agency, r), r.path


@pytest.mark.parametrize("variant", [0, 1, 2, 3])
def test_filed_values_equal_cell_by_cell(variant: int) -> None:
    for report in reports():
        r = variants(report)[variant]
        want = ",".join(value_text(r.cells.get(f.id)) for f in cell_fields(r.format.id))
        assert filed(r).values == want


@given(
    st.lists(
        st.sampled_from(
            ["待", "填", "X", "Ｘ", "×", "此处", "填写", "（", "）", "a", ".", "x", " "]
        ),
        max_size=12,
    )
)
def test_placeholder_marks_cover_every_placeholder(pieces: list[str]) -> None:
    """R5's quick look (any mark in the text) never hides a placeholder the regex finds."""
    text = "".join(pieces)
    if _PLACEHOLDER.search(text):
        assert any(m in text for m in _PLACEHOLDER_MARKS)


def clauses_by_split(text: str) -> list[str]:
    return [c for c in _SPLIT.split(text) if len(c) >= 4]


@given(
    st.lists(
        st.sampled_from(
            [
                "公开",
                "申请",
                "政府",
                "信",
                "a",
                "1",
                "٣",
                "２",
                " ",
                "\u3000",
                "\n",
                "，",
                "。",
                "、",
                "（",
                "）",
                "%",
                "％",
                ".",
                "#",
                "*",
                "|",
                "“",
                "”",
                "：",
                "x",
            ]
        ),
        max_size=40,
    )
)
def test_clauses_found_as_split(pieces: list[str]) -> None:
    """R6/R7's clauses, found by one pattern, are the long runs between the separators."""
    text = "".join(pieces)
    assert _CLAUSES.findall(text) == clauses_by_split(text)


def test_clauses_of_the_portal_found_as_split() -> None:
    texts = [t for r in reports() for t in r.narratives.values()]
    assert texts
    for text in texts:
        assert _CLAUSES.findall(text) == clauses_by_split(text)
