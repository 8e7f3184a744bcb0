"""A warm build splices a year's reports.xlsx too: its sheet is compressed in pieces
(book_pieces), and an edit compresses again only the pieces of changed reports, copying
the others from the old file. The result must be the bytes of a workbook made whole, and
anything odd about the old file or its record must make it whole."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao.exports.book_pieces import GROUP
from nianbao.exports.piece_records import RECORDS
from nianbao.exports.workbook import workbook
from nianbao.exports.year_files import members
from nianbao.model import Agency
from test_exports_splice import EDITS, YEAR, agencies, job_for, moved, with_value, write

NAME = "reports.xlsx"
COUNT = 3 * GROUP + 5  # four pieces of rows, the last one short


def whole(agency_list: list[Agency]) -> bytes:
    rows = members(YEAR, agency_list)
    return workbook(YEAR, rows, rows[0][1].format if rows else None)


@pytest.mark.parametrize("change", sorted(EDITS))
def test_a_spliced_workbook_is_the_workbook_made_whole(
    change: str, tmp_path: Path, copied: list[int]
) -> None:
    before = agencies(COUNT)
    assert write(job_for(tmp_path, before), NAME, splice=False) == whole(before)
    assert not copied
    after = EDITS[change](before)
    assert write(job_for(tmp_path, after), NAME, splice=True) == whole(after)
    if change.startswith(("value", "first", "last", "renamed", "new folder", "two")):
        assert sum(copied) > 0  # the groups of unchanged reports were copied
    again = [*after[:1], with_value(after[1], "555"), *after[2:]] if len(after) > 2 else after
    assert write(job_for(tmp_path, again), NAME, splice=True) == whole(again)


def test_only_the_edited_group_is_compressed_again(tmp_path: Path) -> None:
    before = agencies(COUNT)
    write(job_for(tmp_path, before), NAME, splice=False)
    after = [*before[: GROUP + 2], with_value(before[GROUP + 2], "999"), *before[GROUP + 3 :]]
    record = tmp_path / "state" / RECORDS / f"data_{YEAR}_{NAME}.json"
    old = json.loads(record.read_bytes())["pieces"]
    assert write(job_for(tmp_path, after), NAME, splice=True) == whole(after)
    new = json.loads(record.read_bytes())["pieces"]
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a[0] != b[0]]
    assert changed == [2]  # head, group 0, group 1 (the edited one), …: only that one
    book = openpyxl.load_workbook(io.BytesIO(whole(after)), read_only=True)
    assert list(book.worksheets[0].iter_rows(values_only=True))[GROUP + 4][6] == 999


Step = tuple[str, int, int]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["value", "remove", "add"]), st.integers(0, 10**6), st.integers(0, 999)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_run_of_edits_splices_to_the_whole_workbook(
    tmp_path_factory: pytest.TempPathFactory, steps: list[Step]
) -> None:
    tmp_path = tmp_path_factory.mktemp("book")
    now = agencies(2 * GROUP + 3)
    write(job_for(tmp_path, now), NAME, splice=False)
    for n, (kind, where, value) in enumerate(steps):
        i = where % len(now)
        if kind == "value":
            now = [*now[:i], with_value(now[i], str(value)), *now[i + 1 :]]
        elif kind == "remove" and len(now) > 1:
            now = [*now[:i], *now[i + 1 :]]
        else:
            extra = replace(moved(now[i]), slug=f"{now[i].slug}-{n}")
            now = [*now[:i], extra, *now[i:]]
        assert write(job_for(tmp_path, now), NAME, splice=True) == whole(now)


def damage(tmp_path: Path, how: str) -> None:
    record = tmp_path / "state" / RECORDS / f"data_{YEAR}_{NAME}.json"
    saved = json.loads(record.read_bytes())
    pieces = saved["pieces"]
    if how == "garbage":
        record.write_bytes(b"\x00{not json")
        return
    if how == "other frame":
        saved["frame"] = "0" * 32
    elif how == "crc":
        pieces[-1][3] ^= 1
    elif how == "size":
        pieces[-1][4] += 1
    elif how == "moved":
        pieces[0][1] += 1
    elif how == "overlapping":
        pieces[2][1] = pieces[1][1]
    elif how == "not a number":
        pieces[1][3] = "1"
    record.write_text(json.dumps(saved))


@pytest.mark.parametrize(
    "odd", ["garbage", "other frame", "crc", "size", "moved", "overlapping", "not a number"]
)
def test_a_damaged_record_makes_the_workbook_whole(
    odd: str, tmp_path: Path, copied: list[int]
) -> None:
    before = agencies(COUNT)
    write(job_for(tmp_path, before), NAME, splice=False)
    damage(tmp_path, odd)
    after = [*before[:5], with_value(before[5], "321"), *before[6:]]
    assert write(job_for(tmp_path, after), NAME, splice=True) == whole(after)
    assert not copied


def test_a_changed_file_is_not_spliced(tmp_path: Path, copied: list[int]) -> None:
    before = agencies(COUNT)
    job = job_for(tmp_path, before)
    write(job, NAME, splice=False)
    path = job.root / f"data/{YEAR}/{NAME}"
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    after = [*before[:5], with_value(before[5], "321"), *before[6:]]
    assert write(job_for(tmp_path, after), NAME, splice=True) == whole(after)
    assert not copied
