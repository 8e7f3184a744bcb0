"""A year's page, totals and trend figures made from one entry per report, kept in the
build state (one file per year) under the agency and its record's digest.

What the year page reads of a report (its key figures as shown, its indicators, the
cells its totals add up) is worked out once and kept. After an edit only the changed
agencies' entries are made again: the other agencies are not even unpacked from the
build record (at 10,000 reports that unpacking cost more than the page). The record's
digest names everything the agency was read from, and the file names the build's data
key, so a kept entry is right for any build that finds it; anything odd about the file
means "nothing kept". The page is the one ``region.year_page`` makes from the agencies
(tests/test_year_model.py), and the totals the same sums (integers: in any order).
"""

from __future__ import annotations

from ast import literal_eval
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple, overload

from .agencyfacts import Facts
from .contentfiles import digest
from .coverage import OTHER_GROUP, Coverage, Totals, summed_cells, summed_positions, summed_text
from .figures import summary_values
from .formats import Format, all_formats
from .indicators import Measured, measure_record
from .model import Agency, Site
from .records import framed, replace_file, unframed
from .region import (
    Listed,
    RankRow,
    YearFigures,
    YearPage,
    YearRow,
    _rank,
    _trend_cells,
    year_frame,
)
from .tables import display

FOLDER = "year-model"
ROWS_FOLDER = "year-rows"  # each report's rows of its year page (yearrows.year_page_kept)
MAGIC = b"nianbao year model 2\n"
# The kept entries (and rows, yearrows) are written again once more than this many were
# made afresh: a few changed reports' are made again by the next build from their records
# (their kept ones, and the sums kept with them, still agree with each other), rather than
# every edit rewriting the year's whole file (1 MB at 10,000 reports, 10 at 100,000).
REWRITE_AFTER = 32


class Entry(NamedTuple):
    """One report's part of its year's page and totals."""

    made_from: str  # the agency record's digest
    name: str
    group: str | None
    format: str
    shown: tuple[str, ...] | None  # its key figures as shown; None: no summary
    measured: tuple[str | None, ...]  # its indicators (Decimal as text), by its own format
    summed: str  # the cells totals add up (coverage.summed_cells), joined by ","; "": blank
    line: str  # digest of what the year's digest reads of it (``year_model``)


def entry_of(made_from: str, agency: Agency, year: int) -> Entry:
    record = agency.filed[year]
    summary = agency.summaries.get(year)
    shown = None if summary is None else tuple(display(v) for v in summary_values(summary))
    fmt = all_formats().get(record.format)
    measured = () if fmt is None else tuple(_text(m) for m in measure_record(fmt, record))
    summed = summed_text(record.texts(), summed_positions(record.format))
    line = (
        f"{agency.slug}\t{agency.name}\t{agency.group}\t{record.format}\t{record.published}\t"
        f"{record.units}\t{record.values}"
    )
    return Entry(
        made_from, agency.name, agency.group, record.format, shown, measured, summed, digest(line)
    )


def _numbers(entry: Entry) -> list[int | None]:
    """The entry's summed cells as numbers (None: blank)."""
    if not summed_cells(entry.format, None):
        return []
    return [int(t) if t else None for t in entry.summed.split(",")]


def _text(m: Measured) -> str | None:
    return None if m.value is None else str(m.value)


@dataclass
class YearModel:
    """A year made from its entries: enough for its page, digest and trend figures."""

    year: int
    entries: list[tuple[str, Entry]]  # the reports, in display order
    coverage: Coverage[Listed]
    digest_text: str  # what the year's page and files are made from (with the data key)
    agency: Callable[[str], Agency]  # an agency by slug, made when a page needs one

    def figures(self) -> YearFigures:
        """region.year_figures of the year."""
        region = self.coverage.region
        if region.format is None:
            return None
        needed = _trend_cells()
        cells = {k: v for k, v in region.cells.items() if k in needed}
        return (region.format, len(self.coverage.published), self.coverage.expected, cells)


