"""What a warm build takes over from the last one instead of walking every agency
(sitepages.agencies_compared): R7's candidate pairs, when no changed agency's anchors changed, are the last
build's; the pairs and warnings found so equal those found from scratch, over adds,
removes, edits and renames of agencies (hypothesis)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao.agencyfacts import Facts
from nianbao.review.copying import SECTIONS, anchors_of
from nianbao.sitepages import agencies_compared

# a few clause hashes, so sections share anchors often (and some more than CROWDED do)
HASHES = st.one_of(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=60))
SKETCH = st.lists(HASHES, min_size=1, max_size=6, unique=True).map(lambda h: tuple(sorted(h)))
SKETCHES = st.dictionaries(
    st.sampled_from([2021, 2022]),
    st.dictionaries(st.sampled_from(SECTIONS), SKETCH, min_size=1),
    max_size=2,
)
SLUGS = st.sampled_from([f"agency-{i:02d}" for i in range(40)])


def record(slug: str, name: str, sketches: dict[int, dict[str, tuple[int, ...]]]) -> Any:
    """What agencies_compared reads of an agency's record (facts; the agency's sketches)."""
    facts = Facts(
        (1, name, slug), "", 1, (), (), None, None, None, anchors_of(sketches), name, slug, None
    )
    return SimpleNamespace(facts=facts, agency=SimpleNamespace(sketches=sketches), pages={})


@st.composite
def portals(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
    """(records before, records now, the slugs read again): the unchanged agencies' records
    are the same objects, as a warm build keeps them."""
    slugs = draw(st.lists(SLUGS, min_size=2, max_size=30, unique=True))
    before = {s: record(s, f"机关{s}", draw(SKETCHES)) for s in sorted(slugs)}
    now = dict(before)
    changed: set[str] = set()
    for _ in range(draw(st.integers(0, 4))):
        slug = draw(SLUGS)
        action = draw(st.sampled_from(["edit", "same", "rename", "remove", "add"]))
        if action == "remove":
            now.pop(slug, None)
            changed.discard(slug)
        elif action == "rename" and slug in now:
            now[slug] = record(slug, f"新{slug}", now[slug].agency.sketches)
            changed.add(slug)
        elif action == "same" and slug in now:  # read again, nothing R7 reads changed
            now[slug] = record(slug, now[slug].facts.name, now[slug].agency.sketches)
            changed.add(slug)
        elif action in ("edit", "add"):
            now[slug] = record(slug, f"机关{slug}", draw(SKETCHES))
            changed.add(slug)
    return before, dict(sorted(now.items())), changed


@settings(max_examples=500, deadline=None)
@given(portals())
def test_pairs_taken_over_equal_pairs_found_afresh(
    portal: tuple[dict[str, Any], dict[str, Any], set[str]],
) -> None:
    before, now, changed = portal
    _, known = agencies_compared(before, [])
    taken: list[Any] = []
    _, similar = agencies_compared(now, taken, known, changed, before)
    afresh: list[Any] = []
    _, expected = agencies_compared(now, afresh)
    assert similar == expected
    assert taken == afresh


def test_an_edit_that_keeps_the_anchors_finds_no_pairs_afresh(monkeypatch: Any) -> None:
    """The case taken over: the index over every agency is not built at all."""
    import nianbao.sitepages as sitepages

    copied: dict[int, dict[str, tuple[int, ...]]] = {2022: {"overview": (1, 2, 3, 4)}}
    before = {s: record(s, s, copied) for s in ("a", "b", "c")}
    _, known = agencies_compared(before, [])
    assert len(known) == 3
    now = {**before, "b": record("b", "b", copied)}
    monkeypatch.setattr(sitepages, "candidates", lambda anchors: 1 / 0)
    found: list[Any] = []
    _, similar = agencies_compared(now, found, known, {"b"}, before)
    assert similar == known
    assert len(found) == 6  # three pairs, each agency of a pair flagged


def test_pairs_are_found_afresh_unless_the_same_agencies(monkeypatch: Any) -> None:
    """The last build's pairs are taken over only when the agencies are the same ones in
    the same order (a removed agency is not among those read again)."""
    import nianbao.sitepages as sitepages

    copied: dict[int, dict[str, tuple[int, ...]]] = {2022: {"overview": (1, 2, 3, 4)}}
    before = {s: record(s, s, copied) for s in ("a", "b", "c")}
    _, known = agencies_compared(before, [])
    real, calls = sitepages.candidates, []
    monkeypatch.setattr(sitepages, "candidates", lambda a: calls.append(1) or real(a))
    cases = [
        ({"a": before["a"], "b": before["b"]}, before),  # one removed
        ({"b": before["b"], "a": before["a"], "c": before["c"]}, before),  # reordered
        (before, None),  # no last build's records
    ]
    for now, last in cases:
        calls.clear()
        found: list[Any] = []
        _, similar = agencies_compared(now, found, known, set(), last)
        assert calls == [1]
        afresh: list[Any] = []
        _, expected = agencies_compared(now, afresh)
        assert (similar, found) == (expected, afresh)


def _portal(**hashes: tuple[int, ...]) -> dict[str, Any]:
    return {s: record(s, s, {2022: {"overview": h}}) for s, h in sorted(hashes.items())}


def _many(prefix: str, n: int, shared: int) -> dict[str, tuple[int, ...]]:
    return {f"{prefix}{i:02d}": (shared, 1000 * shared + i) for i in range(n)}


@pytest.mark.parametrize("other_key_crowded", [False, True])
def test_a_key_crowded_by_an_edit_leaves_the_pairs_another_key_makes(
    other_key_crowded: bool,
) -> None:
    """a and b share keys 1 and 2; an edit gives key 1 its 25th holder (too many to be a
    lead), so a and b remain a pair only if key 2 is held by few."""
    crowd = _many("d", 23, 2) if other_key_crowded else {}
    then = {"a": (1, 2), "b": (1, 2), "x": (50,), **_many("c", 22, 1), **crowd}
    before = _portal(**then)
    now = {**before, **_portal(x=(1, 50))}
    _, known = agencies_compared(before, [])
    assert any(p[2:] == ("a", "b") for p in known)
    _, similar = agencies_compared(now, [], known, {"x"}, before)
    _, expected = agencies_compared(now, [])
    assert similar == expected
    assert any(p[2:] == ("a", "b") for p in similar) is not other_key_crowded
