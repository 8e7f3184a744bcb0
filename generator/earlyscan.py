"""The content scan the command line starts before it loads the rest of nianbao (cli):
the workers list the content while this process imports the modules a build needs (a
tenth of a second). The build takes it (build._look) only if it is the scan it would
start itself; a build that had to wait for the output's lock (outdir.hold) starts its
own, since the content may have changed meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

from .sources import Scanning

_early: tuple[tuple[str, int, Path | None], Scanning] | None = None


def start_early(content: Path, jobs: int, state: Path | None) -> None:
    """Start the scan a build of ``content`` will ask for (``Scanning``'s arguments)."""
    global _early
    drop_early()
    _early = ((os.fspath(content), jobs, state), Scanning(content, jobs, state))


def early(content: Path, jobs: int, state: Path | None) -> Scanning | None:
    """The scan ``start_early`` started, if it was for these arguments (else it stops)."""
    global _early
    started, _early = _early, None
    if started is None:
        return None
    if started[0] != (os.fspath(content), jobs, state):
        started[1].close()
        return None
    return started[1]


def drop_early() -> None:
    """Stop the early scan, if one was started and not taken: a build that waited for the
    output's lock (the content may have changed meanwhile), or none at all."""
    global _early
    started, _early = _early, None
    if started is not None:
        started[1].close()
