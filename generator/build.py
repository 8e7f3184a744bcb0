"""The pipeline: load → validate → render → write, run by ``check``, ``build`` and ``serve``.

The agency is the unit of work: its reports are loaded, validated (the cross-year rules
never leave an agency) and rendered together. A cold build spreads agencies over the
machine's cores and writes into a fresh folder that is swapped in at the end. A warm build
(the cache holds the manifest of a finished build made with the same generator, templates
and site.yaml, and the output still holds what that build wrote) reloads only the agencies
whose files changed, renders only the pages whose inputs changed or whose file was changed
by hand, and replaces those files in place, noting each path before it changes (outdir).
Whatever is in doubt is built from scratch.

The callers that write (cli, serve) hold the output's lock (outdir.hold).
"""

from __future__ import annotations

import functools
import gc
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__, keycache, outdir
from .contentfiles import VANISHED, Tree
from .coverage import region_years, year_digest_text, years_changed
from .exports import YearFiles, YearJob, is_year_file, year_files
from .exports.layout import filed
from .exports.report_files import report_data_paths, report_outputs
from .exports.year_files import year_data_paths
from .feed import FEED_PATH, digest_text, feed
from .figures import summarize
from .formats import all_formats
from .lazyrender import LazyRenderer
from .manifest import AgencyRecord, Manifest, Stamp, unchanged
from .manifest import read as read_manifest
from .manifest import write as write_manifest
from .model import Agency, Report, Site
from .outputs import (
    Download,
    Output,
    TemplateFault,
    agency_path,
    docx_path,
    report_path,
    year_path,
)
from .pagekeys import BuildKey, data_key, page_fingerprint, template_digests
from .problems import Problem, sort_problems
from .region import data_page, search_page, trend, year_page
from .rerender import Watching, render_all
from .review.copying import copies_across_agencies, sketches
from .search import SEARCH_PAGE
from .siteyaml import display_path, hidden_agency_folders, site_settings
from .sources import AgencyFolder, Scan, Scanning, digest, files_digest, rescan, trusted
from .workers import fork_pool
from .write import Writer, discard, staging_for, swap_in

PACKAGE = Path(__file__).resolve().parent
PARALLEL_FROM = 24  # agencies; below this, starting worker processes costs more than it saves

Progress = Callable[[int, int], None]  # (agencies done, agencies in all)


@dataclass
class Result:
    problems: list[Problem]
    reports: int = 0
    pages: int = 0  # files in the built site
    rendered: int = 0  # files written by this run
    written: bool = False
    incremental: bool = False
    repaired: int = 0  # output files changed or removed by hand, written again
    seconds: float = 0.0
    search: bool = False  # site.yaml asks for a search index (made by the CLI, search.py)
    agencies: list[Agency] = field(default_factory=list)  # as loaded (no reports kept)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def unsettled(self) -> bool:
        """A file or folder vanished while it was read: the content is changing."""
        return any(p.rule == VANISHED for p in self.problems)


# An agency as loaded (reports and all) and, for each of its pages, the digest of the data
# it is made from and its kind (pagekeys.PAGE_TEMPLATES): enough to render it again.
Kept = tuple[Agency, dict[str, tuple[str, str]]]


@dataclass
class Session:
    """What ``serve`` keeps between builds: the last manifest and scan, so a save costs a
    look at the agencies it touched rather than a read of the whole portal. ``changed``
    holds the paths reported since the last build; None means "look at everything".
    ``kept`` holds the agencies of the last build as loaded, so a template edit renders the
    pages it changes without reading any content (a session that started on a built site
    loads the others at its first template edit, once)."""

    manifest: Manifest | None = None
    found: Scan | None = None
    changed: set[Path] | None = None
    kept: dict[str, Kept] = field(default_factory=dict)
    data: str = ""  # the data key of the last build (pagekeys.BuildKey.data)
    # serve's browsers: a warm build renders the agencies they show first and says so,
    # before the other pages, those about many agencies and the manifest (rerender.py)
    watching: Watching | None = None

    def renders_from_memory(self, old: Manifest, key: BuildKey) -> bool:
        """Whether a build with ``key`` after the one that made ``old`` (this session's
        last) differs from it in templates only."""
        return old is self.manifest and self.data == key.data


