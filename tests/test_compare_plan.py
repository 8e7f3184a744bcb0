"""figures.compare reads each key figure's places from a plan made once per pair of
formats: the same changes as reading them by key, for every pair of formats."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from nianbao.figures import Change, compare
from nianbao.formats import all_formats
from nianbao.model import Summary

FORMATS = sorted(all_formats())


def by_key(current: Summary, previous: Summary) -> list[Change]:
    """compare as it was written before the plan: every figure looked up by its key."""
    fmt, old_fmt = all_formats()[current.format], all_formats()[previous.format]
    old_basis = {k.key: k.basis for k in old_fmt.key_figures}
    out = []
    for spec in fmt.key_figures:
        comparable = old_basis.get(spec.key) == spec.basis
        previous_value = previous.get(spec.key) if comparable else None
        out.append(Change(spec.label, previous_value, current.get(spec.key), comparable))
    return out


def summary(format_id: str, values: list[int | None]) -> Summary:
    n = len(all_formats()[format_id].key_figures)
    return Summary("a", 2022, format_id, tuple((values * n)[:n]) if values else (None,) * n)


@given(
    now=st.sampled_from(FORMATS),
    before=st.sampled_from(FORMATS),
    values=st.lists(st.one_of(st.none(), st.integers(-5, 10**6)), max_size=40),
    old_values=st.lists(st.one_of(st.none(), st.integers(-5, 10**6)), max_size=40),
)
def test_the_same_as_by_key(
    now: str, before: str, values: list[int | None], old_values: list[int | None]
) -> None:
    current, previous = summary(now, values), summary(before, old_values[::-1])
    assert compare(current, previous) == by_key(current, previous)


def test_across_the_format_change_some_figures_do_not_compare() -> None:
    """(the pairs above include figures that compare and figures that do not)"""
    changes = compare(summary("2021", list(range(1, 40))), summary("2019", list(range(5, 60))))
    assert {c.comparable for c in changes} == {True, False}
    assert all(c.previous is not None for c in changes if c.comparable)


@given(
    previous=st.one_of(st.none(), st.integers(-(10**6), 10**6)),
    current=st.one_of(st.none(), st.integers(-(10**6), 10**6)),
    comparable=st.booleans(),
)
def test_a_change_is_written_as_its_properties_say(
    previous: int | None, current: int | None, comparable: bool
) -> None:
    """comparetable works out a change's texts itself (the delta once): what the Change's
    own properties say."""
    from nianbao.comparetable import _texts
    from nianbao.tables import display

    change = Change("x", previous, current, comparable)
    assert _texts(change) == (
        display(previous),
        display(current),
        change.delta_text,
        change.percent_text,
    )
