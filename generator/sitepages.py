"""The pages about many agencies: home, year pages and their data files, the data page,
feed, search page, 404, assets, sitemap and (asked for) the review page. Each is rendered
only when its fingerprint changed; the year files are written by worker processes
meanwhile."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from . import trendcache, yearmodel
from .agencyfacts import Facts, in_order, index_text, years_of
from .agencyrecord import AgencyRecord, feed_text
from .exports import YearFiles, YearJob, is_year_file, year_files
from .exports.parts import year_data_paths
from .exports.year_files import LazyMembers
from .feed import FEED_PATH, feed
from .lazyrender import LazyRenderer
from .model import Agency, Site
from .outputs import Output, year_path
from .pagekeys import data_key, page_fingerprint
from .problems import Problem, sort_problems
from .region import YearFigures, data_page, search_page, trend_of
from .review.copying import (
    Pair,
    Sketches,
    candidates,
    candidates_after,
    copy_problems,
    similarities,
)
from .search import SEARCH_PAGE
from .sources import digest
from .write import Writer
from .yearmodel import YearModel, year_model


class Agencies:
    """Every agency in display order, made from the records (their bodies unpacked) only
    when a page about many agencies is rendered again or digested afresh."""

    def __init__(self, records: dict[str, AgencyRecord], made: list[Agency] | None = None):
        self.records = records
        self.ordered = in_order((slug, r.facts) for slug, r in records.items())
        self.made = made
        self._years: list[int] | None = None
        self._reports: dict[int, tuple[list[str], list[str]]] | None = None

    def years(self) -> list[int]:
        """coverage.region_years of them."""
        if self._years is None:
            self._years = years_of(f for _, f in self.ordered)
        return self._years

    def __call__(self) -> list[Agency]:
        if self.made is None:
            agencies = [self.records[slug].agency for slug, _ in self.ordered]
            self.made = [a for a in agencies if a is not None]
        return self.made

    def facts(self) -> list[Facts]:
        return [f for _, f in self.ordered]

    def one(self, slug: str) -> Agency:
        """One agency (only its record unpacked: yearmodel asks for the changed ones)."""
        agency = self.records[slug].agency
        assert agency is not None  # in ``ordered``: read
        return agency

    def made_from(self, slug: str) -> str:
        """What the agency was read from: its record's digest."""
        return self.records[slug].digest

    def reports(self, year: int) -> tuple[list[str], list[str]]:
        """The slugs and formats of the year's reports, in display order (from the facts:
        ~15 ms for all years at 100,000 reports, on every build: the data files' paths)."""
        if self._reports is None:
            self._reports = {}
            for slug, f in self.ordered:
                for y, format_id in zip(f.filed, f.formats, strict=True):
                    slugs, formats = self._reports.setdefault(y, ([], []))
                    slugs.append(slug)
                    formats.append(format_id)
        return self._reports.get(year, ([], []))

    def year_members(self, year: int) -> LazyMembers:
        """exports.year_files.members of the year, each agency made only when asked for."""
        slugs, formats = self.reports(year)
        return LazyMembers(year, slugs, self.one, formats)

    def data_paths(self, year: int) -> list[str]:
        """The year's data files (a large year's tidy files in parts: exports.parts)."""
        return year_data_paths(year, self.reports(year)[1])


