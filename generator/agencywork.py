"""One agency's work: load and check it, fingerprint its pages, render those that
changed. Cold builds run it over worker processes (the job is set before they fork)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from .buildtypes import Job, Kept, Progress
from .contentfiles import Tree
from .exports.layout import filed
from .exports.report_files import report_data_paths, report_outputs
from .figures import summarize
from .formats import all_formats
from .lazyrender import LazyRenderer
from .manifest import AgencyRecord, Manifest, Stamp
from .model import Agency, Report, Site
from .outputs import Download, Output, agency_path, docx_path, report_path
from .pagekeys import data_key, page_fingerprint
from .problems import Problem
from .review.copying import sketches
from .siteyaml import content_prefix, display_path
from .sources import AgencyFolder, Scan, digest, trusted
from .workers import fork_pool
from .write import Writer
from .yearmodel import Entry, entry_of

PARALLEL_FROM = 24  # agencies; below this, starting worker processes costs more than it saves

_JOB: Job | None = None


@contextmanager
def working(job: Job) -> Iterator[None]:
    """``job`` for the agency tasks started meanwhile: forked workers inherit it."""
    global _JOB
    _JOB = job
    try:
        yield
    finally:
        _JOB = None


def recall(
    kept: dict[str, Kept], old: Manifest, found: Scan, job: Job, jobs: int | None
) -> dict[str, Kept]:
    """``kept``, with the agencies it lacks that are as ``old`` recorded them loaded (in
    parallel, as a cold build loads them); the others are loaded by the build itself."""
    missing = [
        folder
        for slug, folder in found.agencies.items()
        if slug not in kept
        and slug in old.agencies
        and trusted(folder.signature)
        and old.agencies[slug].signature == folder.signature
    ]
    if missing:
        with working(replace(job, keep=True)):
            loaded = map_agencies(missing, jobs, None)
        for folder, (_, _, _, agency, _) in zip(missing, loaded, strict=True):
            if agency is not None:
                kept[folder.slug] = agency
    return kept


def load_and_check(folder: AgencyFolder, shown: str) -> tuple[Agency | None, list[Problem]]:
    problems: list[Problem] = []
    where = display_path(shown, folder.slug)
    read_agency, validate_agency = loaders()
    agency, reports = read_agency(folder.path, where, problems, folder.tree)
    if agency is not None:
        agency.reports = reports
        agency.summaries = {y: summarize(r) for y, r in sorted(agency.reports.items())}
        agency.sketches = {y: sketches(r) for y, r in sorted(agency.reports.items())}
        agency.filed = {y: filed(r) for y, r in sorted(agency.reports.items())}
        problems.extend(validate_agency(agency))
    elif reports:  # agency.yaml is broken; its reports' own problems are still reported
        problems.extend(
            validate_agency(Agency(folder.slug, folder.slug, "", where, reports=reports))
        )
    return agency, problems


ReadAgency = Callable[
    [Path, str, list[Problem], Tree | None], tuple[Agency | None, dict[int, Report]]
]


def loaders() -> tuple[ReadAgency, Callable[[Agency], list[Problem]]]:
    """load.read_agency and validate.validate_agency, imported at their first use: with them
    come the YAML and Markdown libraries, which a build that reads no agency never needs.
    Called before worker processes fork, so that they inherit the modules loaded."""
    from .load import read_agency
    from .validate import validate_agency

    return read_agency, validate_agency


def agency_bases(
    agency: Agency, folder: AgencyFolder, key: str, word: bool = False
) -> dict[str, tuple[str, str]]:
    """For each page (and data file, and Word document) of the agency, a digest of the
    data it is made from, and its kind of page ("" for a data file: no template)."""
    data = data_key(key)
    pages: dict[str, tuple[str, str]] = {}
    meta, years = folder.meta, folder.years  # digests of what was read: taken once
    for year in agency.years:
        previous = agency.summaries.get(year - 1)
        base = digest(
            data,
            meta,
            years.get(str(year), ""),
            repr(previous),
            str(year + 1 in agency.summaries),
        )
        pages[report_path(agency.slug, year)] = (base, "report")
        # the report's data files (and Word document): made from the same inputs
        fmt = all_formats()[agency.filed[year].format]
        pages.update(dict.fromkeys(report_data_paths(agency.slug, year, fmt), (base, "")))
        if word:
            pages[docx_path(agency.slug, year)] = (base, "")
    pages[agency_path(agency.slug)] = (
        digest(data, meta, repr(list(agency.summaries.values()))),
        "agency",
    )
    return pages


def fingerprints(bases: dict[str, tuple[str, str]], key: str) -> dict[str, str]:
    """Each file's fingerprint: its data's, and for a page, its templates' too."""
    return {p: page_fingerprint(b, key, kind) if kind else b for p, (b, kind) in bases.items()}


