"""How the content scan of a large portal is shared out between its worker processes
(sources.Scanning): the agencies, and the comparison of the output's folders with their
record (outfolders.surveyed), which the first worker makes besides fewer agencies. No
third process for it: on two cores it only waits its turn, and the record is read once."""

from __future__ import annotations

from pathlib import Path

# The output survey's CPU over the content scan's, measured at 10,000 and 100,000 reports:
# output folders are about as many as content folders, which hold 4–5 files each.
SURVEY_COST = 0.24

Part = tuple[list[str], Path | None]  # agency folders' names; the cache folder to survey


def first_share(agencies: int, jobs: int) -> int:
    """How many agencies the worker that also surveys the output scans: as much work in
    all as each of the others."""
    return max(0, round(agencies * ((1 + SURVEY_COST) / jobs - SURVEY_COST)))


def parts(names: list[str], jobs: int, state: Path | None) -> list[Part]:
    """``names`` in ``jobs`` parts, in order; the first surveys ``state``, if any."""
    first = 0 if state is None else first_share(len(names), jobs)
    rest = names[first:]
    others = max(1, jobs - (state is not None))  # one worker (jobs 1): it does all of it
    size = max(1, -(-len(rest) // others))
    shared: list[Part] = [(names[:first], state)] if state is not None else []
    return shared + [(rest[i : i + size], None) for i in range(0, len(rest), size)]
