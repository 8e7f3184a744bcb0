"""A warm build: only the agencies whose files changed are read again, only the pages
whose inputs changed (or whose file was changed by hand) are rendered, in place, each path
noted before it changes (outdir.Journal)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from . import agencywork, outdir
from .agencywork import agency_bases, fingerprints, kept_of, record_of, render_agency, renderer_for
from .buildtypes import Kept, Result
from .collector import paused
from .coverage import years_changed
from .filestamps import Stamps
from .manifest import AgencyRecord, Manifest
from .manifest import write as write_manifest
from .model import Agency, Site
from .problems import Problem, Problems
from .rerender import Watching, render_all
from .sitepages import Agencies, agencies_compared, page_count, report_count, site_pages
from .siteyaml import content_prefix
from .sources import AgencyFolder, trusted
from .write import Writer


def warm(
    site: Site,
    folders: dict[str, AgencyFolder],
    shown: str,
    key: str,
    templates: Path | None,
    out: outdir.Target,
    old: Manifest,
    damaged: set[str],
    verify: bool = False,
    review: bool = False,
    jobs: int | None = None,
    memory: dict[str, Kept] | None = None,
    kept: dict[str, Kept] | None = None,
    watching: Watching | None = None,
) -> tuple[Result, Manifest | None]:
    """``verify``: trust no signature either; every agency is read again. ``memory``:
    the templates changed since ``old``; the agencies that did not change are rendered
    from these, as loaded before. ``kept``, given, receives the agencies loaded now.
    ``watching``: serve's (rerender.Watching)."""
    records: dict[str, AgencyRecord] = {}
    changed: dict[str, tuple[AgencyFolder, Agency | None]] = {}
    # the records keep paths relative to the content folder, shown as given now when printed
    prefix = content_prefix(shown)
    for slug, folder in folders.items():
        before = old.agencies.get(slug)
        if (
            before
            and not verify
            and trusted(folder.signature)
            and before.signature == folder.signature
            and (not damaged or damaged.isdisjoint(before.pages))  # pages decoded if need be
            and (memory is None or slug in memory)
        ):
            records[slug] = before
            if memory is not None:  # its pages, with the templates as they are now
                records[slug], again = retemplated(before, memory[slug], key)
                if again:
                    changed[slug] = (folder, memory[slug][0])
        else:
            agency, problems = agencywork.load_and_check(folder, shown)
            bases = agency_bases(agency, folder, key, site.word) if agency else {}
            records[slug] = record_of(
                folder, agency, problems, fingerprints(bases, key), None, prefix
            )
            # not held when every page is as written (nothing to render): --verify reads
            # every agency again
            same = before is not None and records[slug].pages == _intact(before.pages, damaged)
            changed[slug] = (folder, None if same else agency)
            if kept is not None and agency is not None:
                kept[slug] = kept_of(agency, bases)
    # R7: found across agencies, the pairs of unchanged ones as the last build found them
    across: list[Problem] = []
    agencies, similar = agencies_compared(
        records, across, old.across, changed.keys(), old.agencies, prefix
    )
    # the unchanged agencies' problems are printed as their records keep them
    found = Problems(across, filter(None, (r.printed(prefix) for r in records.values())))
    result = Result(found, reports=report_count(records), incremental=True)
    if result.errors:
        result.agencies_of = agencies
        return result, None
    renderer = renderer_for(templates, key)
    if changed:  # made now, as ever: before the journal opens and the workers fork
        renderer.renderer  # noqa: B018
    # only a changed agency can have pages the last build did not write; what is needed
    # for the pages about many agencies is made after the changed agencies' pages (serve
    # shows those meanwhile)
    new_pages = {p for slug in changed for p in records[slug].pages if p not in old.files}
    journal = outdir.Journal(out, old.files, new_pages)
    writer = Writer(out.path, stamps=Stamps.of(old.files).copy(), journal=journal.note)
    work = [
        (agency, records[slug].pages, _intact(old.agencies[slug].pages, damaged))
        if slug in old.agencies
        else (agency, records[slug].pages, {})
        for slug, (_, agency) in sorted(changed.items())
        if agency is not None
    ]
    rendered = render_all(
        work,
        lambda agency, now, before, w: render_agency(agency, now, before, site, renderer, w),
        writer,
        jobs or os.cpu_count() or 1,
        watching,
    )
    # The pages about many agencies read what earlier builds kept of a year (its entries,
    # rows and records of pieces: at 100,000 reports 14,300 of each, some 100,000 tuples)
    # and make a few pages: the collector's passes over them cost ~0.1-0.2 s of an edit's
    # 2.5-3 s CPU at 100,000 reports.
    with paused():
        made_pages, rendered_site = site_pages(
            site,
            agencies,
            key,
            _intact(old.pages, damaged),
            renderer,
            writer,
            (found.listed(), shown) if review else None,
            jobs or os.cpu_count() or 1,
            out.state,
            _year_digests_kept(old, records, changed, agencies),
        )
    gone = gone_paths(old, records, made_pages)
    for gone_path in sorted(gone):
        writer.remove(gone_path)
    made = Manifest(str(key), records, made_pages, writer.stamps, similar)
    # what changed (a build that changed nothing: none)
    write_manifest(made, out.state, old, writer.written | gone)
    outdir.finish(out)
    result.pages = page_count(records, made_pages)
    result.rendered = rendered + rendered_site
    result.repaired = len(damaged & writer.written)
    result.written = True
    result.agencies_of = agencies
    return result, made


