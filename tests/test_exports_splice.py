"""A warm build splices a year's tidy files: unchanged reports' rows are copied from the
old file, changed ones made again. The result must be the bytes of a file made whole, at
every edge (first and last report, JSON separators, reports added, removed, renamed or
moved), and anything odd about the old file or its record must make the file whole."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import edit, nianbao
from nianbao.exports import piece_records
from nianbao.exports import workbook as workbook_module
from nianbao.exports.piece_records import RECORDS
from nianbao.exports.workbook import workbook
from nianbao.exports.year_files import LAYOUTS, members
from nianbao.exports.year_write import YearJob, write_year_file
from nianbao.model import Agency
from test_exports_workbook import portal_rows

YEAR = 2021
NAMES = sorted(LAYOUTS)  # cells.csv, cells.json, summary.csv


def agencies(count: int = 10) -> list[Agency]:
    out = []
    for agency, record in portal_rows("2021", count):
        agency.filed = {YEAR: replace(record, year=YEAR)}
        out.append(agency)
    return out


def with_value(agency: Agency, value: str) -> Agency:
    """The agency with its first cell changed."""
    record = agency.filed[YEAR]
    rest = record.values.split(",", 1)[1]
    return replace(agency, filed={YEAR: replace(record, values=f"{value},{rest}")})


def renamed(agency: Agency) -> Agency:
    return replace(agency, name=agency.name + "（更名）")


def moved(agency: Agency) -> Agency:
    return replace(agency, slug=agency.slug + "-new")


Edit = Callable[[list[Agency]], list[Agency]]
EDITS: dict[str, Edit] = {
    "value in the middle": lambda a: [*a[:5], with_value(a[5], "777"), *a[6:]],
    "first report": lambda a: [with_value(a[0], "1"), *a[1:]],
    "last report": lambda a: [*a[:-1], with_value(a[-1], "2")],
    "first and last": lambda a: [with_value(a[0], "3"), *a[1:-1], with_value(a[-1], "4")],
    "added in the middle": lambda a: [*a[:4], moved(a[2]), *a[4:]],
    "added first": lambda a: [moved(a[3]), *a],
    "added last": lambda a: [*a, moved(a[3])],
    "removed in the middle": lambda a: [*a[:4], *a[5:]],
    "removed first": lambda a: a[1:],
    "removed last": lambda a: a[:-1],
    "renamed in the middle": lambda a: [*a[:5], renamed(a[5]), *a[6:]],
    "new folder name in the middle": lambda a: [*a[:5], moved(a[5]), *a[6:]],
    "two swapped": lambda a: [a[0], a[2], a[1], *a[3:]],
    "reversed": lambda a: a[::-1],
    "all removed but one": lambda a: a[4:5],
    "none left": lambda a: [],
}


def job_for(tmp_path: Path, agency_list: list[Agency], key: str = "k") -> YearJob:
    return YearJob(agency_list, tmp_path / "site", True, tmp_path / "state", key)


def write(job: YearJob, name: str, splice: bool) -> bytes:
    path = f"data/{YEAR}/{name}"
    (job.root / path).parent.mkdir(parents=True, exist_ok=True)
    stamp = write_year_file(job, path, splice)
    data = (job.root / path).read_bytes()
    st = os.stat(job.root / path)
    assert stamp[:2] == (st.st_size, st.st_mtime_ns)  # as Writer stamps a file
    # its digest made from its pieces' is the one --verify works out from its bytes
    assert stamp[2].startswith(piece_records.PIECED) == (name in LAYOUTS)
    assert piece_records.stamp_matches(job.root, tmp_state(job), path, stamp[2])
    return data


def tmp_state(job: YearJob) -> Path:
    assert job.state is not None
    return job.state


def whole(name: str, agency_list: list[Agency]) -> bytes:
    return LAYOUTS[name].whole(YEAR, members(YEAR, agency_list))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("change", sorted(EDITS))
def test_a_spliced_file_is_the_file_made_whole(
    name: str, change: str, tmp_path: Path, copied: list[int]
) -> None:
    before = agencies()
    assert write(job_for(tmp_path, before), name, splice=False) == whole(name, before)
    assert not copied
    after = EDITS[change](before)
    inode = os.stat(tmp_path / "site" / f"data/{YEAR}/{name}").st_ino
    assert write(job_for(tmp_path, after), name, splice=True) == whole(name, after)
    kept = [a for a in after if a in before]
    if kept:  # the unchanged reports were copied, or left where they were (in_place)
        in_place = os.stat(tmp_path / "site" / f"data/{YEAR}/{name}").st_ino == inode
        assert sum(copied) > 0 or in_place
    # and the record written with it serves the next edit
    again = [*after[:1], with_value(after[1], "555"), *after[2:]] if len(after) > 2 else after
    assert write(job_for(tmp_path, again), name, splice=True) == whole(name, again)


def test_json_separators_at_the_edges(tmp_path: Path) -> None:
    before = agencies(3)
    write(job_for(tmp_path, before), "cells.json", splice=False)
    for after in ([moved(before[1]), *before], before[1:], [before[2], before[0]]):
        made = write(job_for(tmp_path, after), "cells.json", splice=True)
        doc = json.loads(made)
        assert made.count(b'"rows":[\n[') == 1 and made.endswith(b"]\n]}\n")
        assert len({row[0] for row in doc["rows"]}) == len(after)


def test_unchanged_runs_are_copied_in_one_piece(tmp_path: Path, copied: list[int]) -> None:
    before = agencies(40)
    write(job_for(tmp_path, before), "cells.json", splice=False)
    # (a second name: spliced into a new file, not changed in place; exports.in_place)
    os.link(tmp_path / "site" / f"data/{YEAR}/cells.json", tmp_path / "deployed.json")
    after = [*before[:20], with_value(before[20], "9"), *before[21:]]
    write(job_for(tmp_path, after), "cells.json", splice=True)
    assert len(copied) == 2  # the reports before the edit, and those after it


def damage_file(job: YearJob, name: str) -> None:
    """Same size, different bytes: not the file the record describes (time changed)."""
    path = job.root / f"data/{YEAR}/{name}"
    data = bytearray(path.read_bytes())
    data[-3] = ord("X")
    path.write_bytes(bytes(data))


def damage_record(job: YearJob, name: str, how: str) -> None:
    assert job.state is not None
    record = job.state / RECORDS / f"data_{YEAR}_{name}.json"
    saved = json.loads(record.read_bytes())
    if how == "garbage":
        record.write_bytes(b"{not json")
    elif how == "overlapping":
        saved["pieces"][1][2] = saved["pieces"][0][2]
        record.write_text(json.dumps(saved))
    elif how == "past the end":
        saved["pieces"][-1][3] += 10
        record.write_text(json.dumps(saved))
    elif how == "missing":
        record.unlink()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "odd", ["file changed", "garbage", "overlapping", "past the end", "missing", "other key"]
)
def test_anything_odd_makes_the_file_whole(
    name: str, odd: str, tmp_path: Path, copied: list[int]
) -> None:
    before = agencies()
    job = job_for(tmp_path, before)
    write(job, name, splice=False)
    if odd == "file changed":
        damage_file(job, name)
    elif odd != "other key":
        damage_record(job, name, odd)
    after = [*before[:5], with_value(before[5], "321"), *before[6:]]
    later = job_for(tmp_path, after, key="k2" if odd == "other key" else "k")
    assert write(later, name, splice=True) == whole(name, after)
    assert not copied


def test_a_damaged_file_is_not_spliced_even_when_it_looks_intact(
    tmp_path: Path, copied: list[int]
) -> None:
    """The survey's damaged set (e.g. --verify found other bytes): splice=False."""
    before = agencies()
    write(job_for(tmp_path, before), "cells.csv", splice=False)
    after = [*before[:5], with_value(before[5], "321"), *before[6:]]
    assert write(job_for(tmp_path, after), "cells.csv", splice=False) == whole("cells.csv", after)
    assert not copied


