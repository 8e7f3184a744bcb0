"""The pages about many agencies: home, year pages and their data files, the data page,
feed, search page, 404, assets, sitemap and (asked for) the review page. Each is rendered
only when its fingerprint changed; the year files are written by worker processes
meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .coverage import region_years, year_digest_text
from .exports import YearFiles, YearJob, is_year_file, year_files
from .feed import FEED_PATH, digest_text, feed
from .lazyrender import LazyRenderer
from .manifest import AgencyRecord
from .model import Agency, Site
from .outputs import Output, year_path
from .pagekeys import data_key, page_fingerprint
from .problems import Problem, sort_problems
from .region import data_page, search_page, trend, year_page
from .review.copying import copies_across_agencies
from .search import SEARCH_PAGE
from .sources import digest
from .write import Writer


def site_pages(
    site: Site,
    agencies: list[Agency],
    key: str,
    records: dict[str, AgencyRecord],
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
    years = region_years(agencies)
    kept = kept or {}
    # what a year's page and data files are made from (a plain string: 10,000 dataclass
    # reprs cost a tenth of a warm build)
    # data files are made with the data key alone; pages add their templates' (pagekeys)
    data = data_key(key)
    year_digests = {
        y: kept.get(y) or digest(data, "year", year_digest_text(y, agencies)) for y in years
    }
    index = repr([(a.slug, a.name, a.group, a.order, a.years) for a in agencies])
    home = page_fingerprint(digest(data, "home", index, *year_digests.values()), key, "home")
    pages.append(("index.html", home, lambda: renderer.home(site, agencies, trend(site, agencies))))
    for year in years:
        year_page_fingerprint = page_fingerprint(year_digests[year], key, "year")
        pages.append(
            (year_path(year), year_page_fingerprint, _year(renderer, site, year, agencies))
        )
        pages.extend(year_files(year, agencies, year_digests[year]))
    data_digest = digest(data, "data", repr(years), index)  # lists years, links a report
    pages.append(
        (
            "data/index.html",
            page_fingerprint(data_digest, key, "data"),
            lambda: renderer.page(data_page(site, agencies), "data.html"),
        )
    )
    pages.append(
        (FEED_PATH, digest(data, "feed", digest_text(agencies)), lambda: feed(site, agencies))
    )
    if site.search:  # the index itself is made by `nianbao build` (search.py), not here
        page = lambda: renderer.page(search_page(site), "search.html")  # noqa: E731
        pages.append((SEARCH_PAGE, page_fingerprint(digest(data), key, "search"), page))
    pages.append(
        ("404.html", page_fingerprint(digest(data), key, "404"), lambda: renderer.not_found(site))
    )
    for asset in renderer.assets():
        fingerprint = digest(data, asset.path, digest(asset.data))
        pages.append((asset.path, fingerprint, _given(asset)))
    if site.url:
        # every page, in an order fixed by the content (sitemap() sorts what it lists): no
        # sort of 50,000 paths on every build
        paths = [p for r in records.values() for p in r.pages] + [p for p, _, _ in pages]
        pages.append(
            (
                "sitemap.xml",
                digest(data, "sitemap", "\n".join(paths)),
                lambda: _sitemap(site, paths),
            )
        )
    if review is not None:
        pages.append(_review_page(site, agencies, key, renderer, *review))
    fingerprints = {path: fingerprint for path, fingerprint, _ in pages}
    due = [(path, make) for path, fingerprint, make in pages if before.get(path) != fingerprint]
    year_data = [path for path, _ in due if is_year_file(path)]
    job = YearJob(agencies, writer.root, writer.atomic, state, data)
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


def _sitemap(site: Site, paths: list[str]) -> Output | None:
    from .render import sitemap  # with Jinja's markupsafe: only when a page is added or gone

    return sitemap(site, paths)


def _year(
    renderer: LazyRenderer, site: Site, year: int, agencies: list[Agency]
) -> Callable[[], Output]:
    return lambda: renderer.page(year_page(site, year, agencies), "year.html")


def _given(output: Output) -> Callable[[], Output]:
    return lambda: output


def _agencies(records: dict[str, AgencyRecord]) -> list[Agency]:
    agencies = [r.agency for r in records.values() if r.agency is not None]
    return sorted(agencies, key=lambda a: a.sort_key)


def agencies_compared(records: dict[str, AgencyRecord], problems: list[Problem]) -> list[Agency]:
    """The agencies in order, with what R7 finds copied across them added to ``problems``."""
    agencies = _agencies(records)
    problems.extend(copies_across_agencies(agencies))
    return agencies


def report_count(records: dict[str, AgencyRecord]) -> int:
    return sum(len(r.agency.summaries) for r in records.values() if r.agency is not None)


def page_count(records: dict[str, AgencyRecord], site_pages: dict[str, str]) -> int:
    return sum(len(r.pages) for r in records.values()) + len(site_pages)
