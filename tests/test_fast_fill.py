"""The per-report fast paths of the data files (a table's CSV, the light record's values)
give what the cell-by-cell way gives, for counts and for money, absent cells included."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import PORTAL
from hypothesis import given
from hypothesis import strategies as st
from nianbao.agencywork import load_and_check
from nianbao.exports.layout import cell_fields, filed, value_text
from nianbao.exports.report_files import _csv_field, _csv_plan, _csv_unit, table_csv
from nianbao.model import Report
from nianbao.review.completeness import _PLACEHOLDER, _PLACEHOLDER_MARKS
from nianbao.sources import scan


def reports() -> list[Report]:
    out = []
    for folder in scan(PORTAL, 1).agencies.values():
        agency, _ = load_and_check(folder, "content")
        if agency is not None:
            out.extend(agency.reports.values())
    assert len(out) >= 3
    return out


def variants(report: Report) -> list[Report]:
    """The report as given; with a count left out; with a count written as money."""
    some = next(cid for cid, v in report.cells.items() if type(v) is int)
    left_out = {k: v for k, v in report.cells.items() if k != some}
    as_decimal = {**report.cells, some: Decimal("12.50")}
    return [report, replace(report, cells=left_out), replace(report, cells=as_decimal)]


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


@pytest.mark.parametrize("variant", [0, 1, 2])
def test_table_csv_equals_cell_by_cell(variant: int) -> None:
    for report in reports():
        r = variants(report)[variant]
        for table in r.format.tables:
            assert table_csv(r, table) == csv_cell_by_cell(r, table), (r.path, table)


@pytest.mark.parametrize("variant", [0, 1, 2])
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
