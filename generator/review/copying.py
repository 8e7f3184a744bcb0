"""Copying: a narrative section nearly the same as the agency's previous year's (R6) or as
another agency's of the same year (R7).

A section is compared as the set of its clauses (split at ，。；、 …) with every figure
replaced by one mark, so a copy with the year and the numbers changed is still a copy.
Similarity is the Jaccard index of the two sets. Against last year the agency's own
sections are compared directly; across agencies each section keeps a bottom-k sketch (the
k smallest clause hashes), and an index on the few smallest finds the candidates, so the
cost grows with the number of reports, not with its square.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Container, Iterable
from functools import lru_cache
from itertools import chain

from ..formats import all_formats
from ..model import NARRATIVE_FILES, Agency, Report
from ..problems import Problem

SIMILAR = 0.8  # flagged at or above this Jaccard index
SKETCH = 32  # clause hashes kept per section for the comparison across agencies
ANCHORS = 3  # of which the smallest this many are indexed (a pair at 0.8 shares one but 1%)
CROWDED = 24  # an anchor shared by more sections than this is boilerplate, not a lead
MIN_CLAUSES = 8  # shorter sections are formulaic ("本年度未收取信息处理费")
MIN_CHARS = 200
SECTIONS = ("overview", "problems", "other")

# Clauses end at punctuation; figures, Markdown marks and spaces end them too, so a copy
# with the year and the numbers changed still has the same clauses. One split, no rewriting.
_ENDS = r"\s，,。；;、！!？?：:（）()“”\"#>*_`|\d.%％"
_SPLIT = re.compile(f"[{_ENDS}]+")
# The clauses of 4 characters or more (those hashed): the runs between _SPLIT's, found as
# they are (each run is matched whole from its start), without listing the short ones:
# 30 µs a section of 1,500 characters where the split took 48
_CLAUSES = re.compile(f"[^{_ENDS}]{{4,}}")


# A section is hashed as this year's (R6), as next year's (R6) and for its sketch (R7):
# an agency's years are checked together, so a few dozen entries keep every hit.
@lru_cache(maxsize=64)
def clause_hashes(text: str) -> frozenset[int]:
    """The section's clauses, figures masked, as hashes; empty if too short to judge."""
    if len(text) < MIN_CHARS:
        return frozenset()
    clauses = _CLAUSES.findall(text)  # [c for c in _SPLIT.split(text) if len(c) >= 4]
    if len(clauses) < MIN_CLAUSES or sum(map(len, clauses)) < MIN_CHARS:
        return frozenset()
    return frozenset(map(zlib.crc32, map(str.encode, clauses)))


