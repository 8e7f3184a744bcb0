"""coverage.summed_text (a year entry's summed cells, yearmodel.entry_of) joins the texts
of plainly written counts as they are: the same text as writing each one again through
``str(int())``, for any texts, plain or not (then it does write each one again)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from nianbao.coverage import summed_cells, summed_positions, summed_text


def one_by_one(texts: list[str], positions: tuple[int, ...]) -> str:
    return ",".join(str(int(texts[i])) if texts[i] else "" for i in positions)


TEXT = st.one_of(
    st.just(""),
    st.integers(-(10**16), 10**16).map(str),  # as value_text writes a count
    st.from_regex(r"[+-]?[0-9]{1,4}", fullmatch=True),  # "007", "-0", "+5": not plain
)


@given(texts=st.lists(TEXT, min_size=1, max_size=8), data=st.data())
def test_the_same_as_one_by_one(texts: list[str], data: st.DataObject) -> None:
    positions = tuple(data.draw(st.lists(st.integers(0, len(texts) - 1), max_size=len(texts) + 2)))
    assert summed_text(texts, positions) == one_by_one(texts, positions)


@pytest.mark.parametrize("texts", [["007", "1"], ["-0", "2"], ["+5"], ["1", "", "05"]])
def test_texts_not_plain_are_written_again(texts: list[str]) -> None:
    positions = tuple(range(len(texts)))
    assert summed_text(texts, positions) == one_by_one(texts, positions) != ",".join(texts)


def test_positions_are_summed_cells_own() -> None:
    for format_id in ("2019", "2021"):
        assert summed_positions(format_id) == tuple(i for i, _ in summed_cells(format_id, None))
        assert len(summed_positions(format_id)) > 100