@dataclass
class Job:
    """What every agency task needs to know; handed to worker processes once."""

    site: Site  # site.yaml only; agencies are the tasks
    shown: str
    key: str
    templates: Path | None
    render_into: Path | None = None  # cold builds: workers write report and agency pages here
    keep: bool = False  # hand back each agency as loaded, for Session.kept


def check(content: Path, shown: str | None = None, jobs: int | None = None) -> Result:
    """Load and validate everything under ``content``; nothing is written."""
    return _run(content, shown, None, None, jobs, None)


def build(
    content: Path,
    templates: Path | None,
    out: Path,
    shown: str | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    session: Session | None = None,
    verify: bool = False,
    out_shown: str | None = None,
    review: bool = False,
) -> Result:
    """Check, then render and write; nothing is written if there are errors. Raises
    outdir.OutputRefused, before reading anything, if ``out`` may not be written.
    ``verify`` reads every content file again and compares every output file's bytes with
    what was written, instead of trusting sizes and modification times. ``review`` adds
    the review page (review/index.html) for the supervising office."""
    target = outdir.target(out, out_shown)
    return _run(content, shown, templates, target, jobs, progress, session, verify, review)


def _run(
    content: Path,
    shown: str | None,
    templates: Path | None,
    out: outdir.Target | None,
    jobs: int | None,
    progress: Progress | None,
    session: Session | None = None,
    verify: bool = False,
    review: bool = False,
) -> Result:
    start = time.perf_counter()
    shown = content.as_posix() if shown is None else shown
    # the content is scanned by worker processes while this one surveys the output
    scanning = _look(content, session, jobs or os.cpu_count() or 1)
    try:
        old, damaged = _previous(out, session, verify) if out is not None else (None, set())
        found = scanning.result()
    finally:
        scanning.close()
    # The last manifest and the scan (a million objects at 10,000 reports) live through the
    # build: the collector need not walk them on each of its full passes (a tenth of a
    # build that changed nothing). Freed by reference counting all the same.
    gc.freeze()
    try:
        return _built(
            content,
            shown,
            templates,
            out,
            jobs,
            progress,
            session,
            verify,
            review,
            start,
            found,
            old,
            damaged,
        )
    finally:
        gc.unfreeze()


def _built(
    content: Path,
    shown: str,
    templates: Path | None,
    out: outdir.Target | None,
    jobs: int | None,
    progress: Progress | None,
    session: Session | None,
    verify: bool,
    review: bool,
    start: float,
    found: Scan,
    old: Manifest | None,
    damaged: set[str],
) -> Result:
    problems: list[Problem] = []
    site_tree = Tree(content, os.path.realpath(content))
    # --verify trusts no file's size and time: not even the generator's or the templates'
    state = out.state if out is not None and not verify else None
    site = site_settings(content, shown, problems, site_tree, state, _own_stamps())
    problems.extend(hidden_agency_folders(content, shown))
    if site is None or any(p.severity == "error" for p in problems):
        reports = 0
        for folder in found.agencies.values():  # still report every agency's problems
            agency, agency_problems = _load_and_check(folder, shown)
            problems.extend(agency_problems)
            reports += len(agency.summaries) if agency is not None else 0
        return Result(sort_problems(problems), reports, seconds=time.perf_counter() - start)
    if out is not None:
        broken = _template_problems(templates, state)
        if broken:  # check the content all the same, and write nothing
            problems.extend(broken)
            out = None
    key = build_key(site_tree.file_digest("site.yaml"), templates, shown, site.word, state)
    memory = None  # serve, after a template edit: the agencies to render from
    if old is not None and old.key != key:
        if session is not None and out is not None and session.renders_from_memory(old, key):
            memory = _recall(session.kept, old, found, Job(site, shown, key, templates), jobs)
        else:
            old = None
    kept: dict[str, Kept] | None = {} if session is not None else None
    try:
        if old is None or out is None:
            result, made = _cold(
                site, found.agencies, shown, key, templates, out, jobs, progress, review, kept
            )
        else:
            result, made = _warm(
                site,
                found.agencies,
                shown,
                key,
                templates,
                out,
                old,
                damaged,
                verify,
                review,
                jobs,
                memory,
                kept,
                session.watching if session is not None else None,
            )
    except TemplateFault as fault:  # a template failed on a page: nothing new is swapped in
        # check everything as `check` would, so every problem and the count are listed
        result, made = _cold(site, found.agencies, shown, key, None, None, jobs, None)
        result.problems.append(fault.problem)
    if session is not None and result.written:
        session.manifest, session.found, session.changed = made, found, set()
        if kept is not None:
            session.kept = _kept_after(session.kept if old is not None else {}, kept, found)
        session.data = key.data
    result.problems = sort_problems(problems + result.problems)
    result.seconds = time.perf_counter() - start
    result.search = site.search
    return result