def agency_fingerprints(
    agency: Agency, folder: AgencyFolder, key: str, word: bool = False
) -> dict[str, str]:
    """For each page (and Word document) of the agency, a digest of everything it is
    rendered from. A Word document is made from its report's data; the page states its
    size."""
    return fingerprints(agency_bases(agency, folder, key, word), key)


def kept_of(agency: Agency, bases: dict[str, tuple[str, str]]) -> Kept:
    """What Session.kept holds of an agency: its pages' bases, without the data files'."""
    return agency, {p: base for p, base in bases.items() if base[1]}


def render_agency(
    agency: Agency,
    pages: dict[str, str],
    before: dict[str, str],
    site: Site,
    renderer: LazyRenderer,
    writer: Writer,
) -> int:
    """Render and write the pages whose fingerprint changed; returns how many."""
    count = 0
    for year in agency.years:
        path = report_path(agency.slug, year)
        word = docx_path(agency.slug, year) if site.word else None
        fmt = all_formats()[agency.filed[year].format]
        data_due = any(before.get(p) != pages[p] for p in report_data_paths(agency.slug, year, fmt))
        page_due = before.get(path) != pages[path]
        word_due = word is not None and before.get(word) != pages[word]
        if not (page_due or data_due or word_due):
            continue
        download = None
        if word is not None and (word_due or word not in writer.stamps):
            from .wordexport import report_docx  # python-docx loads only for sites using it

            data = report_docx(agency, agency.reports[year])
            writer.write(Output(word, data))
            download = Download(word.rsplit("/", 1)[1], len(data))
            count += 1
        elif word is not None:  # the page alone changed: the document stays as it is
            download = Download(word.rsplit("/", 1)[1], writer.stamps[word][0])
        if page_due:
            writer.write(renderer.report(site, agency, agency.reports[year], download))
            count += 1
        if data_due:  # the data files: made from the same inputs
            for output in report_outputs(agency, agency.reports[year]):
                writer.write(output)
                count += 1
    path = agency_path(agency.slug)
    if before.get(path) != pages[path]:
        writer.write(renderer.agency(site, agency))
        count += 1
    return count


def record_of(
    folder: AgencyFolder,
    agency: Agency | None,
    problems: list[Problem],
    pages: dict[str, str],
    made_from: str | None = None,
    prefix: str = "",
) -> AgencyRecord:
    """``made_from``: ``folder.digest`` if already worked out (it hashes every file read).
    ``prefix``: how the content folder was shown (siteyaml.content_prefix); the record keeps
    paths relative to it (AgencyRecord)."""
    # what other pages need of the agency: no reports, no narrative; its path (agency.yaml's,
    # which load_and_check made from the prefix) kept relative, as the problems are
    light = (
        replace(agency, reports={}, path=agency.path.removeprefix(prefix))
        if agency is not None
        else None
    )
    made_from = folder.digest if made_from is None else made_from
    return AgencyRecord(folder.slug, folder.signature, made_from, light, problems, pages, prefix)


# record, pages rendered, files written, the agency as loaded (Job.keep), and its
# reports' year-page entries by year (rendered only: year_entries)
Done = tuple[AgencyRecord, int, dict[str, Stamp], Kept | None, dict[int, Entry]]


