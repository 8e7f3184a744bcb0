"""What the pages about many agencies need of each agency, as the manifest keeps it beside
the agency's record: a few plain strings and numbers, read on every warm build without
making the agency's objects (Agency, Summary, Filed, Problem: most of what reading the
record cost at 10,000 reports). The site pages' fingerprints are combined from these parts
byte for byte as they are from the agencies themselves (tests/test_agency_facts.py), so
an agency is made only when a page about many agencies is actually rendered again."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import NamedTuple

from .feed import Entry, feed_entries
from .model import Agency
from .problems import Problem, count
from .review.copying import anchors_of

# the agency's problems, sorted: first and last path, the lines printed, errors, warnings,
# the rules found
Printed = tuple[str, str, str, int, int, tuple[str, ...]]


class Facts(NamedTuple):
    sort_key: tuple[int, str, str] | None  # Agency.sort_key; None: agency.yaml unread
    entry: str  # the home and data pages' part: repr of (slug, name, group, order, years)
    reports: int
    filed: tuple[int, ...]  # the years with a report filed
    formats: tuple[str, ...]  # each filed year's format (a year's tidy files' parts)
    first: int | None  # coverage.expected_from
    until: int | None
    newest: Entry | None  # the newest of feed.feed_entries (the record keeps them all)
    anchors: tuple[int, ...]  # review.copying.anchors_of its sketches: R7's candidates
    name: str
    folder: str  # where its files are, as shown (R7 names them)
    printed: Printed | None  # None: no problems


def facts_of(
    slug: str,
    agency: Agency | None,
    problems: list[Problem],
    feed: Iterable[Entry] | None = None,
) -> Facts:
    """``problems``: sorted and deduplicated (problems.sort_problems); ``feed``: the
    agency's feed.feed_entries, if already made."""
    # here: coverage imports exports, which import the manifest, which imports this
    from .coverage import expected_from

    printed = _printed(problems)
    if agency is None:
        return Facts(None, "", 0, (), (), None, None, None, (), slug, "", printed)
    a = agency
    index = repr((a.slug, a.name, a.group, a.order, a.years))
    anchors = anchors_of(a.sketches)
    return Facts(
        a.sort_key,
        index,
        len(a.summaries),
        tuple(a.filed),
        tuple(r.format for r in a.filed.values()),
        expected_from(a),
        a.until,
        max(feed_entries(a) if feed is None else feed, default=None),
        anchors,
        a.name,
        a.path.rsplit("/", 1)[0],
        printed,
    )


def _printed(problems: list[Problem]) -> Printed | None:
    if not problems:
        return None
    errors, warnings = count(problems)
    text = "".join(f"{p.format()}\n" for p in problems)
    rules = tuple(sorted({p.rule for p in problems}))
    return (problems[0].path, problems[-1].path, text, errors, warnings, rules)


def in_order(facts: Iterable[tuple[str, Facts]]) -> list[tuple[str, Facts]]:
    """The agencies (slug, facts) in display order (Agency.sort_key), those unread left out."""
    return sorted(
        ((slug, f) for slug, f in facts if f.sort_key is not None),
        key=lambda item: item[1].sort_key or (0, "", ""),
    )


def index_text(ordered: list[tuple[str, Facts]]) -> str:
    """repr([(a.slug, a.name, a.group, a.order, a.years) for a in agencies])."""
    return "[" + ", ".join(f.entry for _, f in ordered) + "]"


def years_of(facts: Iterable[Facts]) -> list[int]:
    """coverage.region_years, from the facts: of each distinct set of years filed and
    span expected (a few, however many agencies share them)."""
    facts = list(facts)
    filed = set(map(attrgetter("filed"), facts))
    spans = set(map(attrgetter("first", "until"), facts))
    years: set[int] = set().union(*filed)
    latest = max(years, default=None)
    for first, until in spans:
        if first is None or latest is None:
            continue
        last = min(until, latest) if until is not None else latest
        years.update(range(first, last + 1))
    return sorted(years, reverse=True)