def _previous(
    out: outdir.Target, session: Session | None, verify: bool
) -> tuple[Manifest | None, set[str]]:
    """The manifest a warm build may trust, and the output files changed since it was
    written; (None, …) means build from scratch. Refuses a folder nianbao did not make."""
    if session is not None and session.manifest is not None:
        old: Manifest | None = session.manifest
        if not verify and out.path.is_dir() and outdir.pending(out) is None:
            # serve holds the output's lock and made every file in it since its first build;
            # a file changed there by hand meanwhile is found by the next `build`
            return old, set()
    else:
        old = read_manifest(out.state)
    unfinished = outdir.pending(out)
    found = outdir.survey(out, old.files if old else None, unfinished, verify)
    if found.fresh or found.legacy or unfinished is not None:
        return None, set()  # nothing to keep, an older nianbao's, or an interrupted build
    return old, found.damaged


def _look(content: Path, session: Session | None, jobs: int) -> Scanning:
    """The scan of the content folder (under way): whole, or, in a session that knows which paths
    changed, the last scan with just the agency folders holding them looked at again."""
    if session is None or session.found is None or session.changed is None:
        return Scanning(content, jobs)
    slugs = set()
    root = content.resolve()
    for path in session.changed:
        try:
            parts = path.resolve().relative_to(root).parts
        except ValueError:
            continue  # outside content/ (a template): the key tells what it changes
        if len(parts) < 2:
            return Scanning(content, jobs)  # site.yaml, or an agency folder added or removed
        slugs.add(parts[0])
    # and those last seen mid-edit: their signature, once settled, can be trusted again
    slugs |= {slug for slug, f in session.found.agencies.items() if not trusted(f.signature)}
    return Scanning.ready(rescan(session.found, content, slugs))


def build_key(
    site_digest: str,
    templates: Path | None,
    shown: str,
    word: bool = False,
    state: Path | None = None,
) -> BuildKey:
    """Everything every page depends on: the generator itself (code, theme, formats), the
    site's own templates, site.yaml, and how paths are shown in problems; with Word
    documents, the version of python-docx that writes them. Its data key leaves the site's
    templates out, and each kind of page adds the digest of its own (pagekeys). ``state``:
    the output's cache folder, where the digests of files that rarely change are kept
    under their sizes and times (keycache)."""
    own = keycache.recalled(state, "own", _own_stamps(), _own_digest)
    theirs_and_pages = keycache.recalled(
        state,
        f"templates {templates}",
        _template_stamps(templates),
        lambda: (_templates_digest(templates), template_digests(templates)),
    )
    theirs, pages = theirs_and_pages
    writer = ""
    if word:
        import importlib.metadata  # 40 ms of imports, for sites with Word documents only

        writer = importlib.metadata.version("python-docx")
    data = digest(__version__, own, site_digest, shown, writer)
    return BuildKey.made(data, pages, theirs)


def _template_problems(templates: Path | None, state: Path | None) -> list[Problem]:
    """render.template_problems, kept (keycache) while no template changes: it compiles
    every template of the site's own on every build."""
    found = keycache.recalled(
        state,
        f"template problems {templates}",
        _template_stamps(templates),
        lambda: [tuple(p.__dict__.values()) for p in _compiled_problems(templates)],
    )
    return [Problem(*p) for p in found]


def _compiled_problems(templates: Path | None) -> list[Problem]:
    from .render import template_problems  # Jinja: only when the templates changed

    return template_problems(templates)


def _template_stamps(templates: Path | None) -> keycache.Stamps | None:
    """The theme's files and the site's templates, with the generator's (its code reads
    them): what the template digests and problems are made from."""
    own, theirs = _own_stamps(), keycache.stamps([PACKAGE / "theme", templates])
    return None if own is None or theirs is None else own + theirs


def _templates_digest(templates: Path | None) -> str:
    return files_digest(templates.rglob("*")) if templates and templates.is_dir() else "none"