def jaccard(a: frozenset[int] | set[int], b: frozenset[int] | set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def check_previous_year(report: Report, previous: Report | None, path: str) -> list[Problem]:
    """R6: sections of this year's report nearly the same as last year's."""
    if previous is None:
        return []
    out = []
    for section in report.format.sections:
        name = section.narrative
        if name not in SECTIONS:
            continue
        now = clause_hashes(report.narratives.get(name, ""))
        before = clause_hashes(previous.narratives.get(name, ""))
        similarity = jaccard(now, before)
        if similarity >= SIMILAR:
            msg = (
                f"{section.heading}与 {previous.year} 年度的几乎相同（相似度 {similarity:.0%}，"
                "数字不计）：请确认不是照抄了上一年度的正文"
            )
            out.append(Problem(f"{path}/{NARRATIVE_FILES[name]}", 1, 1, "warning", msg, "R6"))
    return out


def sketches(report: Report) -> dict[str, tuple[int, ...]]:
    """Section → its bottom-k sketch (what the manifest keeps between builds)."""
    out = {}
    for name in SECTIONS:
        hashes = clause_hashes(report.narratives.get(name, ""))
        if hashes:
            out[name] = tuple(sorted(hashes)[:SKETCH])
    return out


def estimate(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Jaccard index from two bottom-k sketches (exact when both hold whole sections)."""
    k = min(len(a), len(b))
    union = sorted(set(a) | set(b))[:k]
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / k if k else 0.0


# (year, section, slug, slug): two agencies' sections of a year, slugs in order
Pair = tuple[int, str, str, str]
Sketches = dict[int, dict[str, tuple[int, ...]]]


def copies_across_agencies(agencies: Iterable[Agency]) -> list[Problem]:
    """R7: a section nearly the same as another agency's of the same year, both flagged."""
    by_slug = {a.slug: a for a in agencies}
    anchors = ((slug, anchors_of(a.sketches)) for slug, a in by_slug.items())
    similar = similarities(candidates(anchors), lambda slug: by_slug[slug].sketches)
    return copy_problems(similar, lambda slug: (by_slug[slug].name, _folder(by_slug[slug])))


def _folder(agency: Agency) -> str:
    return agency.path.rsplit("/", 1)[0]


def anchors_of(sketches: Sketches) -> tuple[int, ...]:
    """Each sketched section's smallest clause hashes, each with its year and section in
    one int (what the manifest keeps of an agency for R7: plain ints read fast)."""
    return tuple(
        anchor << 16 | year << 2 | SECTIONS.index(name)
        for year, sections in sketches.items()
        for name, sketch in sections.items()
        for anchor in sketch[:ANCHORS]
    )


def candidates(anchors: Iterable[tuple[str, tuple[int, ...]]]) -> set[Pair]:
    """The pairs of agencies sharing an anchor (of a year's section) that few share
    (slug → anchors_of its sketches)."""
    # serve runs this on every save, so it is lean: the anchors are counted first (in C),
    # and only the few shared by 2..CROWDED sections are listed with their agencies
    listed = list(anchors)
    counts = Counter(chain.from_iterable(keys for _, keys in listed))
    shared = {key for key, n in counts.items() if 1 < n <= CROWDED}
    if not shared:
        return set()
    index: dict[int, list[str]] = {}
    for slug, keys in listed:
        for key in shared.intersection(keys):
            index.setdefault(key, []).append(slug)
    return _pairs(index)


def candidates_after(
    before: Iterable[Pair],
    anchors: Iterable[tuple[str, tuple[int, ...]]],
    moved: dict[str, tuple[tuple[int, ...], tuple[int, ...]]],
) -> set[Pair]:
    """``candidates(anchors)`` worked out from the last build's, ``before``, of the same
    agencies, of which only those ``moved`` have other anchors now ((then, now) each).
    Only the keys they held or hold can have more or fewer holders: one pass over the
    agencies finds those keys' holders (the index of every key is 5 times the work)."""
    keys: set[int] = set()
    for then, now in moved.values():
        keys.update(then, now)
    listed = dict(anchors)
    made = _pairs({k: slugs for k, slugs in _few_holders(keys, listed).items() if len(slugs) > 1})
    pairs: set[Pair] = set()
    doubtful: dict[Pair, set[int]] = {}  # a pair one of ``keys`` may have made: its other keys
    for pair in before:
        year, name, a, b = pair
        if a in moved or b in moved:
            continue  # made by ``keys`` alone, now as then
        section = year << 2 | SECTIONS.index(name)
        both = set(listed.get(a, ())).intersection(listed.get(b, ()))
        shared = {k for k in both if k & 0xFFFF == section}
        if shared.isdisjoint(keys):
            pairs.add(pair)  # its keys' holders are as they were
        elif pair not in made:
            doubtful[pair] = shared - keys
    if doubtful:  # kept if one of its other keys is still held by few (a second pass)
        few = _few_holders(set().union(*doubtful.values()), listed)
        pairs.update(p for p, others in doubtful.items() if not others.isdisjoint(few))
    return pairs | made


def _few_holders(keys: set[int], anchors: dict[str, tuple[int, ...]]) -> dict[int, list[str]]:
    """The holders of each of ``keys`` held by CROWDED agencies at most (and one at least).
    A key is no longer looked for once crowded: boilerplate clauses are every agency's."""
    live = set(keys)
    holders: dict[int, list[str]] = {}
    for slug, own in anchors.items():
        if live.isdisjoint(own):
            continue
        for key in live.intersection(own):
            found = holders.setdefault(key, [])
            found.append(slug)
            if len(found) > CROWDED:
                live.discard(key)
                del holders[key]
    return holders


def _pairs(index: dict[int, list[str]]) -> set[Pair]:
    """The pairs of agencies of each key of ``index`` (key → its agencies)."""
    pairs: set[Pair] = set()
    for key, slugs in index.items():
        year, name = key >> 2 & 0x3FFF, SECTIONS[key & 3]
        for i, a in enumerate(slugs):
            for b in slugs[i + 1 :]:
                pairs.add((year, name, a, b) if a < b else (year, name, b, a))
    return pairs


def similarities(
    pairs: Iterable[Pair],
    sketches: Callable[[str], Sketches],
    known: dict[Pair, float] | None = None,
    changed: Container[str] = (),
) -> dict[Pair, float]:
    """Each pair's estimated similarity: ``known`` (the last build's) for a pair of agencies
    not ``changed`` since, worked out from their sketches for the others."""
    known = known or {}
    out = {}
    for pair in pairs:
        year, name, a, b = pair
        similarity = None if a in changed or b in changed else known.get(pair)
        if similarity is None:
            similarity = estimate(sketches(a)[year][name], sketches(b)[year][name])
        out[pair] = similarity
    return out


def copy_problems(
    similar: dict[Pair, float], who: Callable[[str], tuple[str, str]]
) -> list[Problem]:
    """The R7 warnings of the pairs found similar; ``who``: slug → (name, folder as shown)."""
    out = []
    for pair in sorted(p for p, similarity in similar.items() if similarity >= SIMILAR):
        year, name, a, b = pair
        similarity = similar[pair]
        for this, other in ((a, b), (b, a)):
            other_name = who(other)[0]
            folder = who(this)[1]
            msg = (
                f"{_heading(name)}与{other_name}（{other}）{year} 年度的几乎相同"
                f"（相似度约 {similarity:.0%}，数字不计）：请确认不是照抄了其他机关的正文"
            )
            path = f"{folder}/{year}/{NARRATIVE_FILES[name]}"
            out.append(Problem(path, 1, 1, "warning", msg, "R7"))
    return out


def _heading(name: str) -> str:
    for fmt in all_formats().values():
        for s in fmt.sections:
            if s.narrative == name:
                return s.heading
    return name