def year_model(
    year: int,
    ordered: list[tuple[str, Facts]],
    made_from: Callable[[str], str],
    agency: Callable[[str], Agency],
    region: str,
    state: Path | None,
    data: str,
) -> YearModel:
    """The year of the agencies ``ordered`` (display order, as Agencies keeps them):
    ``made_from`` gives an agency's record digest, ``agency`` the agency (asked only for
    those whose entry is not kept). Its ``digest_text`` reads, of each report, the digest
    of its agency's slug, name and group and its format, date, units and cells, and of
    each agency expected but missing its slug, name and group: what an edit changes
    (coverage.years_changed)."""
    kept, kept_sums = _read(state, year, data)
    latest = max((max(f.filed) for _, f in ordered if f.filed), default=year)
    entries: list[tuple[str, Entry]] = []
    missing: list[Listed] = []
    lines: list[str] = []
    changed: list[tuple[Entry, Entry]] = []  # (kept, made now) of the same agency
    made = 0
    for slug, f in ordered:
        if year in f.filed:
            source = made_from(slug)
            entry = was = kept.get(slug)
            if entry is None or entry.made_from != source:
                entry = entry_of(source, agency(slug), year)
                made += 1
                if was is not None:
                    changed.append((was, entry))
            entries.append((slug, entry))
            lines.append(entry.line)
        elif _expected(f, year, latest):
            missing.append(Listed(slug, f.name))
            group = literal_eval(f.entry)[2]  # (slug, name, group, order, years)
            lines.append(f"{slug}\t{f.name}\t{group}\tmissing")
    same_reports = made == len(changed) and list(kept) == [slug for slug, _ in entries]
    moved = _moved(kept_sums, changed) if same_reports else None
    sums = moved if moved is not None else _group_sums([e for _, e in entries])
    if moved is None or made > REWRITE_AFTER:
        _write(state, year, data, entries, sums)
    coverage = _coverage(year, entries, missing, region, sums)
    return YearModel(year, entries, coverage, "\n".join(lines), agency)


# A group's sums: its name, format, reports of that format, and per summed cell
# (coverage.summed_cells of the format) the sum and how many reports gave it.
GroupSums = tuple[str, str, int, list[int], list[int]]


def _group_sums(entries: list[Entry], one: str | None = None) -> list[GroupSums]:
    """Totals.add_all of each group's reports (groups in order of first appearance), or
    of all of them as the group ``one``."""
    members: dict[str, list[Entry]] = {}
    for e in entries:
        members.setdefault(one if one is not None else e.group or OTHER_GROUP, []).append(e)
    out = []
    for name, group in members.items():
        fmt = group[0].format
        same = [_numbers(e) for e in group if e.format == fmt]
        width = len(summed_cells(fmt, None))
        sums, counts = [0] * width, [0] * width
        for column, numbers in enumerate(zip(*same, strict=True) if same and width else ()):
            given = [v for v in numbers if v is not None]
            sums[column], counts[column] = sum(given), len(given)
        out.append((name, fmt, len(same), sums, counts))
    return out


def _moved(
    kept: list[GroupSums] | None, changed: list[tuple[Entry, Entry]]
) -> list[GroupSums] | None:
    """The kept group sums with each changed report's old figures taken out and its new
    ones added (integers: the full sums exactly), or None when an edit did more than
    change figures (a group or format changed: summed again)."""
    if kept is None:
        return None
    groups = {g[0]: (g[0], g[1], g[2], list(g[3]), list(g[4])) for g in kept}
    for was, now in changed:
        name = was.group or OTHER_GROUP
        if (now.group or OTHER_GROUP) != name or now.format != was.format or name not in groups:
            return None
        _, fmt, _, sums, counts = groups[name]
        if now.format != fmt:
            continue  # not summed in its group (V7)
        old, new = _numbers(was), _numbers(now)
        if len(old) != len(sums) or len(new) != len(sums):
            return None
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                sums[i] += (b or 0) - (a or 0)
                counts[i] += (b is not None) - (a is not None)
    return list(groups.values())


def _expected(f: Facts, year: int, latest: int) -> bool:
    """coverage.expected of an agency without a report that year, from its facts."""
    if f.first is None:
        return False
    last = min(f.until, latest) if f.until is not None else latest
    return f.first <= year <= last


def _coverage(
    year: int,
    entries: list[tuple[str, Entry]],
    missing: list[Listed],
    region: str,
    sums: list[GroupSums],
) -> Coverage[Listed]:
    """coverage.coverage, from the entries and their groups' sums: the same Totals."""
    groups = [_totals(*group) for group in sums]
    region_totals = Totals(f"{region}合计")
    if groups and all(g.format == entries[0][1].format for g in groups):
        region_totals.format = entries[0][1].format
        for g in groups:
            region_totals.reports += g.reports
            for cid, value in g.cells.items():
                region_totals.cells[cid] = region_totals.cells.get(cid, 0) + value
    elif entries:  # formats mixed (V7): the region's are its first report's format's
        (whole,) = _group_sums([e for _, e in entries], one=region_totals.name)
        region_totals = _totals(*whole)
    published = [Listed(slug, e.name) for slug, e in entries]
    return Coverage(year, published, missing, region_totals, groups)


def _totals(name: str, fmt: str, reports: int, sums: list[int], counts: list[int]) -> Totals:
    """A group's Totals (as Totals.add_all leaves them) from its sums."""
    totals = Totals(name, format=fmt, reports=reports)
    summed = summed_cells(fmt, None)
    totals.cells = {cid: sums[i] for i, (_, cid) in enumerate(summed) if counts[i]}
    return totals