@functools.cache
def _own_digest() -> str:
    """The generator's code, theme and formats: once per process (a process runs the code
    it started with; serve would otherwise read them all again on every save)."""
    return files_digest(
        p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".yaml", ".html", ".css")
    )


@functools.cache
def _own_stamps() -> keycache.Stamps | None:
    """The generator's files as this process found them first (see _own_digest)."""
    return keycache.stamps([PACKAGE])


def _kept_after(before: dict[str, Kept], loaded: dict[str, Kept], found: Scan) -> dict[str, Kept]:
    """Session.kept after a build that loaded ``loaded``: the agencies still there."""
    kept = {slug: k for slug, k in before.items() if slug in found.agencies}
    kept.update(loaded)
    return kept


def _recall(
    kept: dict[str, Kept], old: Manifest, found: Scan, job: Job, jobs: int | None
) -> dict[str, Kept]:
    """``kept``, with the agencies it lacks that are as ``old`` recorded them loaded (in
    parallel, as a cold build loads them); the others are loaded by the build itself."""
    global _JOB
    missing = [
        folder
        for slug, folder in found.agencies.items()
        if slug not in kept
        and slug in old.agencies
        and trusted(folder.signature)
        and old.agencies[slug].signature == folder.signature
    ]
    if missing:
        _JOB = replace(job, keep=True)
        try:
            for folder, (_, _, _, agency) in zip(
                missing, _map_agencies(missing, jobs, None), strict=True
            ):
                if agency is not None:
                    kept[folder.slug] = agency
        finally:
            _JOB = None
    return kept


# ---------------------------------------------------------------------------------------
# One agency


def _load_and_check(folder: AgencyFolder, shown: str) -> tuple[Agency | None, list[Problem]]:
    problems: list[Problem] = []
    where = display_path(shown, folder.slug)
    read_agency, validate_agency = _loaders()
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


def _loaders() -> tuple[ReadAgency, Callable[[Agency], list[Problem]]]:
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


def _kept(agency: Agency, bases: dict[str, tuple[str, str]]) -> Kept:
    """What Session.kept holds of an agency: its pages' bases, without the data files'."""
    return agency, {p: base for p, base in bases.items() if base[1]}


