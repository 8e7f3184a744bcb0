"""Open data: every report's cells as files (JSON, CSV, Excel), per report and per year.

``report_files`` writes a report's own files beside its page; ``year_files`` the region's
files, one set per year (``year_write`` writes them in place, splicing on an edit);
``command`` writes all of them without the site.
"""

from __future__ import annotations

from collections.abc import Callable
from multiprocessing.pool import AsyncResult, Pool

from ..manifest import Stamp
from ..model import Agency
from ..render import Output
from ..workers import fork_pool
from ..write import Writer
from .workbook import workbook
from .year_files import LAYOUTS, members, year_data_paths
from .year_write import YearJob, fingerprints, write_year_file


def year_files(
    year: int, agencies: list[Agency], fingerprint: str
) -> list[tuple[str, str, Callable[[], Output | None]]]:
    """A year's data files as (path, fingerprint, make): made only when the year changed.
    (A build writes them with ``YearFiles`` instead; ``make`` is for ``nianbao export``.)"""
    return [(path, fingerprint, _maker(path, year, agencies)) for path in year_data_paths(year)]


def is_year_file(path: str) -> bool:
    parts = path.split("/")
    return (
        len(parts) == 3
        and parts[0] == "data"
        and parts[1].isdigit()
        and path in year_data_paths(int(parts[1]))
    )


_JOB: YearJob | None = None  # what forked workers make the files from


class YearFiles:
    """Writes the year data files that are due, each straight to its place: in forked
    worker processes while the caller renders the other pages (a year's files are the
    largest pieces of a build: 300,000 cells), or, with one job, when taken. The caller
    gets back only each file's stamp."""

    def __init__(
        self, job: YearJob, paths: list[str], intact: set[str], writer: Writer, jobs: int
    ) -> None:
        """``intact``: paths whose old file is as written (may be spliced)."""
        self._job, self._writer = job, writer
        self._splice = {p: p in intact for p in paths}
        for path in paths:
            writer.claim(path)  # noted in the journal before any worker replaces it
        self._pool: Pool | None = None
        self._results: dict[str, AsyncResult[Stamp]] = {}
        if jobs > 1 and len(paths) > 1:
            global _JOB
            for year in {int(p.split("/")[1]) for p in paths if p.rsplit("/", 1)[1] in LAYOUTS}:
                # once here, not in each worker writing one of the year's tidy files
                job.marks[year] = fingerprints(job.key, year, members(year, job.agencies))
            _JOB = job  # forked workers see it without pickling
            self._pool = fork_pool(min(jobs, len(paths)))
            # the largest first, so no worker idles at the end
            heavy_first = sorted(paths, key=lambda p: not p.endswith(("cells.json", "cells.csv")))
            self._results = {
                p: self._pool.apply_async(_write_in_worker, (p, self._splice[p]))
                for p in heavy_first
            }

    def __contains__(self, path: str) -> bool:
        return path in self._splice

    def take(self, path: str) -> None:
        """Wait for ``path`` (or write it now) and record its stamp."""
        splice = self._splice.pop(path)
        if self._pool is not None:
            stamp = self._results.pop(path).get()
        else:
            stamp = write_year_file(self._job, path, splice)
        self._writer.record(path, stamp)

    def close(self) -> None:
        global _JOB
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
        _JOB = None


def _write_in_worker(path: str, splice: bool) -> Stamp:
    assert _JOB is not None
    return write_year_file(_JOB, path, splice)


def _maker(path: str, year: int, agencies: list[Agency]) -> Callable[[], Output]:
    def make() -> Output:
        rows = members(year, agencies)
        name = path.rsplit("/", 1)[1]
        if name == "reports.xlsx":
            return Output(path, workbook(year, rows, rows[0][1].format if rows else None))
        return Output(path, LAYOUTS[name].whole(year, rows))

    return make


__all__ = ["YearFiles", "YearJob", "is_year_file", "year_files"]
