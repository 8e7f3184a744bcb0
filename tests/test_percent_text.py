"""The report page's 增减幅度 in whole-number arithmetic (figures.percent_change_text) is
the text the Decimal definition gives, for every pair of counts a report can hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from nianbao.figures import Change, decimal_percent_change_text, percent_change_text

COUNT = st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1)  # MAX_DIGITS digits


@given(COUNT, COUNT.filter(bool))
def test_equals_the_decimal_definition(delta: int, previous: int) -> None:
    assert percent_change_text(delta, previous) == decimal_percent_change_text(delta, previous)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_equals_the_decimal_definition_for_small_counts(current: int, previous: int) -> None:
    delta = current - previous
    assert percent_change_text(delta, previous) == decimal_percent_change_text(delta, previous)


def test_ties_signs_and_zero() -> None:
    cases = {
        (1, 2000): "+0.1%",  # 0.05 rounds away from zero
        (-1, 2000): "−0.1%",
        (1, 3000): "0.0%",  # positive, rounded to zero: no sign
        (-1, 3000): "−0.0%",  # as Decimal writes a negative rounded to zero
        (0, 7): "0.0%",
        (5, 4): "+125.0%",
        (-4, 4): "−100.0%",
        (1, 3): "+33.3%",
        (2, 3): "+66.7%",
    }
    for (delta, previous), text in cases.items():
        assert percent_change_text(delta, previous) == text
        assert decimal_percent_change_text(delta, previous) == text


def test_a_change_writes_it() -> None:
    assert Change("x", 120, 157, True).percent_text == "+30.8%"
    assert Change("x", 0, 5, True).percent_text == "—"
    assert Change("x", None, 5, False).percent_text == "—"
