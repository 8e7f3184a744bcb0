"""A year's tidy files (cells.csv, cells.json) in parts, when its rows are too many for one.

Excel and WPS open at most 1,048,576 rows, and at 100,000 reports (14,300 a year, some
200 rows each) a year's long table is some 2.9 million: a year with more than
``PART_ROWS`` rows is published as ``cells-001.csv`` … and ``cells-001.json`` …, each a
whole file (its head, its rows, its tail) holding whole reports: greedily in the file's
order of reports, a part takes the next report while its rows stay within ``PART_ROWS``
(a report longer than that alone is a part of its own). A year within the limit keeps
its one ``cells.csv`` and ``cells.json``.

The parts depend only on each report's format (its number of rows: every cell of the
format is a row) in order, so a value edit changes no boundary and rewrites one part; they
are known from the agencies' facts, without making any agency.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from ..formats import all_formats

PART_ROWS = 1_000_000  # data rows at most in one tidy file (Excel's sheet: 1,048,576)
TIDY = ("cells.csv", "cells.json")
OTHERS = ("summary.csv", "reports.xlsx")


@cache
def tidy_rows(format_id: str) -> int:
    """A report's rows in a tidy file: one per cell of its format."""
    return len(all_formats()[format_id].cells)


def part_ranges(formats: Sequence[str]) -> list[tuple[int, int]]:
    """The reports (as [start, stop) of ``formats``, each report's format in file order)
    of each part; one range for a year within ``PART_ROWS``."""
    limit = PART_ROWS  # (read on each call: tests set a small limit)
    counts = list(map(tidy_rows, formats))
    if sum(counts) <= limit:
        return [(0, len(counts))]
    ranges, start, rows = [], 0, 0
    for i, n in enumerate(counts):
        if rows and rows + n > limit:
            ranges.append((start, i))
            start, rows = i, 0
        rows += n
    ranges.append((start, len(counts)))
    return ranges


def tidy_names(parts: int) -> list[str]:
    """The tidy files' names of a year in ``parts`` parts: the CSVs, then the JSONs."""
    if parts <= 1:
        return list(TIDY)
    width = max(3, len(str(parts)))
    return [f"cells-{k:0{width}d}.{ext}" for ext in ("csv", "json") for k in range(1, parts + 1)]


def year_data_paths(year: int, formats: Sequence[str]) -> list[str]:
    """A year's data files, its reports' formats in file order given."""
    folder = f"data/{year}/"
    names = [*tidy_names(len(part_ranges(formats))), *OTHERS]
    return [folder + name for name in names]


def part_of(name: str) -> tuple[str, int] | None:
    """A tidy file's name as (the unsplit file's name, its part's number from 1; 0: the
    whole year's); None for any other name."""
    if name in TIDY:
        return name, 0
    stem, _, ext = name.partition(".")
    number = stem[6:]
    whole = f"cells.{ext}"
    if stem.startswith("cells-") and whole in TIDY and len(number) >= 3 and number.isdigit():
        return (whole, int(number)) if int(number) >= 1 else None
    return None


def is_data_name(name: str) -> bool:
    """Whether ``name`` is a year data file's name (any part of a tidy file)."""
    return name in OTHERS or part_of(name) is not None


def tidy_links(paths: Sequence[str]) -> list[tuple[str, str, int, int]]:
    """The tidy files among a year's ``paths``, in order, as (path, "CSV" or "JSON", the
    part's number from 1 (0: the whole year's file), how many parts)."""
    known = [(p, part_of(p.rsplit("/", 1)[1])) for p in paths]
    tidy = [(p, k) for p, k in known if k is not None]
    parts = sum(1 for _, k in tidy if k[0] == "cells.csv")
    return [(p, k[0][6:].upper(), k[1], parts) for p, k in tidy]
