"""Open data: every report's cells as files (JSON, CSV, Excel), per report and per year.

``report_files`` writes a report's own files beside its page; ``year_files`` the region's
files, one set per year; ``command`` writes all of them without the site.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from multiprocessing.pool import AsyncResult, Pool

from ..model import Agency
from ..render import Output
from .year_files import (
    Members,
    members,
    summary_csv,
    tidy_csv,
    tidy_json,
    workbook,
    year_data_paths,
)

Make = Callable[[int, Members], bytes]


def _summary(year: int, rows: Members) -> bytes:
    return summary_csv(year, rows, rows[0][1].format if rows else None)


def _workbook(year: int, rows: Members) -> bytes:
    return workbook(year, rows, rows[0][1].format if rows else None)


MAKERS: tuple[Make, ...] = (tidy_csv, tidy_json, _summary, _workbook)  # year_data_paths order


def year_files(
    year: int, agencies: list[Agency], fingerprint: str
) -> list[tuple[str, str, Callable[[], Output | None]]]:
    """A year's data files as (path, fingerprint, make): made only when the year changed."""
    return [
        (path, fingerprint, _maker(path, make, year, agencies))
        for path, make in zip(year_data_paths(year), MAKERS, strict=True)
    ]


def year_file_task(path: str) -> tuple[int, int] | None:
    """(year, maker) of a year's data file, for ``YearFilePool``; None for any other path."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != "data" or not parts[1].isdigit():
        return None
    year = int(parts[1])
    paths = year_data_paths(year)
    return (year, paths.index(path)) if path in paths else None


_AGENCIES: list[Agency] | None = None  # what forked workers make the files from


class YearFilePool:
    """Makes year data files in forked worker processes while the caller renders the other
    pages: a year's files are the largest single pieces of a build (300,000 cells)."""

    def __init__(self, agencies: list[Agency], paths: list[str], jobs: int) -> None:
        global _AGENCIES
        _AGENCIES = agencies  # forked workers see it without pickling
        context = multiprocessing.get_context("fork")
        self._pool: Pool = context.Pool(min(jobs, len(paths)), initializer=_ignore_ctrl_c)
        # the workbooks are the slowest: handed out first, so no worker idles at the end
        heavy_first = sorted(paths, key=lambda p: not p.endswith(".xlsx"))
        self._results: dict[str, AsyncResult[bytes]] = {
            p: self._pool.apply_async(_make_year_file, (p,)) for p in heavy_first
        }

    def __contains__(self, path: str) -> bool:
        return path in self._results

    def take(self, path: str) -> Output:
        return Output(path, self._results.pop(path).get())

    def close(self) -> None:
        global _AGENCIES
        self._pool.terminate()
        self._pool.join()
        _AGENCIES = None


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool (build.py)


def _make_year_file(path: str) -> bytes:
    task = year_file_task(path)
    assert task is not None and _AGENCIES is not None
    year, index = task
    return MAKERS[index](year, members(year, _AGENCIES))


def _maker(path: str, make: Make, year: int, agencies: list[Agency]) -> Callable[[], Output]:
    return lambda: Output(path, make(year, members(year, agencies)))
