"""Who is expected to publish each year, who has not, and the region's totals.

An agency is expected every year from ``since:`` (default: its first report) until
``until:`` (default: the region's latest year), since agencies are created, merged and
abolished. A year's totals add up every count cell of tables 三 and 四 over the reports
published, for each ``group`` and for the region, so the sums obey the same rules (V1–V4)
as each report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from typing import Generic, TypeVar

from .exports.layout import cell_fields
from .model import Agency, Filed

OTHER_GROUP = "其他机构"  # the home page's heading for agencies without a group
SUMMED_TABLES = ("requests", "appeals")


def region_years(agencies: list[Agency]) -> list[int]:
    """Every year with a report or with an agency expected to publish, newest first."""
    years: set[int] = set()
    latest = max((y for a in agencies for y in a.filed), default=None)
    for a in agencies:
        years.update(a.filed)
        first = expected_from(a)
        if first is None:
            continue
        if latest is not None:
            years.update(range(first, _last(a, latest) + 1))
    return sorted(years, reverse=True)


def expected_from(agency: Agency) -> int | None:
    if agency.since is not None:
        return agency.since
    return min(agency.filed, default=None)


def expected(agency: Agency, year: int, latest: int) -> bool:
    first = expected_from(agency)
    if first is None:
        return False
    return first <= year <= _last(agency, latest) or year in agency.filed


def _last(agency: Agency, latest: int) -> int:
    """The last year expected: ``until``, but never past the region's latest report."""
    return min(agency.until, latest) if agency.until is not None else latest


@dataclass
class Totals:
    """The sums of a set of reports of one year (all in one format)."""

    name: str
    format: str | None = None
    reports: int = 0
    cells: dict[str, int] = field(default_factory=dict)
    only: frozenset[str] | None = None  # sum just these cells (the home page's indicators)

    def add(self, record: Filed) -> None:
        self.add_all([record])

    def add_all(self, records: list[Filed]) -> None:
        """Add up the records' cells column by column: a year of a province is 15,000
        records of ~100 summed cells, so a cell is read once, not looked up per record."""
        if not records:
            return
        if self.format is None:
            self.format = records[0].format
        fmt = self.format
        same = [r for r in records if r.format == fmt]  # V7: a year uses one format
        self.reports += len(same)
        summed = summed_cells(fmt, self.only)
        if not summed or not same:
            return
        pick = itemgetter(*(i for i, _ in summed))
        rows = [pick(r.texts()) for r in same]
        if len(summed) == 1:
            rows = [(row,) for row in rows]  # itemgetter of one index gives the item
        cells = self.cells
        for (_, cid), column in zip(summed, zip(*rows, strict=True), strict=True):
            given = [text for text in column if text]
            if given:
                cells[cid] = cells.get(cid, 0) + sum(map(int, given))


@cache
def summed_cells(format_id: str, only: frozenset[str] | None) -> tuple[tuple[int, str], ...]:
    """(position in a light record, cell id) of the count cells of tables 三 and 四."""
    return tuple(
        (i, f.id)
        for i, f in enumerate(cell_fields(format_id))
        if f.table in SUMMED_TABLES and f.type == "count" and (only is None or f.id in only)
    )


# A count as record texts write it (value_text of an int): its own str(int()) already
# (possessive: a count never gives back a digit, nor the list a count; half the time of
# the plain pattern on a record's 190 counts)
_PLAIN_COUNTS = re.compile(r"(?:-?[1-9][0-9]*+|0)?+(?:,(?:-?[1-9][0-9]*+|0)?+)*+")


def summed_text(texts: list[str], positions: tuple[int, ...]) -> str:
    """The texts at ``positions``, each a count written plainly (``str(int(t))``; "" stays
    ""), joined by ",". Counts are written so already: they are joined as they are, one
    check for all (a Python call per cell, some 190 a report, was a third of entry_of)."""
    if not positions:
        return ""
    joined = ",".join(itemgetter(*positions)(texts)) if len(positions) > 1 else texts[positions[0]]
    if _PLAIN_COUNTS.fullmatch(joined):
        return joined
    return ",".join(str(int(texts[i])) if texts[i] else "" for i in positions)


@cache
def summed_positions(format_id: str) -> tuple[int, ...]:
    """summed_cells' positions in a light record, alone."""
    return tuple(i for i, _ in summed_cells(format_id, None))


# The agencies as the year's page lists them: each an Agency, or yearmodel's Listed (its slug
# and name, all the page needs) when the year is made from kept entries.
Member = TypeVar("Member")


@dataclass
class Coverage(Generic[Member]):
    """One year of the region: who published, who did not, and the sums."""

    year: int
    published: list[Member]  # display order
    missing: list[Member]  # expected, not published; display order
    region: Totals
    groups: list[Totals]  # in the order groups first appear

    @property
    def expected(self) -> int:
        return len(self.published) + len(self.missing)

    @property
    def included_text(self) -> str:
        """N of M, as the year page says it."""
        return f"应公开年报的 {self.expected} 个机关中，已公开 {len(self.published)} 个"


def coverage(
    year: int, agencies: list[Agency], region: str, only: frozenset[str] | None = None
) -> Coverage[Agency]:
    """``agencies`` in display order (Agency.sort_key); ``only`` limits the sums."""
    latest = max((y for a in agencies for y in a.filed), default=year)
    latest = max(latest, year)
    published, missing = [], []
    members: dict[str, list[Filed]] = {}  # group → its records, groups in order of appearance
    for a in agencies:
        record = a.filed.get(year)
        if record is not None:
            published.append(a)
            members.setdefault(a.group or OTHER_GROUP, []).append(record)
        elif expected(a, year, latest):
            missing.append(a)
    region_totals = Totals(f"{region}合计", only=only)
    groups = []
    for name, records in members.items():
        totals = Totals(name, only=only)
        totals.add_all(records)
        groups.append(totals)
    records = [a.filed[year] for a in published]
    if groups and all(g.format == records[0].format for g in groups):
        # the region's sums are its groups' sums (integers: exact in any order)
        region_totals.format = records[0].format
        for g in groups:
            region_totals.reports += g.reports
            for cid, value in g.cells.items():
                region_totals.cells[cid] = region_totals.cells.get(cid, 0) + value
    else:
        region_totals.add_all(records)
    return Coverage(year, published, missing, region_totals, groups)


def years_changed(before: Agency | None, after: Agency | None) -> set[int] | None:
    """The years whose pages and files an edit of one agency changes (what
    ``yearmodel`` digests of a year), or None for every year: a new name, group, order or
    since/until, or a year's report added or removed, moves the agency on every year page."""
    if before is None or after is None:
        return None
    if _placing(before) != _placing(after) or before.filed.keys() != after.filed.keys():
        return None
    return {year for year, record in after.filed.items() if before.filed[year] != record}


def _placing(a: Agency) -> tuple[object, ...]:
    """What puts an agency on a year page, and where: name, group, order, expected years."""
    return (a.slug, a.name, a.group, a.order, a.since, a.until)
