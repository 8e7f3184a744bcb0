"""Who is expected to publish each year, who has not, and the region's totals.

An agency is expected every year from ``since:`` (default: its first report) until
``until:`` (default: the region's latest year), since agencies are created, merged and
abolished. A year's totals add up every count cell of tables 三 and 四 over the reports
published, for each ``group`` and for the region, so the sums obey the same rules (V1–V4)
as each report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

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
        if self.format is None:
            self.format = record.format
        elif self.format != record.format:
            return  # V7 makes every report of a year use one format
        self.reports += 1
        texts = record.texts()
        cells = self.cells
        for i, cid in _summed(record.format, self.only):
            if texts[i]:
                cells[cid] = cells.get(cid, 0) + int(texts[i])


@cache
def _summed(format_id: str, only: frozenset[str] | None) -> tuple[tuple[int, str], ...]:
    """(position in a light record, cell id) of the count cells of tables 三 and 四."""
    return tuple(
        (i, f.id)
        for i, f in enumerate(cell_fields(format_id))
        if f.table in SUMMED_TABLES and f.type == "count" and (only is None or f.id in only)
    )


@dataclass
class Coverage:
    """One year of the region: who published, who did not, and the sums."""

    year: int
    published: list[Agency]  # display order
    missing: list[Agency]  # expected, not published; display order
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
) -> Coverage:
    """``agencies`` in display order (Agency.sort_key); ``only`` limits the sums."""
    latest = max((y for a in agencies for y in a.filed), default=year)
    latest = max(latest, year)
    published, missing = [], []
    region_totals = Totals(f"{region}合计", only=only)
    groups: dict[str, Totals] = {}
    for a in agencies:
        record = a.filed.get(year)
        if record is not None:
            published.append(a)
            region_totals.add(record)
            name = a.group or OTHER_GROUP
            groups.setdefault(name, Totals(name, only=only)).add(record)
        elif expected(a, year, latest):
            missing.append(a)
    return Coverage(year, published, missing, region_totals, list(groups.values()))


def year_digest_text(year: int, agencies: list[Agency]) -> str:
    """Everything a year's page and files are made from, as one string to digest."""
    latest = max((max(a.filed) for a in agencies if a.filed), default=year)
    lines = []
    for a in agencies:
        record = a.filed.get(year)
        if record is not None:
            lines.append(
                f"{a.slug}\t{a.name}\t{a.group}\t{record.format}\t{record.published}\t"
                f"{record.units}\t{record.values}"
            )
        elif expected(a, year, latest):
            lines.append(f"{a.slug}\t{a.name}\t{a.group}\tmissing")
    return "\n".join(lines)