def site_pages(
    site: Site,
    agencies: Agencies,
    key: str,
    before: dict[str, str],
    renderer: LazyRenderer,
    writer: Writer,
    review: tuple[list[Problem], str] | None = None,
    jobs: int = 1,
    state: Path | None = None,
    kept: dict[int, str] | None = None,
) -> tuple[dict[str, str], int]:
    """Home, year pages, 404, assets and sitemap (and, asked for, the review page, which
    the sitemap leaves out): render those whose inputs changed. ``kept``: year pages'
    fingerprints known to be unchanged (_year_digests_kept)."""
    pages: list[tuple[str, str, Callable[[], Output | None]]] = []
    years = agencies.years()
    kept = kept or {}
    # what a year's page and data files are made from (a plain string: 10,000 dataclass
    # reprs cost a tenth of a warm build)
    # data files are made with the data key alone; pages add their templates' (pagekeys)
    data = data_key(key)
    models: dict[int, YearModel] = {}

    def model(year: int) -> YearModel:
        """The year made from its reports' entries, only the changed ones made again."""
        if year not in models:
            models[year] = year_model(
                year, agencies.ordered, agencies.made_from, agencies.one, site.region, state, data
            )
        return models[year]

    year_digests = {y: kept.get(y) or digest(data, "year", model(y).digest_text) for y in years}
    files = {year: agencies.data_paths(year) for year in years}
    if models:  # a year changed: forget what is kept of those no longer in the site
        yearmodel.prune(state, years)
        from .exports.piece_records import prune_records  # here: see exports.year_write

        prune_records(state, years, [path for paths in files.values() for path in paths])
    index = index_text(agencies.ordered)
    figures = _trend_figures(year_digests, state, model)
    home_data = digest(data, "home", index, repr(years), repr(sorted(figures.items())))
    home = page_fingerprint(home_data, key, "home")
    # the list of agencies: kept while the index is (homelist), unpacking none of them
    listed = (state, page_fingerprint(digest(data, "home list", index), key, "home"))
    pages.append(
        (
            "index.html",
            home,
            lambda: renderer.renderer.home(site, agencies, trend_of(site, figures), years, listed),
        )
    )
    for year in years:
        # (the pages link the year's files: how many parts its tidy files have)
        linked = digest(year_digests[year], *files[year])
        year_page_fingerprint = page_fingerprint(linked, key, "year")
        make_year = _year(renderer, site, year, model, state, data, files[year])
        pages.append((year_path(year), year_page_fingerprint, make_year))
        pages.extend(
            (path, year_digests[year], _year_file(year, path, agencies, year_digests[year]))
            for path in files[year]
        )
    # lists years and their files, links a report
    data_digest = digest(data, "data", repr(years), index, repr(files))
    pages.append(
        (
            "data/index.html",
            page_fingerprint(data_digest, key, "data"),
            lambda: renderer.page(data_page(site, agencies(), files), "data.html"),
        )
    )
    entries = feed_text(agencies.records.values())  # decodes a few agencies' entries
    pages.append((FEED_PATH, digest(data, "feed", entries), lambda: feed(site, agencies())))
    if site.search:  # the index itself is made by `nianbao build` (search.py), not here
        page = lambda: renderer.page(search_page(site), "search.html")  # noqa: E731
        pages.append((SEARCH_PAGE, page_fingerprint(digest(data), key, "search"), page))
    pages.append(
        ("404.html", page_fingerprint(digest(data), key, "404"), lambda: renderer.not_found(site))
    )
    for asset in renderer.assets():
        fingerprint = digest(data, asset.path, digest(asset.data))
        pages.append((asset.path, fingerprint, _given(asset)))
    if site.url:  # (no sort of 500,000 paths on every build, nor a walk of them on an edit)
        own = [p for p, _, _ in pages]
        pages.append(
            (
                "sitemap.xml",
                _sitemap_fingerprint(agencies, own, data),
                lambda: _sitemap(site, _sitemap_paths(agencies, own)),
            )
        )
    if review is not None:
        pages.append(_review_page(site, agencies(), key, renderer, *review))
    fingerprints = {path: fingerprint for path, fingerprint, _ in pages}
    due = [(path, make) for path, fingerprint, make in pages if before.get(path) != fingerprint]
    year_data = [path for path, _ in due if is_year_file(path)]
    # (the year files make only the agencies whose rows they make again: LazyMembers)
    job = YearJob(
        [], writer.root, writer.atomic, state, data, {}, agencies.made_from, agencies.year_members
    )
    year_files_due = YearFiles(job, year_data, set(before), writer, jobs)
    try:
        # the other pages are made while the workers write the year files
        made = {path: None if path in year_files_due else make() for path, make in due}
        rendered = 0
        for path, _ in due:
            if path in year_files_due:
                year_files_due.take(path)
                rendered += 1
            elif (output := made[path]) is not None:
                writer.write(output)
                rendered += 1
    finally:
        year_files_due.close()
    return fingerprints, rendered


def _trend_figures(
    year_digests: dict[int, str], state: Path | None, model: Callable[[int], YearModel]
) -> dict[int, YearFigures]:
    """Each year's trend figures: kept (trendcache) for a year whose data is unchanged,
    worked out for the others (from the sums its page shows: one sum for both)."""
    kept = trendcache.read(state)
    figures = {}
    for year, year_digest in year_digests.items():
        if year_digest in kept:
            figures[year] = kept[year_digest]
        else:
            figures[year] = model(year).figures()
    now = {year_digests[year]: figured for year, figured in figures.items()}
    if now != kept:
        trendcache.write(state, now)
    return figures


