"""An edit of reports' values changes a tidy year file in place (exports.in_place): the
same bytes and stamp as a file spliced or made whole, nothing copied, what follows a
longer or shorter piece moved; anything else (pieces both longer and shorter, reports
added or removed, a file with a second name) is spliced into a new file as before."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao.model import Agency
from test_exports_splice import (
    NAMES,
    YEAR,
    agencies,
    job_for,
    moved,
    whole,
    with_value,
    write,
)


def target(tmp_path: Path, name: str) -> Path:
    return tmp_path / "site" / f"data/{YEAR}/{name}"


def forty() -> list[Agency]:
    """The reports, each with 40 in its first cell."""
    return [with_value(a, "40") for a in agencies()]


@pytest.mark.parametrize("name", NAMES)
def test_a_value_edit_of_the_same_length_is_written_in_place(
    name: str, tmp_path: Path, copied: list[int]
) -> None:
    before = forty()
    write(job_for(tmp_path, before), name, splice=False)
    inode = os.stat(target(tmp_path, name)).st_ino
    after = list(before)
    for at in (0, 4, 9):  # first, middle, last
        after[at] = with_value(after[at], "41")
    made = write(job_for(tmp_path, after), name, splice=True)  # stamp checked by --verify's way
    assert made == whole(name, after)
    assert made != whole(name, before) or name == "summary.csv"  # (the cell is not summed)
    assert os.stat(target(tmp_path, name)).st_ino == inode and not copied
    # and its record serves the next edit
    again = [*after[:1], moved(after[1]), *after[2:]]
    assert write(job_for(tmp_path, again), name, splice=True) == whole(name, again)
    assert os.stat(target(tmp_path, name)).st_ino != inode


# (which report, its first cell's new value): as long as 40, longer or shorter
EDITS = st.lists(st.tuples(st.integers(0, 9), st.sampled_from(["41", "4", "400", "4000"])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds=st.lists(EDITS, min_size=1, max_size=3), name=st.sampled_from(NAMES))
def test_pieces_longer_or_shorter_move_what_follows_them(
    rounds: list[list[tuple[int, str]]], name: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp_path = Path(folder)
        now = forty()
        write(job_for(tmp_path, now), name, splice=False)
        for edits in rounds:
            was = [a.filed[YEAR].values for a in now]
            for at, value in edits:
                now[at] = with_value(now[at], value)
            inode = os.stat(target(tmp_path, name)).st_ino
            assert write(job_for(tmp_path, now), name, splice=True) == whole(name, now)
            lengths = {len(a.filed[YEAR].values) - len(v) for a, v in zip(now, was, strict=True)}
            if not (max(lengths) > 0 > min(lengths)):  # all longer or all shorter: in place
                assert os.stat(target(tmp_path, name)).st_ino == inode


@pytest.mark.parametrize(
    "edit",
    [
        lambda a: [with_value(a[0], "400"), *a[1:-1], with_value(a[-1], "4")],  # both ways
        lambda a: [*a[:3], moved(a[3]), *a[4:]],  # another report in its place
        lambda a: a[:-1],  # one fewer
    ],
)
def test_other_edits_are_spliced_into_a_new_file(tmp_path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    before = forty()
    write(job_for(tmp_path, before), "cells.csv", splice=False)
    inode = os.stat(target(tmp_path, "cells.csv")).st_ino
    after = edit(before)
    assert write(job_for(tmp_path, after), "cells.csv", splice=True) == whole("cells.csv", after)
    assert os.stat(target(tmp_path, "cells.csv")).st_ino != inode


def test_a_file_with_another_name_is_not_changed_in_place(tmp_path: Path) -> None:
    """A hard link (a deployed copy sharing the file) keeps the bytes it had."""
    before = forty()
    old = write(job_for(tmp_path, before), "cells.json", splice=False)
    os.link(target(tmp_path, "cells.json"), tmp_path / "deployed.json")
    after = [with_value(before[0], "41"), *before[1:]]
    assert write(job_for(tmp_path, after), "cells.json", splice=True) == whole("cells.json", after)
    assert (tmp_path / "deployed.json").read_bytes() == old


def test_an_old_file_changed_since_its_record_is_made_again(tmp_path: Path) -> None:
    before = forty()
    write(job_for(tmp_path, before), "cells.csv", splice=False)
    path = target(tmp_path, "cells.csv")
    path.write_bytes(path.read_bytes()[:-3] + b"xyz")  # same size, not the recorded file
    inode = os.stat(path).st_ino
    after = [with_value(before[0], "41"), *before[1:]]
    assert write(job_for(tmp_path, after), "cells.csv", splice=True) == whole("cells.csv", after)
    assert os.stat(path).st_ino != inode
