"""Open data: every report's cells as files (JSON, CSV, Excel), per report and per year.

``report_files`` writes a report's own files beside its page; ``year_files`` the region's
files, one set per year; ``command`` writes all of them without the site.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _maker(path: str, make: Make, year: int, agencies: list[Agency]) -> Callable[[], Output]:
    return lambda: Output(path, make(year, members(year, agencies)))