def test_agencies_added_removed_and_renamed_in_a_build(portal: Path, tmp_path: Path) -> None:
    """Through the CLI: a warm build after agencies change in the middle of a year gives
    the clean build's bytes."""
    out, clean = tmp_path / "site", tmp_path / "clean"
    for n in range(3):  # more agencies in 2022, beside demo-bureau and town-a
        copy_agency(portal / "town-a", portal / f"town-{'bcd'[n]}", f"乙镇{n}")
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    edit(portal / "town-c/agency.yaml", "乙镇1", "乙镇1（更名）")
    edit(portal / "town-b/2022/report.yaml", "licensing: 5", "licensing: 7")
    copy_agency(portal / "town-a", portal / "town-bb", "乙镇新")
    for path in sorted((portal / "town-d").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (portal / "town-d").rmdir()
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert nianbao("build", "--content", portal, "--out", clean).code == 0
    for name in ("cells.csv", "cells.json", "summary.csv", "reports.xlsx"):
        path = f"data/2022/{name}"
        assert (out / path).read_bytes() == (clean / path).read_bytes(), path


def copy_agency(source: Path, target: Path, name: str) -> None:
    for path in source.rglob("*"):
        if path.is_file():
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())
    agency_yaml = target / "agency.yaml"
    text = agency_yaml.read_text("utf-8")
    agency_yaml.write_text(
        "\n".join(
            f"name: {name}" if line.startswith("name:") else line for line in text.splitlines()
        )
        + "\n",
        "utf-8",
    )


