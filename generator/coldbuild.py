"""A cold build: every agency, over the machine's cores, into a fresh folder that is
swapped in at the end."""

from __future__ import annotations

import gc
import marshal
import os
from pathlib import Path

from . import outdir
from .agencywork import Done, map_agencies, renderer_for, working
from .buildtypes import Job, Kept, Progress, Result
from .filestamps import Stamps
from .manifest import Manifest
from .manifest import write as write_manifest
from .model import Site
from .pagekeys import data_key
from .problems import Problem, Problems
from .sitepages import (
    Agencies,
    agencies_compared,
    early_year_files,
    page_count,
    report_count,
    site_pages,
)
from .siteyaml import content_prefix
from .sources import AgencyFolder
from .write import Writer, discard, staging_for, swap_in
from .yearmodel import Entry
from .yearmodel import keep as keep_year_entries
from .yearsums import YearSums

# the templates of the pages this process renders (sitepages)
SITE_TEMPLATES = ["home.html", "year.html", "data.html", "404.html"]


def cold(
    site: Site,
    folders: dict[str, AgencyFolder],
    shown: str,
    key: str,
    templates: Path | None,
    out: outdir.Target | None,
    jobs: int | None,
    progress: Progress | None,
    review: bool = False,
    kept: dict[str, Kept] | None = None,
) -> tuple[Result, Manifest | None]:
    """``kept``, given, receives every agency as loaded (for Session.kept)."""
    staging = staging_for(out.path) if out is not None else None
    job = Job(site, shown, key, templates, staging, keep=kept is not None)
    sums = YearSums()  # each year's group sums, added up as the agencies come back

    # every output file's stamp, as bytes per folder as they come (filestamps.add_folders)
    stamps = Stamps()

    # each year's page entries (year → agency → its report's Entry as marshal bytes): a
    # year's are made objects again only when it is kept (_keep_entries)
    entries: dict[int, dict[str, bytes]] = {}

    def arrived(done: Done) -> None:
        slug = done[0].slug
        for year, entry in done[4].items():
            sums.add(year, entry)
            entries.setdefault(year, {})[slug] = marshal.dumps(tuple(entry))
        stamps.add_folders(done[2])
        done[2].clear()  # both held as bytes now
        done[4].clear()
        # unpacked now, while the workers render (the home page lists every agency): the
        # year-file workers forked later find each one made, rather than each making all
        _ = done[0].agency

    def meanwhile() -> None:
        # the templates of the pages about many agencies, compiled while the workers render
        # the agencies' pages rather than after, when the year files wait for this process
        if staging is not None:
            renderer_for(templates, key).prepare(SITE_TEMPLATES)
            # and the year workbooks' frames (XlsxWriter imported): made here, not in
            # each year-file worker forked from this process
            from .exports.workbook import prepare_frames

            prepare_frames()

    try:
        # What comes back (a million objects at 10,000 reports) lives through the build: the
        # collector's full passes, each walking all of it as it grows, and again under the
        # pages about many agencies, would cost this process (alone at the end) a second.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with working(job):
                done = map_agencies(list(folders.values()), jobs, progress, meanwhile, arrived)
        finally:
            if collecting:
                gc.enable()
        records = {slug: done_[0] for slug, done_ in zip(folders, done, strict=True)}
        if kept is not None:
            kept.update(
                (slug, k)
                for slug, (_, _, _, k, _) in zip(folders, done, strict=True)
                if k is not None
            )
        rendered = sum(n for _, n, _, _, _ in done)
        del done
        gc.freeze()  # never walked again; build() unfreezes once the build is over
        across: list[Problem] = []  # R7's, found across agencies
        prefix = content_prefix(shown)
        agencies, similar = agencies_compared(records, across, prefix=prefix)
        # each agency's problems printed from its record, as a warm build does: no Problem
        # is made of them (85,000 warnings at 100,000 reports) unless asked for
        found = Problems(across, filter(None, (r.printed(prefix) for r in records.values())))
        result = Result(found, reports=report_count(records), agencies_of=agencies)
        if out is None or staging is None or result.errors:
            if staging is not None:
                discard(staging)
            return result, None
        writer = Writer(staging, atomic=False, stamps=stamps)
        jobs = jobs or os.cpu_count() or 1
        # the year files' workers first: they have the most to do, and keeping the page
        # entries and planning the pages is this process's alone (0.15 s at 10,000 reports)
        started = early_year_files(agencies, key, writer, jobs, out.state)
        try:
            _keep_entries(agencies, entries, sums, key, out.state)  # empties entries
            made_pages, rendered_site = site_pages(
                site,
                agencies,
                key,
                {},
                renderer_for(templates, key),
                writer,
                (found.listed(), shown) if review else None,
                jobs,
                out.state,
                started=started,
            )
        finally:
            started.close()
        # the home page's list unpacked every agency: let go of them (the result makes them
        # again if asked for) before the manifest, as big as all of them, is written
        agencies.made = None
        for record in records.values():
            record.pack()
        made = Manifest(str(key), records, made_pages, writer.stamps, similar)
        outdir.begin(out, stamps.paths())  # before the swap: these may be in the output
        swap_in(staging, out.path)
        write_manifest(made, out.state)
        outdir.finish(out, stamps.paths())
        result.pages = page_count(records, made_pages)
        result.rendered = rendered + rendered_site
        result.written = True
        return result, made
    except BaseException:
        if staging is not None:
            discard(staging)
        raise


def _keep_entries(
    agencies: Agencies,
    entries: dict[int, dict[str, bytes]],
    sums: YearSums,
    key: str,
    state: Path,
) -> None:
    """Each year's page entries, as the workers made them, and their sums, kept where
    ``year_model`` looks for them: the year pages are then made without reading a report
    again. ``entries`` (see cold) is emptied year by year."""
    data = data_key(key)
    for year in sorted(entries):
        of_year = entries.pop(year)
        listed = [  # display order, as year_model lists them
            (slug, Entry(*marshal.loads(of_year[slug])))
            for slug, _ in agencies.ordered
            if slug in of_year
        ]
        del of_year
        keep_year_entries(state, year, data, listed, sums.of(year, listed))