def gone_paths(
    old: Manifest, records: dict[str, AgencyRecord], made_pages: dict[str, str]
) -> set[str]:
    """The paths the last build made that this one does not: looked for among the pages
    about many agencies and those of the agencies whose record changed, never among the
    50,000 paths of the others. (Every path ``old.files`` records is a page of ``old``:
    each build removes the others.)"""
    gone = old.pages.keys() - made_pages.keys()
    for slug, before in old.agencies.items():
        now = records.get(slug)
        if now is not before:  # an unchanged agency's pages are all made again
            gone |= before.pages.keys() - (now.pages.keys() if now is not None else set())
    gone -= made_pages.keys()
    if gone:  # a path may now be another agency's (never so far: each has its folder)
        gone -= set().union(*(r.pages.keys() for r in records.values()))
    return gone


def retemplated(before: AgencyRecord, kept: Kept, key: str) -> tuple[AgencyRecord, bool]:
    """An unchanged agency's record with its pages' fingerprints under ``key`` (whose
    templates changed), and whether any page is to be rendered again."""
    pages = {**before.pages, **fingerprints(kept[1], key)}
    if pages == before.pages:
        return before, False
    return before.with_pages(pages), True


def _year_digests_kept(
    old: Manifest, records: dict[str, AgencyRecord], changed: Iterable[str], agencies: Agencies
) -> dict[int, str]:
    """The year digests (what a year's page and data files are made from) of the last build
    that still hold: those of the years no changed agency touched (a narrative edit touches
    none, a figure one year). Digesting every report of a year costs ~1 us a report (0.6 s a
    build at 100,000 reports)."""
    if records.keys() != old.agencies.keys():
        return {}
    touched: set[int] = set()
    for slug in changed:
        years = years_changed(old.agencies[slug].agency, records[slug].agency)
        if years is None:
            return {}
        touched |= years
    kept = {}
    for year in agencies.years():
        # the year's data digest, as its data files record it (the page adds its template's)
        fingerprint = old.pages.get(f"data/{year}/summary.csv")  # (one file in any year)
        if fingerprint is not None and year not in touched:
            kept[year] = fingerprint
    return kept


def _intact(fingerprints: dict[str, str], damaged: set[str]) -> dict[str, str]:
    """The fingerprints of pages still as written: a damaged page is rendered again."""
    if not damaged:
        return fingerprints
    return {p: f for p, f in fingerprints.items() if p not in damaged}
