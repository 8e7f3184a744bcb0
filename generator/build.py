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

This module drives a build; the stages live in modules of their own: buildkey (what every
page depends on), agencywork (one agency: load, check, fingerprint, render), coldbuild and
warmbuild, sitepages (the pages about many agencies), buildtypes (what they hand each
other).
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import agencywork, lazyrender, outdir, search
from .agencywork import recall
from .buildkey import build_key, own_stamps, template_problems_kept
from .buildtypes import Job, Kept, Progress, Result
from .coldbuild import cold
from .contentfiles import Tree
from .earlyscan import early
from .filestamps import DamagedRecord
from .manifest import Manifest
from .manifest import read as read_manifest
from .outputs import TemplateFault
from .pagekeys import BuildKey
from .problems import Problem
from .rerender import Watching
from .siteyaml import display_path, hidden_agency_folders, site_settings
from .sources import Scan, Scanning, rescan, trusted
from .warmbuild import warm


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
    index: bool = False,
) -> Result:
    """Check, then render and write; nothing is written if there are errors. Raises
    outdir.OutputRefused, before reading anything, if ``out`` may not be written.
    ``verify`` reads every content file again and compares every output file's bytes with
    what was written, instead of trusting sizes and modification times. ``review`` adds
    the review page (review/index.html) for the supervising office. ``index``: the caller
    indexes the site for search afterwards (`nianbao build`), so Pagefind must be there."""
    target = outdir.target(out, out_shown)
    return _run(content, shown, templates, target, jobs, progress, session, verify, review, index)


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
    index: bool = False,
) -> Result:
    start = time.perf_counter()
    shown = content.as_posix() if shown is None else shown
    # the content is scanned by worker processes while this one surveys the output
    state = out.state if out is not None and not verify else None  # listings kept there
    scanning = _look(content, session, jobs or os.cpu_count() or 1, state)
    # The last manifest and the scan (a million objects at 10,000 reports) live through the
    # build: the collector need not walk them, neither while they are read (a full pass
    # would follow each read) nor on each of its full passes later (a tenth of a build that
    # changed nothing). Freed by reference counting all the same.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            old, damaged = (
                _previous(out, session, verify, scanning) if out is not None else (None, set())
            )
            found = scanning.result()
        finally:
            scanning.close()
        gc.freeze()  # undone below, once the build is over; not at all if this failed
    finally:
        if collecting:
            gc.enable()
    # handed over so that _built holds the last manifest alone: a build from scratch lets
    # go of it (at 100,000 reports, half a gigabyte) before anything is rebuilt
    held = [old]
    del old
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
            index,
            start,
            found,
            held,
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
    index: bool,
    start: float,
    found: Scan,
    held: list[Manifest | None],
    damaged: set[str],
) -> Result:
    """``held``: the last manifest, taken out of it (see _run)."""
    old = held.pop()
    problems: list[Problem] = []
    site_tree = Tree(content, os.path.realpath(content))
    # --verify trusts no file's size and time: not even the generator's or the templates'
    state = out.state if out is not None and not verify else None
    lazyrender.compile_into(out.state / "jinja" if out is not None else None)
    site = site_settings(content, shown, problems, site_tree, state, own_stamps())
    problems.extend(hidden_agency_folders(content, shown))
    if index and out is not None and site is not None and site.search and search.not_installed():
        # said before anything is written: the site is not replaced by one without its index
        shown_file = display_path(shown, "site.yaml")
        problems.append(Problem(shown_file, *site.search_at, "error", search.NOT_INSTALLED))
    if site is None or any(p.severity == "error" for p in problems):
        reports = 0
        for folder in found.agencies.values():  # still report every agency's problems
            agency, agency_problems = agencywork.load_and_check(folder, shown)
            problems.extend(agency_problems)
            reports += len(agency.summaries) if agency is not None else 0
        return Result(problems, reports, seconds=time.perf_counter() - start)
    if out is not None:
        broken = template_problems_kept(templates, state)
        if broken:  # check the content all the same, and write nothing
            problems.extend(broken)
            out = None
    # not keyed by how the content folder is shown (another working directory): the
    # records show their problems as it is given now (AgencyRecord)
    key = build_key(site_tree.file_digest("site.yaml"), templates, site.word, state)
    memory = None  # serve, after a template edit: the agencies to render from
    if old is not None and old.key != key:
        if session is not None and out is not None and session.renders_from_memory(old, key):
            memory = recall(session.kept, old, found, Job(site, shown, key, templates), jobs)
        else:
            old = None
    kept: dict[str, Kept] | None = {} if session is not None else None
    try:
        if old is None or out is None:
            result, made = cold(
                site, found.agencies, shown, key, templates, out, jobs, progress, review, kept
            )
        else:
            result, made = warm(
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
    except DamagedRecord:  # found once pages were written (rare: see filestamps)
        old = None
        result, made = cold(
            site, found.agencies, shown, key, templates, out, jobs, progress, review, kept
        )
    except TemplateFault as fault:  # a template failed on a page: nothing new is swapped in
        # check everything as `check` would, so every problem and the count are listed
        result, made = cold(site, found.agencies, shown, key, None, None, jobs, None)
        result.found = result.found.with_more([fault.problem])
    if session is not None and result.written:
        session.manifest, session.found, session.changed = made, found, set()
        if kept is not None:
            session.kept = _kept_after(session.kept if old is not None else {}, kept, found)
        session.data = key.data
    result.found = result.found.with_more(problems)
    result.seconds = time.perf_counter() - start
    result.search = site.search
    return result


def _previous(
    out: outdir.Target, session: Session | None, verify: bool, scanning: Scanning | None = None
) -> tuple[Manifest | None, set[str]]:
    """The manifest a warm build may trust, and the output files changed since it was
    written; (None, …) means build from scratch. Refuses a folder nianbao did not make.
    ``scanning``'s workers compared the output's folders with their record meanwhile."""
    if session is not None and session.manifest is not None:
        old: Manifest | None = session.manifest
        if not verify and out.path.is_dir() and outdir.pending(out) is None:
            # serve holds the output's lock and made every file in it since its first build;
            # a file changed there by hand meanwhile is found by the next `build`
            return old, set()
    else:
        old = read_manifest(out.state)
    unfinished = outdir.pending(out)
    early = scanning.output_suspects() if scanning is not None and old else None
    try:
        found = outdir.survey(out, old.files if old else None, unfinished, verify, early)
    except DamagedRecord:  # no record: the output is refused as any unknown folder is
        old, found = None, outdir.survey(out, None, unfinished, verify)
    if found.fresh or found.legacy or unfinished is not None:
        return None, set()  # nothing to keep, an older nianbao's, or an interrupted build
    return old, found.damaged


def _look(content: Path, session: Session | None, jobs: int, state: Path | None = None) -> Scanning:
    """The scan of the content folder (under way): whole, or, in a session that knows which paths
    changed, the last scan with just the agency folders holding them looked at again."""
    if session is None or session.found is None or session.changed is None:
        return early(content, jobs, state) or Scanning(content, jobs, state)
    slugs = set()
    root = content.resolve()
    for path in session.changed:
        try:
            parts = path.resolve().relative_to(root).parts
        except ValueError:
            continue  # outside content/ (a template): the key tells what it changes
        if len(parts) < 2:
            return Scanning(content, jobs, state)  # site.yaml, or an agency folder added or removed
        slugs.add(parts[0])
    # and those last seen mid-edit: their signature, once settled, can be trusted again
    slugs |= {slug for slug, f in session.found.agencies.items() if not trusted(f.signature)}
    return Scanning.ready(rescan(session.found, content, slugs))


def _kept_after(before: dict[str, Kept], loaded: dict[str, Kept], found: Scan) -> dict[str, Kept]:
    """Session.kept after a build that loaded ``loaded``: the agencies still there."""
    kept = {slug: k for slug, k in before.items() if slug in found.agencies}
    kept.update(loaded)
    return kept


__all__ = ["Job", "Kept", "Progress", "Result", "Session", "build", "build_key", "check"]
