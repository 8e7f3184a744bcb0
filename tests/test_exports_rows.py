"""The tidy year files' rows, assembled from per-format lists of bytes with slots, are the
rows a per-cell writer makes: the csv module and json.dumps for every cell (the fast path
against the plain one, as for reportfast and markdown)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest
from nianbao.exports.layout import cell_fields
from nianbao.exports.year_files import CELLS_CSV, CELLS_JSON, TIDY_FIELDS
from nianbao.formats import all_formats
from nianbao.model import Filed
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
