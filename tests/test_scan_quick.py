"""The scan's quick path (scancache.Quick, scancache.unchanged): an agency whose folders and
files are all as its last trusted scan found them keeps that scan's signature without being
walked; anything else walks it. Whatever happens to the content, every agency's signature
is the plain walk's, in this process and in the scan's worker processes (the first of
which also compares the output's folders with their record, outfolders.surveyed).

The clock is faked (conftest's ``clock`` fixture): "settled" scans may be trusted."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Clock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao import outfolders, scancache, scanparts, sources
from test_scancache import OPS, TICK, _apply, _portal, _unlock, signatures


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The agencies walked from now on (not kept by the quick path)."""
    names: list[str] = []
    real = sources._signed

    def signed(name: str, *args: Any) -> Any:
        names.append(name)
        return real(name, *args)

    monkeypatch.setattr(sources, "_signed", signed)
    return names


def test_an_unchanged_agency_is_not_walked_again(tmp_path: Path, clock: Clock) -> None:
    content, state = _portal(tmp_path)
    clock.settled()
    first = signatures(content, state)  # walks, and keeps each agency's Quick
    assert first == signatures(content, None)
    record = (state / scancache.NAME).stat()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sources, "_signed", lambda *a: pytest.fail("walked"))
        clock.settled()
        assert signatures(content, state) == first
    after = (state / scancache.NAME).stat()
    assert (after.st_ino, after.st_mtime_ns) == (record.st_ino, record.st_mtime_ns)


def _same_size_new_time(c: Path) -> None:
    p = c / "a" / "2022" / "report.yaml"
    p.write_text(p.read_text().replace("2022", "2021"))


def _time_only(c: Path) -> None:
    p = c / "a" / "2022" / "report.yaml"
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000))


def _appended(c: Path) -> None:
    with (c / "a" / "agency.yaml").open("a") as f:  # in place: no folder's time moves
        f.write("# x\n")


def _added(c: Path) -> None:
    (c / "a" / "2022" / "overview.md").write_text("x\n")


def _removed(c: Path) -> None:
    (c / "a" / "2022" / "report.yaml").unlink()


def _folder_became_file(c: Path) -> None:
    (c / "a" / "2022" / "report.yaml").unlink()
    (c / "a" / "2022").rmdir()
    (c / "a" / "2022").write_text("year: 2022\n")


def _renamed(c: Path) -> None:
    (c / "a" / "2022" / "report.yaml").rename(c / "a" / "2022" / "report.yml")


def _linked(c: Path) -> None:
    (c / "a" / "2023").symlink_to(c / "a" / "2022")


def _locked(c: Path) -> None:
    (c / "a" / "2022").chmod(0o300)