def year_page_of(site: Site, model: YearModel) -> YearPage:
    """region.year_page of the model's year."""
    year, cov = model.year, model.coverage
    rows = [YearRow(Listed(slug, e.name), list(e.shown)) for slug, e in model.entries if e.shown]
    page, fmt = year_frame(site, year, cov, rows)
    if fmt is None:
        return page
    measured = []
    for slug, e in model.entries:
        if e.format == fmt.id and len(e.measured) == len(fmt.indicators):
            values = [
                Measured(i, _value(v)) for i, v in zip(fmt.indicators, e.measured, strict=True)
            ]
        else:  # a report of another format than the year's (V7): as the page measures it
            values = measure_record(fmt, model.agency(slug).filed[year])
        measured.append((Listed(slug, e.name), values))
    page.ranking = _rank(measured)
    return page


def _value(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def ranking_order(model: YearModel, fmt: Format) -> list[tuple[int | None, int]] | None:
    """region._rank of the model's reports as (rank, index in ``model.entries``), from
    each entry's kept first indicator alone; None when a report is of another format than
    the year's (the page measures it: year_page_of)."""
    ranked: list[tuple[Decimal, int]] = []
    unranked: list[int] = []
    for i, (_, e) in enumerate(model.entries):
        if e.format != fmt.id or len(e.measured) != len(fmt.indicators):
            return None
        first = e.measured[0] if e.measured else None
        if first is None:
            unranked.append(i)
        else:
            ranked.append((Decimal(first), i))
    ranked.sort(key=lambda r: -r[0])  # stable: equal values keep the display order
    out: list[tuple[int | None, int]] = []
    for n, (value, i) in enumerate(ranked, start=1):
        same = n > 1 and ranked[n - 2][0] == value
        out.append((out[-1][0] if same else n, i))
    out.extend((None, i) for i in unranked)
    return out


class KeptRanking(Sequence[RankRow]):
    """A year page's ranking (region._rank) in ``ranking_order``, each row made only when
    read: a page whose ranking rows are filled in (yearrows) never reads them, a template
    that loops over them (templates/ may override year.html) reads them all."""

    def __init__(self, model: YearModel, fmt: Format, order: list[tuple[int | None, int]]):
        self._model, self._fmt, self._order = model, fmt, order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, at: int) -> RankRow: ...
    @overload
    def __getitem__(self, at: slice) -> Sequence[RankRow]: ...
    def __getitem__(self, at: int | slice) -> RankRow | Sequence[RankRow]:
        if isinstance(at, slice):
            return [self._row(rank, i) for rank, i in self._order[at]]
        return self._row(*self._order[at])

    def _row(self, rank: int | None, i: int) -> RankRow:
        slug, e = self._model.entries[i]
        indicators = self._fmt.indicators
        values = [Measured(ind, _value(v)) for ind, v in zip(indicators, e.measured, strict=True)]
        return RankRow(rank, Listed(slug, e.name), values)


# ---------------------------------------------------------------------------------------
# The kept entries


def _path(state: Path, year: int) -> Path:
    return state / FOLDER / f"{year}.bin"


def _read(
    state: Path | None, year: int, data: str
) -> tuple[dict[str, Entry], list[GroupSums] | None]:
    if state is None:
        return {}, None
    try:
        key, kept, sums = unframed(MAGIC, _path(state, year).read_bytes())
        if key != data or not isinstance(kept, dict) or not isinstance(sums, list):
            return {}, None
        entries = {slug: Entry._make(e) for slug, e in kept.items()}
        if not all(isinstance(e.summed, str) for e in entries.values()):
            return {}, None
        return entries, [(n, f, r, list(s), list(c)) for n, f, r, s, c in sums]
    except Exception:  # absent, unreadable, damaged, another shape: nothing kept
        return {}, None


def _write(
    state: Path | None,
    year: int,
    data: str,
    entries: list[tuple[str, Entry]],
    sums: list[GroupSums],
) -> None:
    if state is None:
        return
    (state / FOLDER).mkdir(parents=True, exist_ok=True)
    plain = {slug: tuple(e) for slug, e in entries}
    replace_file(_path(state, year), framed(MAGIC, (data, plain, sums)))


def keep(
    state: Path | None,
    year: int,
    data: str,
    entries: list[tuple[str, Entry]],
    sums: list[GroupSums] | None = None,
) -> None:
    """Keep ``entries`` (made elsewhere: a cold build's workers; in display order) as
    ``year_model`` keeps those it makes, which then finds them all kept. ``sums``: their
    groups' sums, if added up already (yearsums)."""
    _write(
        state, year, data, entries, _group_sums([e for _, e in entries]) if sums is None else sums
    )


def numbers_of(entry: Entry) -> list[int | None]:
    """The entry's summed cells as numbers (None: blank), as its year's sums add them."""
    return _numbers(entry)


def prune(state: Path | None, years: Iterable[int]) -> None:
    """Remove the kept entries of years no longer in the site."""
    if state is None:
        return
    wanted = {f"{y}.bin" for y in years}
    for folder in (FOLDER, ROWS_FOLDER):
        try:
            names = [p for p in (state / folder).iterdir() if p.name not in wanted]
        except OSError:
            continue
        for path in names:
            path.unlink(missing_ok=True)
