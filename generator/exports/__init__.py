"""Open data: every report's cells as files (JSON, CSV, Excel), per report and per year.

``report_files`` writes a report's own files beside its page; ``year_files`` the region's
files, one set per year (``year_write`` writes them in place, splicing on an edit);
``command`` writes all of them without the site.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ..manifest import Stamp
from ..model import Agency
from ..outputs import Output
from ..workers import fork_pool, fresh_pool
from ..write import Writer
from .parts import is_data_name, part_of, part_ranges, year_data_paths
from .year_files import LAYOUTS, cut, formats_of, members
from .year_write import YearJob, fingerprints, sliced_job, write_year_file, year_slice

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool


def year_files(
    year: int, agencies: list[Agency], fingerprint: str
) -> list[tuple[str, str, Callable[[], Output | None]]]:
    """A year's data files as (path, fingerprint, make): made only when the year changed.
    (A build writes them with ``YearFiles`` instead; ``make`` is for ``nianbao export``.)"""
    paths = year_data_paths(year, formats_of(members(year, agencies)))
    return [(path, fingerprint, _maker(path, year, agencies)) for path in paths]


def is_year_file(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "data" and parts[1].isdigit() and is_data_name(parts[2])


# From this many reports in the files due, the workers start afresh instead of being
# forked from the build: a forked worker shares the build's memory only until either side
# writes a page (the build goes on rendering the other pages meanwhile, and reading an
# object writes its reference count), so each ends up holding a private copy of much of
# the build; a fresh one holds only the year it is handed (``year_slice``). Starting them
# and packing the years costs CPU that below this size (a 10,000-report build, or an
# edit's one year) would buy little: those fork.
FRESH_FROM = 20_000

_JOB: YearJob | None = None  # what forked workers make the files from
_LAST: dict[int, YearJob] = {}  # in a fresh worker: its last year's job (tasks come by year)


class YearFiles:
    """Writes the year data files that are due, each straight to its place: in worker
    processes while the caller renders the other pages (a year's files are the largest
    pieces of a build: 300,000 cells), in a thread for an edit's one year (spliced from
    the old files), or, with one job, when taken. The caller gets back only each file's
    stamp."""

    def __init__(
        self,
        job: YearJob,
        paths: list[str],
        intact: set[str],
        writer: Writer,
        jobs: int,
        fresh_from: int | None = None,
    ) -> None:
        """``intact``: paths whose old file is as written (may be spliced). ``fresh_from``:
        from this many reports, fresh workers (default ``FRESH_FROM``)."""
        self._job, self._writer = job, writer
        self._splice = {p: p in intact for p in paths}
        for path in paths:
            writer.claim(path)  # noted in the journal before any worker replaces it
        self._pool: Pool | None = None
        self._results: dict[str, AsyncResult[Stamp]] = {}
        self._thread: _InOrder | None = None
        if jobs > 1 and len(paths) > 1:
            processes = min(jobs, len(paths))
            years = sorted({int(p.split("/")[1]) for p in paths})
            if len(years) == 1 and job.atomic and job.state and all(self._splice.values()):
                # An edit's one year, its old files there to splice: a thread writes them
                # while the caller renders. Its work is mostly the kernel's copying and
                # hashing what it copied (which leave the interpreter to the caller);
                # forking workers from the build would cost more than all of it.
                self._thread = _InOrder(job, _in_order(paths))
                return
            reports = sum(len(job.members(year)) for year in years)
            if reports >= (FRESH_FROM if fresh_from is None else fresh_from):
                slices = {year: year_slice(job, year) for year in years}
                bare = replace(job, agencies=[], marks={}, made_from=None, lazy=None)
                self._pool = fresh_pool(processes)
                self._results = {
                    p: self._pool.apply_async(
                        _write_fresh, (bare, slices[int(p.split("/")[1])], p, self._splice[p])
                    )
                    for p in _in_order(paths)
                }
                return
            global _JOB
            for year in years:  # once here, not in each worker writing one of its tidy files
                job.marks[year] = fingerprints(job.key, year, job.members(year), job.made_from)
            _JOB = job  # forked workers see it without pickling
            self._pool = fork_pool(processes)
            self._results = {
                p: self._pool.apply_async(_write_forked, (p, self._splice[p]))
                for p in _in_order(paths)
            }

    def __contains__(self, path: str) -> bool:
        return path in self._splice

    def take(self, path: str) -> None:
        """Wait for ``path`` (or write it now) and record its stamp."""
        splice = self._splice.pop(path)
        if self._thread is not None and path in self._thread:
            stamp = self._thread.result(path)
        elif self._pool is not None:
            stamp = self._results.pop(path).get()
        else:
            stamp = write_year_file(self._job, path, splice)
        self._writer.record(path, stamp)

    def close(self) -> None:
        global _JOB
        if self._thread is not None:  # (the file it is writing is finished: never in place)
            self._thread.stop()
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
        _JOB = None


class _InOrder:
    """One thread writing an edit's year files (spliced) one after another, each waited
    for by ``result``; ``stop`` lets it finish the file it is writing and write no more.
    (A plain thread: concurrent.futures would import logging, a tenth of what the
    thread saves.)"""

    def __init__(self, job: YearJob, paths: list[str]) -> None:
        self._paths = paths
        self._done = {p: threading.Event() for p in paths}
        self._made: dict[str, Stamp | BaseException] = {}
        self._stopped = False
        self._thread = threading.Thread(target=self._write, args=(job,), name="year files")
        self._thread.start()

    def _write(self, job: YearJob) -> None:
        for path in self._paths:
            if self._stopped:
                return
            try:
                self._made[path] = write_year_file(job, path, True)
            except BaseException as e:  # raised again where it is waited for
                self._made[path] = e
            finally:
                self._done[path].set()

    def __contains__(self, path: str) -> bool:
        return path in self._done

    def result(self, path: str) -> Stamp:
        self._done[path].wait()
        made = self._made.pop(path)
        if isinstance(made, BaseException):
            raise made
        return made

    def stop(self) -> None:
        self._stopped = True
        self._thread.join()


def _in_order(paths: list[str]) -> list[str]:
    """The largest first, so no worker idles at the end (the tidy cells files or their
    parts, then the others); a year's files together, so a worker mostly unpacks a year once."""
    return sorted(
        paths,
        key=lambda p: (part_of(p.rsplit("/", 1)[1]) is None, p.split("/")[1], p),
    )


def _write_forked(path: str, splice: bool) -> Stamp:
    assert _JOB is not None
    return write_year_file(_JOB, path, splice)


def _write_fresh(bare: YearJob, blob: bytes, path: str, splice: bool) -> Stamp:
    """In a fresh worker: write ``path`` from its year's slice."""
    year = int(path.split("/")[1])
    job = _LAST.get(year)
    if job is None or job.root != bare.root or job.key != bare.key:
        _LAST.clear()
        job = _LAST[year] = sliced_job(bare, blob)
    return write_year_file(job, path, splice)


def _maker(path: str, year: int, agencies: list[Agency]) -> Callable[[], Output]:
    def make() -> Output:
        rows = members(year, agencies)
        name = path.rsplit("/", 1)[1]
        if name == "reports.xlsx":
            from .workbook import workbook  # here: see year_write

            return Output(path, workbook(year, rows, rows[0][1].format if rows else None))
        name, part = part_of(name) or (name, 0)
        if part:
            rows = cut(rows, *part_ranges(formats_of(rows))[part - 1])
        return Output(path, LAYOUTS[name].whole(year, rows))

    return make


__all__ = ["YearFiles", "YearJob", "is_year_file", "year_files"]