def _review_page(
    site: Site,
    agencies: list[Agency],
    key: str,
    renderer: LazyRenderer,
    problems: list[Problem],
    shown: str,
) -> tuple[str, str, Callable[[], Output | None]]:
    from .review import page

    state = repr([(a.slug, a.name, a.kind, a.since, a.until, a.filed) for a in agencies])
    base = digest(data_key(key), "review", state, repr(sort_problems(problems)))
    fingerprint = page_fingerprint(base, key, "review")
    return (
        page.PATH,
        fingerprint,
        lambda: page.render(
            renderer.renderer, page.review_page(site, agencies, sort_problems(problems), shown)
        ),
    )


def _sitemap_paths(agencies: Agencies, own: list[str]) -> list[str]:
    """Every page, in an order fixed by the content (sitemap() sorts what it lists): the
    agencies' pages, then ``own`` (the pages about many agencies)."""
    return [p for r in agencies.records.values() for p in r.pages] + own


def _sitemap_fingerprint(agencies: Agencies, own: list[str], data: str) -> str:
    """The sitemap's: each agency's paths by their digest (none decoded unless the sitemap
    is made; joining them is ~2 ms at 14,300 agencies), then ``own``."""
    each = "\n".join([*(r.paths_digest for r in agencies.records.values()), *own])
    return digest(data, "sitemap", each)


def _sitemap(site: Site, paths: list[str]) -> Output | None:
    from .render import sitemap  # with Jinja's markupsafe: only when a page is added or gone

    return sitemap(site, paths)


def _year(
    renderer: LazyRenderer,
    site: Site,
    year: int,
    model: Callable[[int], YearModel],
    state: Path | None,
    data: str,
    files: list[str],
) -> Callable[[], Output]:
    def make() -> Output:
        from .yearrows import year_page_kept  # with Jinja: only when a year page is rendered

        page = year_page_kept(site, model(year), renderer.renderer.env, state, data)
        page.files = files
        return renderer.page(page, "year.html")

    return make


def _year_file(
    year: int, path: str, agencies: Agencies, fingerprint: str
) -> Callable[[], Output | None]:
    """A year file's make (a build writes them with YearFiles instead)."""

    def make() -> Output | None:
        made = {p: m for p, _, m in year_files(year, agencies(), fingerprint)}
        return made[path]()

    return make


def _given(output: Output) -> Callable[[], Output]:
    return lambda: output


def agencies_compared(
    records: dict[str, AgencyRecord],
    problems: list[Problem],
    known: dict[Pair, float] | None = None,
    changed: Collection[str] = (),
    before: dict[str, AgencyRecord] | None = None,
    prefix: str = "",
) -> tuple[Agencies, dict[Pair, float]]:
    """The agencies in order, with what R7 finds copied across them added to ``problems``
    (their folders, kept relative, shown under ``prefix``: siteyaml.content_prefix), and
    each candidate pair's similarity: ``known`` (the last build's, whose records are
    ``before``) for a pair of agencies not ``changed`` since."""
    agencies = Agencies(records)
    pairs: Iterable[Pair]
    # the last build's pairs, with those the changed agencies' anchors make or unmake: the
    # unchanged agencies' records are the last build's own, so with the same agencies in
    # the same order (a list of names compared in C: ~1 ms at 14,300) only the changed
    # ones are looked at, not every agency's anchors on every edit
    if known is not None and before is not None and list(records) == list(before):
        moved = {
            slug: (before[slug].facts.anchors, records[slug].facts.anchors)
            for slug in changed
            if before[slug].facts.anchors != records[slug].facts.anchors
        }
        pairs = known.keys()
        if moved:
            pairs = candidates_after(pairs, ((s, f.anchors) for s, f in agencies.ordered), moved)
    else:
        pairs = candidates((slug, f.anchors) for slug, f in agencies.ordered)
    similar = similarities(pairs, lambda slug: _sketches(records[slug]), known, changed)
    by_slug = dict(agencies.ordered)
    problems.extend(
        copy_problems(similar, lambda slug: (by_slug[slug].name, prefix + by_slug[slug].folder))
    )
    return agencies, similar


def _sketches(record: AgencyRecord) -> Sketches:
    assert record.agency is not None  # only an agency read has anchors
    return record.agency.sketches


def report_count(records: dict[str, AgencyRecord]) -> int:
    return sum(r.facts.reports for r in records.values())


def page_count(records: dict[str, AgencyRecord], site_pages: dict[str, str]) -> int:
    return sum(r.page_total for r in records.values()) + len(site_pages)