@pytest.mark.parametrize("kernel", ["refuses", "copies a little", "stops early"])
def test_a_copy_the_kernel_does_not_finish_is_written_by_hand(
    kernel: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = agencies()
    write(job_for(tmp_path, before), "cells.csv", splice=False)
    # (a second name: spliced into a new file, not changed in place; exports.in_place)
    os.link(tmp_path / "site" / f"data/{YEAR}/cells.csv", tmp_path / "deployed.csv")
    real = os.copy_file_range
    calls: list[int] = []

    def partial(src: int, dst: int, count: int, offset_src: int | None = None) -> int:
        calls.append(count)
        if kernel == "refuses":
            raise OSError(18, "Invalid cross-device link")
        if kernel == "stops early" or len(calls) % 2 == 0:
            return 0  # every second call: as at the end of a file
        return real(src, dst, min(count, 100), offset_src)  # a little of the run

    monkeypatch.setattr(os, "copy_file_range", partial)
    after = [*before[:5], with_value(before[5], "321"), *before[6:]]
    assert write(job_for(tmp_path, after), "cells.csv", splice=True) == whole("cells.csv", after)
    assert calls


def test_the_workbook_frame_is_kept_and_made_again_when_it_does_not_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the first build, a year's reports.xlsx is made from the frame kept in the
    state (XlsxWriter not called); a frame for another key, or damaged, is made again; the
    workbook is the same bytes either way."""
    before = agencies()
    want = workbook(YEAR, members(YEAR, before), "2021")
    made: list[int] = []
    original = workbook_module.frame

    def counted(year: int, format_id: str | None) -> bytes:
        made.append(year)
        return original(year, format_id)

    # year_write imports it from workbook as it writes a workbook
    monkeypatch.setattr(workbook_module, "frame", counted)
    assert write(job_for(tmp_path, before), "reports.xlsx", splice=False) == want
    assert write(job_for(tmp_path, before), "reports.xlsx", splice=True) == want
    assert made == [YEAR]
    assert write(job_for(tmp_path, before, key="other"), "reports.xlsx", splice=True) == want
    assert made == [YEAR, YEAR]
    kept = tmp_path / "state" / RECORDS / f"frame-{YEAR}.xlsx"
    data = kept.read_bytes()
    kept.write_bytes(data[:-20] + bytes(20))
    assert write(job_for(tmp_path, before, key="other"), "reports.xlsx", splice=True) == want
    assert made == [YEAR, YEAR, YEAR] and kept.read_bytes() == data
