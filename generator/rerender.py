"""Render many agencies' pages in place, over forked worker processes.

A warm build usually renders one agency; a template edit under ``serve`` renders every
agency's pages again, from the agencies ``serve`` keeps in memory (build.Session.kept).
Worker processes are forked, so they inherit those agencies, the compiled templates and the
writer without anything being pickled; each writes its pages itself (atomically, as the
parent would) and hands back what it wrote. Every path is noted in the output's journal by
the parent first, so an interrupted build is noticed and repaired like any other.

Under ``serve``, the agencies whose pages a browser shows are rendered first, in this
process, and ``serve`` is told (``Watching``) so the browser reloads while the other pages
are still being rendered: after a template edit the page being looked at is new in a
fraction of the time all 10,000 take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .manifest import Stamp
from .model import Agency
from .workers import fork_pool
from .write import Writer

PARALLEL_FROM = 24  # agencies; below this, starting worker processes costs more than it saves

# an agency, its pages' fingerprints now and as last written
Work = tuple[Agency, dict[str, str], dict[str, str]]
RenderOne = Callable[[Agency, dict[str, str], dict[str, str], Writer], int]


@dataclass
class Watching:
    """What ``serve`` wants of a rebuild: the agencies whose pages its browsers show,
    rendered before the others, and a call once they are written (with how many files
    were), or once every agency's pages are when none of them is due."""

    written: Callable[[int], None]
    slugs: set[str] = field(default_factory=set)


_TASK: tuple[list[Work], RenderOne, Writer] | None = None  # what forked workers inherit


def render_all(
    work: list[Work],
    render_one: RenderOne,
    writer: Writer,
    jobs: int,
    watching: Watching | None = None,
) -> int:
    """Render (with ``render_one``) the pages of each agency whose fingerprint changed;
    returns how many files were written. ``writer`` learns of every file written."""
    if watching is None:
        return _render(work, render_one, writer, jobs)
    shown = [w for w in work if w[0].slug in watching.slugs]
    count = _render(shown, render_one, writer, 1)
    if count:
        watching.written(count)
    count += _render([w for w in work if w[0].slug not in watching.slugs], render_one, writer, jobs)
    if count and not shown:
        watching.written(count)
    return count


def _render(work: list[Work], render_one: RenderOne, writer: Writer, jobs: int) -> int:
    if jobs <= 1 or len(work) < PARALLEL_FROM:
        return sum(render_one(agency, now, before, writer) for agency, now, before in work)
    global _TASK
    if writer.journal is not None:
        for _, now, before in work:
            for path, fingerprint in now.items():
                if before.get(path) != fingerprint:
                    writer.journal(path)
    _TASK = (work, render_one, writer)
    size = max(1, min(16, len(work) // (jobs * 8)))
    chunks = [range(i, min(i + size, len(work))) for i in range(0, len(work), size)]
    count = 0
    try:
        with fork_pool(jobs) as pool:
            for rendered, stamps in pool.imap_unordered(_render_chunk, chunks):
                count += rendered
                writer.stamps.update(stamps)
                writer.written.update(stamps)
    finally:
        _TASK = None
    return count


def _render_chunk(indices: range) -> tuple[int, dict[str, Stamp]]:
    """In a worker: render these agencies; what was written, with its stamps."""
    assert _TASK is not None
    work, render_one, parent = _TASK
    # the parent's stamps (copied on write by fork): a page may need a file's size
    writer = Writer(parent.root, atomic=parent.atomic, stamps=parent.stamps)
    count = sum(render_one(*work[i], writer) for i in indices)
    return count, {path: writer.stamps[path] for path in writer.written}