CHANGES = {
    "rewritten in place, same size": _same_size_new_time,
    "only its time changed": _time_only,
    "appended to": _appended,
    "a file added": _added,
    "a file removed": _removed,
    "a folder replaced by a file": _folder_became_file,
    "a file renamed": _renamed,
    "a link added": _linked,
    "a folder made unreadable": _locked,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_change_walks_its_agency_alone(
    tmp_path: Path, clock: Clock, walked: list[str], change: str
) -> None:
    content, state = _portal(tmp_path)
    try:
        clock.settled()
        signatures(content, state)
        time.sleep(TICK)
        CHANGES[change](content)
        walked.clear()
        clock.settled()
        found = signatures(content, state)
        assert walked == ["a"]
        assert found == signatures(content, None)
        walked.clear()
        clock.settled()  # and kept as it is now (unless a link: walked again)
        found = signatures(content, state)
        assert walked == (["a"] if change == "a link added" else [])
        assert found == signatures(content, None)
    finally:
        _unlock(tmp_path)


def test_a_change_just_made_is_walked_until_it_settles(
    tmp_path: Path, clock: Clock, walked: list[str]
) -> None:
    content, state = _portal(tmp_path)
    clock.settled()
    signatures(content, state)
    time.sleep(TICK)
    _appended(content)
    clock.just_changed()
    racy = signatures(content, state)
    assert racy["a"].startswith("racy:")
    walked.clear()
    clock.settled()
    found = signatures(content, state)
    assert walked == ["a"]  # walked once settled, then kept
    assert found == signatures(content, None)
    walked.clear()
    clock.settled()
    signatures(content, state)
    assert walked == []


def test_a_quick_record_from_a_later_clock_is_not_trusted(
    tmp_path: Path, clock: Clock, walked: list[str]
) -> None:
    """The clock set back: times the last scan took as settled may not be settled now."""
    content, state = _portal(tmp_path)
    clock.settled()
    signatures(content, state)
    walked.clear()
    clock.now -= 60_000_000_000
    found = signatures(content, state)
    assert sorted(walked) == ["a", "b"]
    assert found == signatures(content, None)


@pytest.mark.parametrize(
    "odd",
    [
        lambda q: ("x", -1, q[2]),  # the stamps of a trusted scan, another signature
        lambda q: (5, -1, q[2]),
        lambda q: (q[0], q[1], scancache.stamped([(0, 0)])),
        lambda q: (q[0], q[1], q[2][:-1]),
        lambda q: (q[0],),
        lambda q: "junk",
    ],
    ids=["not the walk's signature", "not a signature", "stamps", "digest cut", "short", "junk"],
)
def test_an_odd_quick_record_means_a_walk_or_its_signature(
    tmp_path: Path, clock: Clock, odd: Any
) -> None:
    """A Quick is trusted for what it says (its signature, if every stamp holds) and a
    record of another shape is no reason for a traceback. (Only a scan writes it.)"""
    content, state = _portal(tmp_path)
    clock.settled()
    plain = signatures(content, state)
    root = str(content.resolve())
    kept = scancache.read(state, root)
    listings, quick = scancache.unpacked(kept["a"])
    assert quick is not None
    kept["a"] = scancache.packed(listings, odd(quick))
    scancache.write(state, root, kept)
    clock.settled()
    found = signatures(content, state)
    assert found["b"] == plain["b"]
    assert found["a"] == ("x" if odd(quick)[0] == "x" else plain["a"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, max_size=12), jobs=st.lists(st.sampled_from([1, 2]), min_size=8))
def test_the_workers_scan_as_this_process_and_as_the_walk(
    ops: list[tuple[Any, ...]], jobs: list[int], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files added, removed, renamed, rewritten in place (with the same size and time too),
    folders replaced by files, links, locks: after each, the scan with the kept record, in
    this process or in two workers (in turns), gives each agency the walk's signature."""
    monkeypatch.setattr(sources, "PARALLEL_SCAN_FROM", 1)
    with tempfile.TemporaryDirectory(prefix="nianbao-quick-") as tmp:
        try:
            content, state, outside = _portal(Path(tmp))[0], Path(tmp, "state"), Path(tmp, "o")
            outside.mkdir()
            turn = iter(jobs * 4)
            for op in [("scan", True), *ops, ("scan", True), ("scan", False), ("scan", True)]:
                if op[0] == "scan":
                    clock.settled() if op[1] else clock.just_changed()
                    plain = signatures(content, None)
                    assert signatures(content, state, next(turn)) == plain
                    assert signatures(content, state, next(turn)) == plain
                    time.sleep(TICK)
                    continue
                with contextlib.suppress(OSError):
                    _apply(op, content, outside)
        finally:
            _unlock(Path(tmp))


def test_a_failed_worker_is_done_again_here(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that died: its agencies (and the output's folders compared) are done in
    this process, with the same results."""
    monkeypatch.setattr(sources, "PARALLEL_SCAN_FROM", 1)
    content = _portal(tmp_path)[0]
    out = tmp_path / "site"
    state = outfolders.state_of(out)
    for folder in ("", "x", "x/y", "z"):
        (out / folder).mkdir(exist_ok=True)
    outfolders.write(state, outfolders.stat_all(str(out), ["", "x", "x/y", "z"]))
    (out / "z").rmdir()
    clock.settled()
    expected = signatures(content, state, 2), outfolders.surveyed(state)
    here, real = os.getpid(), sources._scan_part

    def dies_in_a_worker(part: Any) -> Any:
        if os.getpid() != here:
            os._exit(3)
        return real(part)

    monkeypatch.setattr(sources, "_scan_part", dies_in_a_worker)
    scanning = sources.Scanning(content, 2, state)
    try:
        suspects = scanning.output_suspects()
        found = {s: f.signature for s, f in scanning.result().agencies.items()}
    finally:
        scanning.close()
    assert (found, suspects) == expected
    assert suspects is not None and "z" in suspects[1]


@pytest.mark.parametrize("agencies", [0, 1, 2, 3, 400, 14_300])
@pytest.mark.parametrize("jobs", [1, 2, 3, 4, 16])
def test_the_worker_that_surveys_scans_fewer_agencies(agencies: int, jobs: int) -> None:
    first = scanparts.first_share(agencies, jobs)
    assert 0 <= first <= -(-agencies // jobs)
    if agencies >= 400 and jobs == 2:
        assert 0.3 * agencies < first < 0.45 * agencies
    names = [str(i) for i in range(agencies)]
    for state in (None, Path("state")):
        parts = scanparts.parts(names, jobs, state)
        assert [n for part, _ in parts for n in part] == names
        surveys = [state] if state is not None else []
        assert [s for _, s in parts] == surveys + [None] * (len(parts) - len(surveys))
        assert len(parts) <= jobs


@pytest.mark.parametrize("jobs", [1, 2])
def test_links_at_the_top_that_cannot_be_followed_are_no_agencies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """A loop of links, a link through a file, a dangling link: none is an agency folder,
    and none stops the scan (DirEntry.is_dir raises for the first two)."""
    monkeypatch.setattr(sources, "PARALLEL_SCAN_FROM", 1)
    content = _portal(tmp_path)[0]
    (content / "loop").symlink_to(content / "loop")
    (content / "through").symlink_to(content / "a" / "agency.yaml" / "x")
    (content / "dangling").symlink_to(content / "nothing")
    assert set(signatures(content, None, jobs)) == {"a", "b"}
