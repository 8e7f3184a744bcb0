"""The tidy year files' rows, assembled from per-format lists of bytes with slots, are the
rows a per-cell writer makes: the csv module and json.dumps for every cell (the fast path
against the plain one, as for reportfast and markdown)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nianbao.exports.layout import cell_fields
from nianbao.exports.year_files import (
    BOUND,
    CELLS_CSV,
    CELLS_JSON,
    SUMMARY_CSV,
    TIDY_FIELDS,
    _percents,
    _summary_line,
    percent_of,
)
from nianbao.formats import all_formats
from nianbao.indicators import _positions as indicator_cells
from nianbao.indicators import percent_text
from nianbao.model import Filed, Summary
from test_exports_workbook import portal_rows

YEAR = 2021


def with_units(record: Filed, n: int) -> Filed:
    """Some money cells given a unit (one of a block's units: validation allows no other),
    and a count cell given one (ignored: a count's unit is 件)."""
    fields = cell_fields(record.format)
    money = [f.id for f in fields if f.type == "money"]
    counts = [f.id for f in fields if f.type != "money"]
    units = [(cid, ["万元", "元", "千元"][(i + n) % 3]) for i, cid in enumerate(money[n % 2 :])]
    return replace(record, units=tuple(sorted([*units, (counts[0], "个")])))


@pytest.mark.parametrize("format_id", sorted(all_formats()))
def test_tidy_rows_are_what_a_per_cell_writer_makes(format_id: str) -> None:
    members = []
    for n, (agency, record) in enumerate(portal_rows(format_id, 40)):
        members.append((agency, with_units(record, n) if n % 3 else record))
    assert any(r.units for _, r in members) and any("" in r.texts() for _, r in members)
    buffer = io.StringIO()
    json_rows, json_lines = [], []
    for agency, record in members:
        units = dict(record.units)
        for f, text in zip(cell_fields(format_id), record.texts(), strict=True):
            unit = "件" if f.type != "money" else units.get(f.id, "")
            labels = [f.table, f.table_label, f.row_key, f.row_label, f.column_key, f.column_label]
            head = [agency.slug, agency.name, agency.group, YEAR, record.format]
            # values and units go in unquoted, as written
            line = io.StringIO()
            csv.writer(line, lineterminator="").writerow(
                [*head[:2], head[2] or "", *head[3:], *labels]
            )
            buffer.write(f"{line.getvalue()},{text},{unit}\r\n")
            json_rows.append([*head, *labels, json.loads(text) if text else None, unit])
            json_lines.append(
                f"{json.dumps(head, ensure_ascii=False)[:-1]},"
                f'{json.dumps(labels, ensure_ascii=False)[1:-1]},{text or "null"},"{unit}"]'
            )
    want_csv = "\ufeff" + ",".join(TIDY_FIELDS) + "\r\n" + buffer.getvalue()
    assert CELLS_CSV.whole(YEAR, members) == want_csv.encode()
    made = CELLS_JSON.whole(YEAR, members)
    assert json.loads(made) == {"year": YEAR, "fields": list(TIDY_FIELDS), "rows": json_rows}
    start = f'{{"year":{YEAR},"fields":{json.dumps(TIDY_FIELDS)},"rows":[\n'
    assert made == (start + ",\n".join(json_lines) + "\n]}\n").encode()  # one row a line


# summary.csv: the usual report's row is a join of plain texts and whole-number percents


@given(st.integers(0, BOUND - 1), st.integers(0, BOUND - 1))
def test_whole_number_percents_are_the_decimal_ones(top: int, bottom: int) -> None:
    want = percent_text(Decimal(top) / Decimal(bottom)) if bottom else "—"
    assert percent_of(top, bottom) == want


def test_percent_ties_round_up() -> None:
    assert [percent_of(t, b) for t, b in [(1, 16), (1, 2000), (1, 3), (0, 5), (5, 4)]] == [
        "6.3%",
        "0.1%",
        "33.3%",
        "0.0%",
        "125.0%",
    ]
    assert percent_of(1, 2001) == "0.0%" and percent_of(0, 0) == "—"


@pytest.mark.parametrize("format_id", sorted(all_formats()))
def test_summary_rows_are_what_the_csv_module_writes(format_id: str) -> None:
    """Against ``_summary_line`` (the csv module, Decimal ratios): names with commas and
    quotes, empty, negative, decimal and very long cells, key figures given or not."""
    fmt = all_formats()[format_id]
    fast = 0
    for n, (agency, record) in enumerate(portal_rows(format_id, 60)):
        if n % 4 == 1:  # counts only, some cells empty: the usual report
            texts = [t if "." not in t and "-" not in t else "" for t in record.texts()]
            record = replace(record, values=",".join(t[:12] for t in texts))
        if n % 6 == 2:
            agency = replace(agency, name=f"机构,{n}")
        if n % 3:
            figures = tuple(
                None if (i + n) % 4 == 0 else i * n for i in range(len(fmt.key_figures))
            )
            agency.summaries = {YEAR: Summary(agency.slug, YEAR, format_id, figures)}
        made = SUMMARY_CSV.piece(YEAR, agency, record)
        assert made == _summary_line(YEAR, agency, record)
        fast += _percents(record) is not None and b'"' not in made
    assert fast >= 10


def test_summary_row_of_a_record_of_another_length() -> None:
    _, record = portal_rows("2021", 1)[0]
    record = replace(record, values="1,2,3")
    assert _percents(record) is None  # the csv module's way (which reads what it can)


@pytest.mark.parametrize(
    ("top", "bottom"),
    [
        ("-3", "7"),  # a negative count: Decimal's rounding away from zero
        ("1.5", "4"),  # a decimal where a count is expected
        ("", "2"),
        (str(10**26), str(2 * 10**29 + 1)),  # Decimal's 28 digits round onto a tie
    ],
)
def test_summary_rows_of_unusual_counts(top: str, bottom: str) -> None:
    """The first indicator's numerator and denominator given the texts (the other cells 0)."""
    agency, record = portal_rows("2021", 1)[0]
    (numerator, denominator), *_ = indicator_cells(all_formats()["2021"])
    texts = ["0"] * len(record.texts())
    texts[numerator[0]], texts[denominator[0]] = top, bottom
    record = replace(record, values=",".join(texts))
    assert SUMMARY_CSV.piece(YEAR, agency, record) == _summary_line(YEAR, agency, record)
