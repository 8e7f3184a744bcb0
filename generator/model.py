"""The nouns: site, agency, report and the values of its tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Protocol

from .formats import Format, all_formats

Value = int | Decimal

AGENCY_KINDS = {
    "government": "人民政府",
    "department": "政府部门",
    "township": "乡镇、街道",
}

# 《条例》第四十九条: departments publish by 1月31日, governments by 3月31日 of the next year;
# townships follow local rules, so they have no deadline here.
DEADLINES = {
    "department": (1, 31, "县级以上人民政府部门"),
    "government": (3, 31, "县级以上地方人民政府"),
}

NARRATIVE_FILES = {
    "preface": "preface.md",
    "overview": "overview.md",
    "problems": "problems.md",
    "other": "other.md",
}


@dataclass(frozen=True)
class Loc:
    """Where a value is written: the file as shown to the user, 1-based line and column."""

    path: str
    line: int
    column: int


@dataclass(frozen=True)
class ProcessingFees:
    """信息处理费, stated in section 六."""

    notices: int
    noticed_amount: Decimal
    collected: Decimal


@dataclass(frozen=True)
class Revision:
    """A correction made after publication: when, what changed, why (更正说明)."""

    date: dt.date
    what: str
    why: str


@dataclass
class Report:
    agency: str  # the agency's slug
    year: int
    format: Format
    path: str  # report.yaml as shown to the user
    cells: dict[str, Value]  # every cell: the given ones and the computed totals
    # (line, column) of the cells written in report.yaml: read through positions()
    locs: dict[str, tuple[int, int]]
    units: dict[str, str] = field(default_factory=dict)  # e.g. procurement amount: 万元
    published: dt.date | None = None
    carry_over_note: str | None = None
    processing_fees: ProcessingFees | None = None
    revisions: tuple[Revision, ...] = ()  # oldest first, as written
    narratives: dict[str, str] = field(default_factory=dict)  # overview → Markdown source
    anchor: Loc | None = None  # the top of report.yaml, for problems about the whole report
    # what ``locs`` is made from when first asked (reportfast leaves the positions of a
    # report with no problem unworked: a clean build never reads them); None: made
    later: Later | None = field(default=None, compare=False, repr=False)

    def positions(self) -> dict[str, tuple[int, int]]:
        """``locs``, made now if left for later: read them through this."""
        if self.later is not None:
            self.locs, self.later = self.later.positions(), None
        return self.locs

    def loc(self, cell: str) -> Loc | None:
        pos = self.positions().get(cell)
        return Loc(self.path, *pos) if pos else None


class Later(Protocol):
    def positions(self) -> dict[str, tuple[int, int]]: ...


@dataclass(frozen=True)
class Summary:
    """What pages other than a report's own need of it: its key figures.

    Agency, year and home pages, and the next year's comparison, read summaries, so an
    incremental build can render them without loading every report again.
    """

    agency: str
    year: int
    format: str  # format id
    values: tuple[int | None, ...]  # one per key figure of the format, in its order

    def get(self, key: str) -> int | None:
        i = _figure_index(self.format).get(key)
        return None if i is None else self.values[i]


@cache
def _figure_index(format_id: str) -> dict[str, int]:
    return {k.key: i for i, k in enumerate(all_formats()[format_id].key_figures)}


@dataclass(frozen=True)
class Filed:
    """What the region's pages and data files need of a report: every cell of its format
    (``Format.cells`` order, as written: "" when absent), its published date and units.

    Kept in the manifest, so year pages, totals, indicators, the per-year data files and
    the feed are made without loading every report again."""

    year: int
    format: str  # format id
    published: str  # ISO date, or ""
    values: str  # the cells' texts joined by ","
    units: tuple[tuple[str, str], ...] = ()  # (cell id, unit) of money cells given a unit
    revisions: tuple[tuple[str, str, str], ...] = ()  # (ISO date, what, why), oldest first

    def texts(self) -> list[str]:
        return self.values.split(",")


@dataclass
class Agency:
    slug: str
    name: str
    kind: str
    path: str  # agency.yaml as shown to the user
    short_name: str | None = None
    group: str | None = None
    order: int | None = None
    contact: dict[str, str] = field(default_factory=dict)
    since: int | None = None  # first year a report is expected (default: its first report)
    until: int | None = None  # last year a report is expected (merged or abolished)
    reports: dict[int, Report] = field(default_factory=dict)  # the reports loaded this run
    summaries: dict[int, Summary] = field(default_factory=dict)  # every year's, always
    # every year's narrative sketches (review.copying), compared across agencies
    sketches: dict[int, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    filed: dict[int, Filed] = field(default_factory=dict)  # every year's, always

    @property
    def years(self) -> list[int]:
        return sorted(self.summaries)

    @property
    def sort_key(self) -> tuple[int, str, str]:
        return (self.order if self.order is not None else 1_000_000, self.name, self.slug)


@dataclass
class Site:
    title: str
    region: str
    base_url: str = "/"
    url: str | None = None
    footer: dict[str, str] = field(default_factory=dict)
    license: str | None = None  # the data files' licence line, shown on /data/
    search: bool = False  # build a Pagefind search index and page
    search_at: tuple[int, int] = (1, 1)  # site.yaml's line and column of ``search:``
    word: bool = False  # a Word document beside each report page (site.yaml ``word: true``)
    agencies: dict[str, Agency] = field(default_factory=dict)
    portal: dict[str, str] = field(default_factory=dict)  # host portal's page metadata