def _render_agency(
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


def _record(
    folder: AgencyFolder, agency: Agency | None, problems: list[Problem], pages: dict[str, str]
) -> AgencyRecord:
    # what other pages need of the agency: no reports, no narrative
    light = replace(agency, reports={}) if agency is not None else None
    return AgencyRecord(folder.slug, folder.signature, folder.digest, light, problems, pages)


# ---------------------------------------------------------------------------------------
# Cold: every agency, in parallel when there are many


_JOB: Job | None = None


# record, pages rendered, files written, the agency as loaded (Job.keep)
Done = tuple[AgencyRecord, int, dict[str, Stamp], Kept | None]


def _cold_agency(folder: AgencyFolder) -> Done:
    """Load, check and (with no errors) render one agency. Runs in a worker process."""
    job = _JOB
    assert job is not None
    agency, problems = _load_and_check(folder, job.shown)
    bases = agency_bases(agency, folder, job.key, job.site.word) if agency else {}
    pages = fingerprints(bases, job.key)
    errors = any(p.severity == "error" for p in problems)
    rendered = 0
    writer = Writer(job.render_into or Path(), atomic=False)
    if agency is not None and job.render_into is not None and not errors:
        # one per templates and key: a process that builds again (serve) sees new templates
        renderer = renderer_for(job.templates, job.key)
        rendered = _render_agency(agency, pages, {}, job.site, renderer, writer)
    kept = _kept(agency, bases) if job.keep and agency is not None else None
    stamps = _sharing_paths(writer.stamps, pages)
    return _record(folder, agency, problems, pages), rendered, stamps, kept


def _sharing_paths(stamps: dict[str, Stamp], pages: dict[str, str]) -> dict[str, Stamp]:
    """The stamps keyed by the very strings that key ``pages``: pickled back together, a
    path then crosses to the parent (and stays in its memory) once, not twice."""
    same = {path: path for path in pages}
    return {same.get(path, path): stamp for path, stamp in stamps.items()}


def _cold_chunk(folders: list[AgencyFolder]) -> list[Done]:
    return [_cold_agency(f) for f in folders]


def _cold(
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
    global _JOB
    staging = staging_for(out.path) if out is not None else None
    _JOB = Job(site, shown, key, templates, staging, keep=kept is not None)
    try:
        done = _map_agencies(list(folders.values()), jobs, progress)
        records = {slug: record for slug, (record, _, _, _) in zip(folders, done, strict=True)}
        if kept is not None:
            kept.update(
                (slug, k) for slug, (_, _, _, k) in zip(folders, done, strict=True) if k is not None
            )
        stamps: dict[str, Stamp] = {}
        for _, _, written, _ in done:
            stamps.update(written)
        rendered = sum(n for _, n, _, _ in done)
        del done  # one dict of stamps per agency: the merged one is all that is kept
        problems = [p for r in records.values() for p in r.problems]
        agencies = _agencies_compared(records, problems)
        result = Result(problems, reports=_count(records), agencies=agencies)
        if out is None or staging is None or result.errors:
            if staging is not None:
                discard(staging)
            return result, None
        writer = Writer(staging, atomic=False, stamps=stamps)
        site_pages, rendered_site = _site_pages(
            site,
            agencies,
            key,
            records,
            {},
            renderer_for(templates, key),
            writer,
            (problems, shown) if review else None,
            jobs or os.cpu_count() or 1,
            out.state,
        )
        made = Manifest(str(key), records, site_pages, writer.stamps)
        outdir.begin(out, set(writer.stamps))  # before the swap: these may be in the output
        swap_in(staging, out.path)
        write_manifest(made, out.state)
        outdir.finish(out, writer.stamps)
        result.pages = _page_count(records, site_pages)
        result.rendered = rendered + rendered_site
        result.written = True
        return result, made
    except BaseException:
        if staging is not None:
            discard(staging)
        raise
    finally:
        _JOB = None


def _map_agencies(
    folders: list[AgencyFolder], jobs: int | None, progress: Progress | None
) -> list[Done]:
    """Process agencies in order; over worker processes when there are enough of them."""
    jobs = jobs or os.cpu_count() or 1
    total = len(folders)
    if folders:
        _loaders()  # imported once, here: forked workers inherit them
    if jobs <= 1 or total < PARALLEL_FROM:
        out = []
        for i, f in enumerate(folders, 1):
            out.append(_cold_agency(f))
            if progress:
                progress(i, total)
        return out
    # Chunks of a few agencies: small enough to balance the cores and move the progress bar,
    # large enough that handing them out costs little. Workers fork from this process, so
    # they share the loaded formats and the Job without pickling them.
    size = max(1, min(16, total // (jobs * 8)))
    chunks = [folders[i : i + size] for i in range(0, total, size)]
    results: dict[int, list[Done]] = {}
    with fork_pool(jobs) as pool:
        finished = 0
        for index, chunk_result in pool.imap_unordered(_indexed_chunk, enumerate(chunks)):
            results[index] = chunk_result
            finished += len(chunk_result)
            if progress:
                progress(finished, total)
    return [item for i in range(len(chunks)) for item in results[i]]


def _indexed_chunk(item: tuple[int, list[AgencyFolder]]) -> tuple[int, list[Done]]:
    index, folders = item
    return index, _cold_chunk(folders)


# ---------------------------------------------------------------------------------------
# Warm: only what changed


def _warm(
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
    for slug, folder in folders.items():
        before = old.agencies.get(slug)
        if (
            before
            and not verify
            and trusted(folder.signature)
            and before.signature == folder.signature
            and damaged.isdisjoint(before.pages)
            and (memory is None or slug in memory)
        ):
            records[slug] = before
            if memory is not None:  # its pages, with the templates as they are now
                records[slug], again = retemplated(before, memory[slug], key)
                if again:
                    changed[slug] = (folder, memory[slug][0])
        else:
            agency, problems = _load_and_check(folder, shown)
            bases = agency_bases(agency, folder, key, site.word) if agency else {}
            records[slug] = _record(folder, agency, problems, fingerprints(bases, key))
            changed[slug] = (folder, agency)
            if kept is not None and agency is not None:
                kept[slug] = _kept(agency, bases)
    problems = [p for r in records.values() for p in r.problems]
    result = Result(problems, reports=_count(records), incremental=True)
    if result.errors:
        result.agencies = _agencies_compared(records, problems)
        return result, None
    renderer = renderer_for(templates, key)
    if changed:  # made now, as ever: before the journal opens and the workers fork
        renderer.renderer  # noqa: B018
    # only a changed agency can have pages the last build did not write; what is needed
    # for the pages about many agencies is made after the changed agencies' pages (serve
    # shows those meanwhile)
    new_pages = {p for slug in changed for p in records[slug].pages} - old.files.keys()
    journal = outdir.Journal(out, old.files, new_pages)
    writer = Writer(out.path, stamps=dict(old.files), journal=journal.note)
    work = [
        (agency, records[slug].pages, _intact(old.agencies[slug].pages, damaged))
        if slug in old.agencies
        else (agency, records[slug].pages, {})
        for slug, (_, agency) in sorted(changed.items())
        if agency is not None
    ]
    rendered = render_all(
        work,
        lambda agency, now, before, w: _render_agency(agency, now, before, site, renderer, w),
        writer,
        jobs or os.cpu_count() or 1,
        watching,
    )
    # warnings only (R7), so found once the edited pages are written
    agencies = result.agencies = _agencies_compared(records, problems)
    agency_pages: set[str] = set()
    for record in records.values():
        agency_pages.update(record.pages)
    site_pages, rendered_site = _site_pages(
        site,
        agencies,
        key,
        records,
        _intact(old.pages, damaged),
        renderer,
        writer,
        (problems, shown) if review else None,
        jobs or os.cpu_count() or 1,
        out.state,
        _year_digests_kept(old, records, changed, agencies),
    )
    now = agency_pages | site_pages.keys()
    gone = (old.files.keys() | old.pages.keys()) - now
    for slug, before in old.agencies.items():
        if records.get(slug) is not before:  # an unchanged agency's pages are all in `now`
            gone |= before.pages.keys() - now
    for gone_path in sorted(gone):
        writer.remove(gone_path)
    made = Manifest(str(key), records, site_pages, writer.stamps)
    if not unchanged(made, old):  # a build that changed nothing leaves the record as it is
        write_manifest(made, out.state)
    outdir.finish(out)
    result.pages = _page_count(records, site_pages)
    result.rendered = rendered + rendered_site
    result.repaired = len(damaged & writer.written)
    result.written = True
    return result, made


def retemplated(before: AgencyRecord, kept: Kept, key: str) -> tuple[AgencyRecord, bool]:
    """An unchanged agency's record with its pages' fingerprints under ``key`` (whose
    templates changed), and whether any page is to be rendered again."""
    pages = {**before.pages, **fingerprints(kept[1], key)}
    if pages == before.pages:
        return before, False
    return replace(before, pages=pages, blob=None), True


def _year_digests_kept(
    old: Manifest, records: dict[str, AgencyRecord], changed: Iterable[str], agencies: list[Agency]
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
    for year in region_years(agencies):
        # the year's data digest, as its data files record it (the page adds its template's)
        fingerprint = old.pages.get(year_data_paths(year)[0])
        if fingerprint is not None and year not in touched:
            kept[year] = fingerprint
    return kept


def _intact(fingerprints: dict[str, str], damaged: set[str]) -> dict[str, str]:
    """The fingerprints of pages still as written: a damaged page is rendered again."""
    if not damaged:
        return fingerprints
    return {p: f for p, f in fingerprints.items() if p not in damaged}


_RENDERERS: dict[tuple[Path | None, str], LazyRenderer] = {}


def renderer_for(templates: Path | None, key: str) -> LazyRenderer:
    """One renderer per templates and key in this process: ``serve`` rebuilds without
    compiling the templates again (the key changes when they do). Made at its first page:
    a build that renders none never loads Jinja (lazyrender)."""
    if (templates, key) not in _RENDERERS:
        _RENDERERS.clear()
        _RENDERERS[(templates, key)] = LazyRenderer(templates)
    return _RENDERERS[(templates, key)]


# ---------------------------------------------------------------------------------------
# Pages about many agencies


def _site_pages(
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


def _agencies_compared(records: dict[str, AgencyRecord], problems: list[Problem]) -> list[Agency]:
    """The agencies in order, with what R7 finds copied across them added to ``problems``."""
    agencies = _agencies(records)
    problems.extend(copies_across_agencies(agencies))
    return agencies


def _count(records: dict[str, AgencyRecord]) -> int:
    return sum(len(r.agency.summaries) for r in records.values() if r.agency is not None)


def _page_count(records: dict[str, AgencyRecord], site_pages: dict[str, str]) -> int:
    return sum(len(r.pages) for r in records.values()) + len(site_pages)


__all__ = ["Result", "build", "check"]
