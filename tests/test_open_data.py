"""Open data: every exported cell round-trips to report.yaml; the workbook opens with the
same numbers; files are deterministic; an edit rewrites only its year's files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import PORTAL, edit, nianbao
from nianbao.formats import all_formats, leaf_paths

REPORTS = [("demo-bureau", y) for y in (2019, 2020, 2021, 2022)] + [("town-a", 2022)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("open-data") / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    return out


def yaml_value(doc: dict[str, Any], format_id: str, cid: str) -> Any:
    """The value report.yaml gives a cell, found by the cell's keys alone."""
    fmt = all_formats()[format_id]
    table, *keys = cid.split(".")
    spec = fmt.tables[table]
    node = doc[table]
    if spec.layout == "blocks":
        for key in keys:
            node = node[key]
        return node
    if spec.layout == "matrix":
        *rows, column = keys
        columns = [leaf.key for leaf in spec.leaf_columns]
        if rows[-1] not in _walk(node, rows[:-1]):  # an optional total row, left out
            prefix = ".".join([table, *rows[:-1]]) + "."
            parts = [c for c in fmt.cells if c.startswith(prefix) and c.endswith("." + column)]
            return sum(yaml_value(doc, format_id, c) for c in parts if c != cid)
        row = _walk(node, rows)
        if columns.index(column) == len(row):  # an optional total column, left out
            return sum(row)
        return row[columns.index(column)]
    group, column = keys
    leaves = next(p for p in leaf_paths(spec.columns) if any(n.key == group for n in p))
    siblings = [p[-1].key for p in leaf_paths(spec.columns) if leaves[-2] in p]
    return node[group][siblings.index(column)]


def _walk(node: Any, keys: list[str]) -> Any:
    for key in keys:
        node = node[key]
    return node


def report_yaml(slug: str, year: int) -> dict[str, Any]:
    return yaml.safe_load((PORTAL / slug / str(year) / "report.yaml").read_text("utf-8"))


def number(value: Any) -> Decimal:
    """Exported and written values compared as numbers (YAML reads 12.35 as a float)."""
    return Decimal(str(value))


def test_every_cell_of_the_tidy_csv_round_trips_to_the_yaml(site: Path) -> None:
    seen = 0
    for year in (2019, 2020, 2021, 2022):
        raw = (site / f"data/{year}/cells.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # Excel and WPS need the BOM
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        for row in rows:
            doc = report_yaml(row["agency"], int(row["year"]))
            cid = ".".join(p for p in (row["table"], row["row"], row["column"]) if p)
            assert number(row["value"]) == number(yaml_value(doc, row["format"], cid)), cid
            seen += 1
    cells = {f: len(all_formats()[f].cells) for f in ("2019", "2021")}
    assert seen == 2 * cells["2019"] + 3 * cells["2021"]


def test_every_cell_of_data_json_round_trips_to_the_yaml(site: Path) -> None:
    for slug, year in REPORTS:
        data = json.loads((site / slug / str(year) / "data.json").read_text("utf-8"))
        assert (data["agency"], data["year"]) == (slug, year)
        doc = report_yaml(slug, year)
        fmt = all_formats()[data["format"]]
        assert [c["id"] for c in data["cells"]] == list(fmt.cells)
        for cell in data["cells"]:
            written = yaml_value(doc, data["format"], cell["id"])
            assert number(cell["value"]) == number(written), cell["id"]
            assert fmt.cells[cell["id"]].row_name in cell["row_label"]


def test_the_year_json_holds_what_the_csv_holds(site: Path) -> None:
    data = json.loads((site / "data/2021/cells.json").read_text("utf-8"))
    raw = (site / "data/2021/cells.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0] == data["fields"]
    assert [[str(v) if v is not None else "" for v in r] for r in data["rows"]] == rows[1:]


def test_table_csv_has_official_labels_as_headers(site: Path) -> None:
    text = (site / "demo-bureau/2021/requests.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["项目", "自然人", "法人或其他组织 · 商业企业"]
    assert rows[0][-1] == "总计"
    assert rows[1][0] == "一、本年新收政府信息公开申请数量"
    assert rows[1][-1] == str(report_yaml("demo-bureau", 2021)["requests"]["received"][-1])
    assert any(r[0] == "三、（三）1.属于国家秘密" for r in rows)


def test_workbook_opens_with_the_same_numbers(site: Path) -> None:
    book = openpyxl.load_workbook(site / "data/2021/reports.xlsx", read_only=True)
    assert book.sheetnames == ["2021年"]
    rows = list(book["2021年"].iter_rows(values_only=True))
    ids = rows[1][6:]
    assert rows[0][6] == all_formats()["2021"].cells[ids[0]].name  # 表二 … / 本年制发件数
    (values,) = rows[2:]
    assert values[0] == "demo-bureau"
    doc = report_yaml("demo-bureau", 2021)
    for cid, value in zip(ids, values[6:], strict=True):
        assert number(value) == number(yaml_value(doc, "2021", cid)), cid


def test_summary_csv_has_key_figures_and_indicators(site: Path) -> None:
    rows = list(
        csv.DictReader(io.StringIO((site / "data/2022/summary.csv").read_text("utf-8-sig")))
    )
    town = next(r for r in rows if r["agency"] == "town-a")
    assert town["received"] == "3"
    assert town["disclosure_rate"] == "33.3%"  # (1 + 0) ÷ 3


def test_report_page_links_its_data_files(site: Path) -> None:
    html = (site / "demo-bureau/2021/index.html").read_text("utf-8")
    assert "下载数据" in html
    for name in ("data.json", "active.csv", "requests.csv", "appeals.csv"):
        assert f'href="{name}"' in html
        assert (site / "demo-bureau/2021" / name).is_file()


def test_data_page_documents_every_file_and_the_licence(portal: Path, tmp_path: Path) -> None:
    edit(
        portal / "site.yaml",
        "base_url: /",
        "base_url: /\nlicense: 本站数据可自由使用，请注明来源。",
    )
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    html = (out / "data/index.html").read_text("utf-8")
    assert "数据许可：本站数据可自由使用，请注明来源。" in html
    for year in (2019, 2020, 2021, 2022):
        for name in ("cells.csv", "cells.json", "summary.csv", "reports.xlsx"):
            assert f'href="../data/{year}/{name}"' in html
    for field in ("agency_name", "row_label", "column_label", "disclosure_rate"):
        assert f"<code>{field}</code>" in html


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_edit_rewrites_only_its_year_files(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    before = digests(out)
    edit(portal / "town-a/2022/report.yaml", "licensing: 5", "licensing: 6")
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    changed = {p for p, d in digests(out).items() if before.get(p) != d}
    data = {p for p in changed if p.startswith("data/")}
    assert data == {
        f"data/2022/{n}" for n in ("cells.csv", "cells.json", "summary.csv", "reports.xlsx")
    }
    assert "town-a/2022/data.json" in changed and "town-a/2022/active.csv" in changed
    assert "town-a/2022/requests.csv" not in changed  # same bytes: replaced, not changed
    clean = tmp_path / "clean"
    assert nianbao("build", "--content", portal, "--out", clean).code == 0
    assert digests(clean) == digests(out)


def test_export_writes_the_same_files_without_the_site(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    run = nianbao("export", "--content", PORTAL, "--out", out)
    assert run.code == 0, run.out
    files = digests(out)
    assert "index.html" not in files
    for path, d in files.items():
        assert digests(site)[path] == d, path
    assert "data/2021/cells.csv" in files and "demo-bureau/2021/data.json" in files
