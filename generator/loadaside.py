"""The agencies a warm build reads again, loaded and checked by a child process while this
one makes the renderer.

A one-edit build reads one agency (load and check: the YAML and Markdown readers' imports
and their first compiled patterns, ≈ 60 ms) and then renders its pages, for which it makes
the renderer (Jinja's import and the theme's compiled templates, ≈ 50 ms). The two do not
depend on each other, and by then the content scan's workers have finished: a core is
idle. So a child forked for it loads and checks the agencies (agencywork.load_and_check)
while this process makes the renderer, and sends them back pickled; the formats (shared,
compared by identity) travel as their id and come back as this process's own. Each agency
folder comes back too, as the child read it: its digests (what the pages' fingerprints and
the agency's record are made from) are those of the files it read (contentfiles.Tree).

A child that fails in any way has its agencies loaded here instead (forks.Forked): the
result is the same either way. Loaded here as well, as before: several agencies (their
pickles would cost more than the overlap saves), a renderer already made, ``serve`` (its
session keeps the folders as read), one core, or ``--jobs 1``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any

from . import agencywork
from .forks import Forked
from .formats import Format, all_formats
from .lazyrender import LazyRenderer
from .model import Agency
from .problems import Problem
from .sources import AgencyFolder

# the folder as read (its Tree holds what was read), the agency, its problems
Loaded = tuple[AgencyFolder, Agency | None, list[Problem]]

# past this many agencies, they are loaded here: what the child sends back grows with them
# (≈ 90 KB an agency of seven reports), the overlap does not
AT_MOST = 4

# the templates a page of a changed agency needs first: compiled (or read from the kept
# bytecode) while the child loads
AHEAD = ["report.html"]


def load_all(
    folders: Sequence[AgencyFolder],
    shown: str,
    renderer: LazyRenderer,
    jobs: int | None,
    aside: bool = True,
) -> list[Loaded]:
    """agencywork.load_and_check of each of ``folders``, in order, with the folder as read
    (this process's own, or the child's copy); the renderer made meanwhile when a child
    does the loading (see the module's docstring). ``aside``: False loads them here."""
    if not (aside and _aside(folders, renderer, jobs)):
        return _loaded(folders, shown)
    forked = Forked(_pickled, [(list(folders), shown)])
    try:
        renderer.make_ahead(AHEAD)
        data: bytes = forked.results()[0]
    finally:
        forked.close()
    return unpickled(data)


def _aside(folders: Sequence[AgencyFolder], renderer: LazyRenderer, jobs: int | None) -> bool:
    return (
        0 < len(folders) <= AT_MOST
        and not renderer.made
        and (jobs or os.cpu_count() or 1) > 1
        and hasattr(os, "fork")
    )


def _pickled(part: tuple[list[AgencyFolder], str]) -> bytes:
    """The child's work (or this process's, if the child failed)."""
    folders, shown = part
    return pickled(_loaded(folders, shown))


def _loaded(folders: Sequence[AgencyFolder], shown: str) -> list[Loaded]:
    return [(folder, *agencywork.load_and_check(folder, shown)) for folder in folders]


def pickled(loaded: list[Loaded]) -> bytes:
    """``loaded`` as bytes; each format as its id."""
    import pickle  # here: a build that reads no agency never needs it

    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = _format_id  # type: ignore[method-assign]
    pickler.dump(loaded)
    return out.getvalue()


def unpickled(data: bytes) -> list[Loaded]:
    """What ``pickled`` made, each format this process's own."""
    import pickle

    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = _format_of  # type: ignore[method-assign]
    loaded: list[Loaded] = unpickler.load()
    return loaded


def _format_id(obj: Any) -> tuple[str, str] | None:
    return ("format", obj.id) if isinstance(obj, Format) else None


def _format_of(pid: Any) -> Format:
    kind, format_id = pid
    if kind != "format":
        raise ValueError(f"unknown persistent id {pid!r}")
    return all_formats()[format_id]
