"""The year data files written by workers: each worker gets only its year's reports
(``year_slice``), never the build's agencies, and the files are the bytes the build's
own agencies make, whether the workers are forked from the build, started afresh, or
there are none."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest
from nianbao import workers
from nianbao.exports import YearFiles
from nianbao.exports.parts import year_data_paths
from nianbao.exports.year_files import members
from nianbao.exports.year_write import YearJob, sliced_job, write_year_file, year_slice
from nianbao.model import Agency, Summary
from nianbao.write import Writer
from test_exports_workbook import portal_rows

YEARS = (2021, 2022)


def agencies() -> list[Agency]:
    """Agencies over two years: some without the second year, some without a summary."""
    out = []
    for n, (agency, record) in enumerate(portal_rows("2021", 12)):
        agency.filed = {2021: record}
        agency.summaries = {2021: Summary(agency.slug, 2021, "2021", (n, None, 3))}
        if n % 3:
            values = record.values.replace("1", "7")
            agency.filed[2022] = replace(record, year=2022, values=values)
        if n % 4 == 1:
            agency.summaries[2022] = Summary(agency.slug, 2022, "2021", (1, 2, n))
        agency.sketches = {2021: {"overview": (1, 2, 3)}}  # not the year files' business
        out.append(agency)
    return out


def paths() -> list[str]:
    return [path for year in YEARS for path in year_data_paths(year, ())]


@pytest.mark.parametrize("path", paths())
def test_a_year_slice_makes_the_same_file(path: str, tmp_path: Path) -> None:
    year = int(path.split("/")[1])
    whole = YearJob(agencies(), tmp_path / "whole", False, None, "k")
    sliced = sliced_job(YearJob([], tmp_path / "sliced", False, None, "k"), year_slice(whole, year))
    assert [a.slug for a in sliced.agencies] == [a.slug for a, _ in members(year, whole.agencies)]
    assert all(len(a.filed) == 1 and not a.sketches for a in sliced.agencies)
    for job in (whole, sliced):
        (job.root / path).parent.mkdir(parents=True)
        write_year_file(job, path, splice=False)
    made = (tmp_path / "whole" / path).read_bytes()
    assert made and (tmp_path / "sliced" / path).read_bytes() == made


@pytest.mark.parametrize(
    "jobs, fresh_from", [(2, 10**9), (2, 0)], ids=["forked workers", "fresh workers"]
)
def test_workers_write_what_the_build_writes_alone(
    jobs: int, fresh_from: int, tmp_path: Path
) -> None:
    made = {}
    for name, (n, fresh) in {"alone": (1, 0), "workers": (jobs, fresh_from)}.items():
        root, state = tmp_path / name, tmp_path / f"{name}-state"
        writer = Writer(root, atomic=False)
        files = YearFiles(
            YearJob(agencies(), root, False, state, "k"), paths(), set(), writer, n, fresh
        )
        try:
            for path in paths():
                assert path in files
                files.take(path)
        finally:
            files.close()
        made[name] = {p: ((root / p).read_bytes(), writer.stamps[p][::2]) for p in paths()}
        made[name + " records"] = {  # where each report's piece lies, for an edit
            p.name: {**json.loads(p.read_bytes()), "stamp": None}
            for p in (state / "year-files").glob("*.json")
        }
    assert made["workers"] == made["alone"]
    assert made["workers records"] == made["alone records"]


def test_forked_workers_leave_what_they_inherit_to_the_collector_of_the_parent() -> None:
    with workers.fork_pool(1) as pool:
        assert pool.apply(gc.get_freeze_count) > 0


def test_fresh_workers_ignore_ctrl_c_and_share_nothing_of_the_parent() -> None:
    with workers.fresh_pool(1) as pool:
        sigint, pid = pool.apply(_sigint_and_parent)
    assert sigint == "SIG_IGN"
    assert pid != _sigint_and_parent()[1]  # forked from their server, not from here


def _sigint_and_parent() -> tuple[str, int]:
    handler = signal.getsignal(signal.SIGINT)
    return getattr(handler, "name", str(handler)), os.getppid()


def test_fresh_workers_ignore_ctrl_c_from_their_first_moment() -> None:
    with workers.fresh_pool(1) as pool:  # starts their server, with its modules
        pool.apply(os.getpid)
    context = multiprocessing.get_context("forkserver")
    with context.Pool(1) as bare:  # no initializer: as the server forks them
        assert bare.apply(_sigint_and_parent)[0] == "SIG_IGN"


def test_an_edits_one_year_is_spliced_by_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm build's one year of old files is written by a thread of the build (no pool
    forked), to the bytes and records the build writes alone."""
    year = year_data_paths(2022, ())
    edited = agencies()
    edited[4] = replace(
        edited[4],
        filed={
            **edited[4].filed,
            2022: replace(edited[4].filed[2022], values="9" + edited[4].filed[2022].values[1:]),
        },
    )
    forked: list[int] = []
    real_fork = workers.fork_pool

    def fork_pool(processes: int) -> object:
        forked.append(processes)
        return real_fork(processes)

    monkeypatch.setattr("nianbao.exports.fork_pool", fork_pool)
    made = {}
    for name, jobs in {"alone": 1, "thread": 2}.items():
        root, state = tmp_path / name, tmp_path / f"{name}-state"
        for agency_list, intact in ((agencies(), set()), (edited, set(year))):
            writer = Writer(root, atomic=True)
            files = YearFiles(
                YearJob(agency_list, root, True, state, "k"), year, intact, writer, jobs
            )
            assert (files._thread is not None) == (jobs == 2 and bool(intact))
            try:
                for path in year:
                    files.take(path)
            finally:
                files.close()
        made[name] = {p: (root / p).read_bytes() for p in year}
        made[name + " records"] = {
            p.name: {**json.loads(p.read_bytes()), "stamp": None}
            for p in (state / "year-files").glob("*.json")
        }
    assert forked == [2]  # for the first build's files, not for the edit's
    assert made["thread"] == made["alone"]
    assert made["thread records"] == made["alone records"]
