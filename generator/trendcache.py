"""The home page's trend figures of each year, kept beside the record (in the cache
folder) under the digest of the year's data, so a build after an edit works out again
only the years whose data changed (a figure edit: one year; a narrative edit: none)
instead of summing every report of every year.

The digest names everything a year's figures are made from, so a kept entry is right for
any build that finds it; anything odd about the file means "nothing kept"."""

from __future__ import annotations

from pathlib import Path

from .records import framed, replace_file, unframed
from .region import YearFigures

NAME = "trend.bin"
MAGIC = b"nianbao trend 1\n"

Kept = dict[str, YearFigures]  # year's data digest → its figures


def read(state: Path | None) -> Kept:
    if state is None:
        return {}
    try:
        kept = unframed(MAGIC, (state / NAME).read_bytes())
    except Exception:  # absent, unreadable, damaged: nothing kept
        return {}
    if not isinstance(kept, dict) or not all(_plain(v) for v in kept.values()):
        return {}
    return kept


def _plain(figures: object) -> bool:
    if figures is None:
        return True
    if not isinstance(figures, tuple) or len(figures) != 4:
        return False
    format_id, published, expected, cells = figures
    return (
        isinstance(format_id, str)
        and isinstance(published, int)
        and isinstance(expected, int)
        and isinstance(cells, dict)
    )


def write(state: Path | None, kept: Kept) -> None:
    """Keep ``kept`` (the figures of this build's years: no others)."""
    if state is None:
        return
    state.mkdir(parents=True, exist_ok=True)
    replace_file(state / NAME, framed(MAGIC, kept))
