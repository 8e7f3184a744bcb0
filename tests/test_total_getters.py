"""reportshape.getter reads a sum's parts in one call (add_totals, validate's totals): the
parts as reading them one by one gives, or KeyError when one is absent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nianbao.reportshape import getter

KEYS = st.sampled_from(["a", "b", "c", "d"])


@given(mapping=st.dictionaries(KEYS, st.integers()), keys=st.lists(KEYS, max_size=5))
def test_the_parts_one_by_one(mapping: dict[str, int], keys: list[str]) -> None:
    read = getter(tuple(keys))
    if all(k in mapping for k in keys):
        assert read(mapping) == tuple(mapping[k] for k in keys)
    else:
        with pytest.raises(KeyError):
            read(mapping)


def test_one_part_and_none_are_tuples_too() -> None:
    assert getter(("a",))({"a": 5}) == (5,)
    assert getter(())({"a": 5}) == ()
