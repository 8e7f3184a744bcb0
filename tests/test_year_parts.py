"""A year of more tidy rows than a file may hold (exports.parts.PART_ROWS, made small here)
is published as cells-001.csv … and cells-001.json …: whole reports per part, each part a
complete file, their rows together the year's one table; the year page and /data/ link
them; an edit rewrites the part of its report only, and every warm build gives a cold
build's bytes, parts appearing and going as the year grows and shrinks."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import edit, nianbao
from nianbao.exports import parts
from nianbao.exports.piece_records import RECORDS
from nianbao.outdir import CACHE
from test_exports_splice import copy_agency

YEAR = 2022
BOM = "\ufeff"


@pytest.fixture
def six(portal: Path) -> Path:
    """The fixture portal with six reports in 2022 (four copies of town-a beside it)."""
    for n in range(4):
        copy_agency(portal / "town-a", portal / f"town-{'bcde'[n]}", f"乙镇{n}")
    return portal


@pytest.fixture
def two_a_part(monkeypatch: pytest.MonkeyPatch) -> int:
    """A part holds two 2021-format reports (2022's): six make three parts."""
    limit = 2 * parts.tidy_rows("2021")
    monkeypatch.setattr(parts, "PART_ROWS", limit)
    return limit


def build(content: Path, out: Path) -> None:
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out + run.err


def files(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the build state."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and ".nianbao-cache" not in p.relative_to(site).parts
    }


def names(site: Path, year: int = YEAR) -> list[str]:
    return sorted(p.name for p in (site / f"data/{year}").iterdir())


def csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    text = data.decode("utf-8")
    assert text.startswith(BOM)
    header, *rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    return header, rows


def part_names(count: int) -> list[str]:
    return [f"cells-{k:03d}.{ext}" for ext in ("csv", "json") for k in range(1, count + 1)]


def test_a_large_year_is_published_in_parts_that_make_its_one_table(
    six: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, split = tmp_path / "whole", tmp_path / "split"
    build(six, whole)
    limit = 2 * parts.tidy_rows("2021")
    monkeypatch.setattr(parts, "PART_ROWS", limit)
    build(six, split)
    assert names(whole) == ["cells.csv", "cells.json", "reports.xlsx", "summary.csv"]
    assert names(split) == sorted([*part_names(3), "reports.xlsx", "summary.csv"])
    header, rows = csv_rows((whole / f"data/{YEAR}/cells.csv").read_bytes())
    table = json.loads((whole / f"data/{YEAR}/cells.json").read_bytes())
    csv_parts, json_parts = [], []
    for k in range(1, 4):
        part_header, part_rows = csv_rows((split / f"data/{YEAR}/cells-{k:03d}.csv").read_bytes())
        part = json.loads((split / f"data/{YEAR}/cells-{k:03d}.json").read_bytes())
        assert part_header == header and part["fields"] == table["fields"] == header
        assert part["year"] == YEAR and 0 < len(part_rows) <= limit
        assert len(part["rows"]) == len(part_rows)
        agencies = [row[0] for row in part_rows]
        assert len(set(agencies)) == 2  # whole reports, two a part
        assert [row[0] for row in part["rows"]] == agencies  # the same reports as the CSV
        csv_parts += part_rows
        json_parts += part["rows"]
    assert csv_parts == rows
    assert json_parts == table["rows"]
    # the other files, and the years within the limit, are as before
    for path in (f"data/{YEAR}/summary.csv", f"data/{YEAR}/reports.xlsx", "data/2021/cells.csv"):
        assert (split / path).read_bytes() == (whole / path).read_bytes(), path


def hrefs(page: Path) -> list[str]:
    return re.findall(r'href="([^"]+)"', page.read_text("utf-8"))


def test_the_year_page_and_the_data_page_link_every_part(
    six: Path, tmp_path: Path, two_a_part: int
) -> None:
    site = tmp_path / "site"
    build(six, site)
    year_page = site / f"{YEAR}/index.html"
    data_page = site / "data/index.html"
    for page in (year_page, data_page):
        linked = [h for h in hrefs(page) if f"data/{YEAR}/" in h]
        targets = [(page.parent / h).resolve() for h in linked]
        assert all(t.is_file() for t in targets), linked
        assert sorted(t.name for t in targets) == names(site)  # every file, parts in order
        cells = [t.name for t in targets if t.name.startswith("cells")]
        assert cells == part_names(3)
    text = year_page.read_text("utf-8")
    assert "全部单元格（CSV，第 1 部分，共 3 部分）" in text
    assert "全部单元格（JSON，第 3 部分，共 3 部分）" in text
    assert f"{YEAR}年 CSV 第 2 部分" in data_page.read_text("utf-8")
    assert "每部分最多 100 万行" in data_page.read_text("utf-8")


def stats(site: Path) -> dict[str, tuple[int, int]]:
    return {
        name: (st.st_ino, st.st_mtime_ns)
        for name in names(site)
        if (st := os.stat(site / f"data/{YEAR}/{name}"))
    }


def test_a_value_edit_rewrites_only_the_part_of_its_report(
    six: Path, tmp_path: Path, two_a_part: int
) -> None:
    site, clean = tmp_path / "site", tmp_path / "clean"
    build(six, site)
    first = csv_rows((site / f"data/{YEAR}/cells-001.csv").read_bytes())[1][0][0]
    assert first == "demo-bureau"  # (its 816 becomes 1816: longer)
    was = stats(site)
    edit(six / "demo-bureau/2022/report.yaml", "licensing: 816", "licensing: 1816")
    build(six, site)
    now = stats(site)
    changed = {name for name in now if now[name] != was[name]}
    assert changed == {"cells-001.csv", "cells-001.json", "summary.csv", "reports.xlsx"}
    assert b"1816" in (site / f"data/{YEAR}/cells-001.csv").read_bytes()
    # each part's stamp, made from its pieces, holds when --verify reads every byte
    run = nianbao("build", "--verify", "--content", six, "--out", site)
    assert run.code == 0 and stats(site) == now, run.out
    build(six, clean)
    assert files(site) == files(clean)


def test_a_report_added_moves_the_boundaries_and_makes_a_part(
    six: Path, tmp_path: Path, two_a_part: int
) -> None:
    site, clean = tmp_path / "site", tmp_path / "clean"
    build(six, site)
    copy_agency(six / "town-a", six / "town-aa", "乙镇新")  # sorts among the first parts
    build(six, site)
    assert names(site) == sorted([*part_names(4), "reports.xlsx", "summary.csv"])
    build(six, clean)
    assert files(site) == files(clean)
    edit(six / "town-e/2022/report.yaml", "licensing: 5", "licensing: 6")  # the last part
    build(six, site)
    shutil.rmtree(clean)
    build(six, clean)
    assert files(site) == files(clean)


def records(tmp_path: Path) -> list[str]:
    """The files of YEAR with a record of pieces kept for the site's next build."""
    folder = tmp_path / CACHE / "site" / RECORDS
    prefix = f"data_{YEAR}_"
    return sorted(p.name[len(prefix) : -5] for p in folder.glob(f"{prefix}*.json"))


def test_a_year_within_the_limit_again_is_one_file_and_parts_when_past_it(
    six: Path, tmp_path: Path, two_a_part: int
) -> None:
    site, clean = tmp_path / "site", tmp_path / "clean"
    build(six, site)
    for slug in ("town-b", "town-c", "town-d", "town-e"):
        shutil.rmtree(six / slug)
    build(six, site)
    assert names(site) == ["cells.csv", "cells.json", "reports.xlsx", "summary.csv"]
    assert records(tmp_path) == names(site)  # the parts' records gone
    build(six, clean)
    assert files(site) == files(clean)
    year_page = (site / f"{YEAR}/index.html").read_text("utf-8")
    assert "cells-001" not in year_page and f"data/{YEAR}/cells.csv" in year_page
    # and grows past it again: the one file goes, the parts come
    for n in range(2):
        copy_agency(six / "town-a", six / f"town-{'bc'[n]}", f"乙镇{n}")
    build(six, site)
    assert names(site) == sorted([*part_names(2), "reports.xlsx", "summary.csv"])
    assert records(tmp_path) == names(site)
    shutil.rmtree(clean)
    build(six, clean)
    assert files(site) == files(clean)


def test_export_writes_the_same_parts(six: Path, tmp_path: Path, two_a_part: int) -> None:
    site, out = tmp_path / "site", tmp_path / "export"
    build(six, site)
    run = nianbao("export", "--content", six, "--out", out)
    assert run.code == 0, run.out
    assert names(out) == sorted([*part_names(3), "reports.xlsx", "summary.csv"])
    for name in names(out):
        path = f"data/{YEAR}/{name}"
        assert (out / path).read_bytes() == (site / path).read_bytes(), path


def test_part_boundaries_take_whole_reports_greedily() -> None:
    rows = parts.tidy_rows("2021")
    limit = parts.PART_ROWS
    # within the limit: one file; over it: as many whole reports as fit, in order
    fits = limit // rows
    assert parts.part_ranges(["2021"] * fits) == [(0, fits)]
    assert parts.part_ranges(["2021"] * (fits + 1)) == [(0, fits), (fits, fits + 1)]
    assert parts.tidy_names(1) == ["cells.csv", "cells.json"]
    assert parts.part_of("cells-012.json") == ("cells.json", 12)
    assert parts.part_of("cells-000.csv") is None and parts.part_of("cells-1.csv") is None