def cold_agency(folder: AgencyFolder) -> Done:
    """Load, check and (with no errors) render one agency. Runs in a worker process."""
    job = _JOB
    assert job is not None
    agency, problems = load_and_check(folder, job.shown)
    bases = agency_bases(agency, folder, job.key, job.site.word) if agency else {}
    pages = fingerprints(bases, job.key)
    errors = any(p.severity == "error" for p in problems)
    rendered = 0
    entries: dict[int, Entry] = {}
    writer = Writer(job.render_into or Path(), atomic=False)
    renders = job.render_into is not None and not errors
    if agency is not None and renders:
        # one per templates and key: a process that builds again (serve) sees new templates
        renderer = renderer_for(job.templates, job.key)
        rendered = render_agency(agency, pages, {}, job.site, renderer, writer)
    # a property that hashes every file read (taken after rendering, as it always was):
    # worked out once for the record and every year's entry, not once for each
    made_from = folder.digest
    if agency is not None and renders:
        entries = year_entries(made_from, agency)
    kept = kept_of(agency, bases) if job.keep and agency is not None else None
    stamps = _sharing_paths(writer.stamps, pages)
    record = record_of(folder, agency, problems, pages, made_from, content_prefix(job.shown))
    # handed back as if read from the manifest (agency and problems as marshal bytes): the
    # parent holds every agency's record until the end, a third of the memory as objects
    return AgencyRecord.read(record.plain()), rendered, stamps, kept, entries


def year_entries(made_from: str, agency: Agency) -> dict[int, Entry]:
    """The agency's part of each year page (yearmodel.entry_of, under its record's digest
    ``made_from``), made here, in the worker that holds the agency: made by the parent,
    once every agency is in, they kept one core waiting at the end of a cold build."""
    return {year: entry_of(made_from, agency, year) for year in agency.filed}


def _sharing_paths(stamps: Mapping[str, Stamp], pages: dict[str, str]) -> dict[str, Stamp]:
    """The stamps keyed by the very strings that key ``pages``: pickled back together, a
    path then crosses to the parent (and stays in its memory) once, not twice."""
    same = {path: path for path in pages}
    return {same.get(path, path): stamp for path, stamp in stamps.items()}


def _cold_chunk(folders: list[AgencyFolder]) -> list[Done]:
    return [cold_agency(f) for f in folders]


def map_agencies(
    folders: list[AgencyFolder],
    jobs: int | None,
    progress: Progress | None,
    meanwhile: Callable[[], None] | None = None,
    arrived: Callable[[Done], None] | None = None,
) -> list[Done]:
    """Process agencies in order; over worker processes when there are enough of them.
    ``meanwhile`` runs in this process while they work (not at all without them);
    ``arrived`` is given each agency's result as it comes (in any order)."""
    jobs = jobs or os.cpu_count() or 1
    total = len(folders)
    if folders:
        loaders()  # imported once, here: forked workers inherit them
    if jobs <= 1 or total < PARALLEL_FROM:
        out = []
        for i, f in enumerate(folders, 1):
            out.append(cold_agency(f))
            if arrived:
                arrived(out[-1])
            if progress:
                progress(i, total)
        return out
    # Workers fork from this process, so they share the loaded formats and the Job without
    # pickling them.
    chunks = _chunked(folders, jobs)
    results: dict[int, list[Done]] = {}
    with fork_pool(jobs) as pool:
        finished = 0
        results_coming = pool.imap_unordered(_indexed_chunk, enumerate(chunks))
        if meanwhile is not None:
            meanwhile()
        for index, chunk_result in results_coming:
            results[index] = chunk_result
            if arrived:
                for done in chunk_result:
                    arrived(done)
            finished += len(chunk_result)
            if progress:
                progress(finished, total)
    return [item for i in range(len(chunks)) for item in results[i]]


def _chunked(folders: list[AgencyFolder], jobs: int) -> list[list[AgencyFolder]]:
    """The agencies in chunks handed out in order: up to 16 agencies while many remain
    (handing them out costs little), then smaller and smaller, so that the workers finish
    together rather than one idling through the last full chunk (~0.4 s of a core at
    10,000 reports)."""
    chunks = []
    start, total = 0, len(folders)
    while start < total:
        size = max(1, min(16, (total - start) // (jobs * 4)))
        chunks.append(folders[start : start + size])
        start += size
    return chunks


def _indexed_chunk(item: tuple[int, list[AgencyFolder]]) -> tuple[int, list[Done]]:
    index, folders = item
    return index, _cold_chunk(folders)


_RENDERERS: dict[tuple[Path | None, str], LazyRenderer] = {}


def renderer_for(templates: Path | None, key: str) -> LazyRenderer:
    """One renderer per templates and key in this process: ``serve`` rebuilds without
    compiling the templates again (the key changes when they do). Made at its first page:
    a build that renders none never loads Jinja (lazyrender)."""
    if (templates, key) not in _RENDERERS:
        _RENDERERS.clear()
        _RENDERERS[(templates, key)] = LazyRenderer(templates)
    return _RENDERERS[(templates, key)]
