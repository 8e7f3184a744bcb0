"""A year page measures each report from its light record by position
(``measure_record``): the same indicators, to the last digit, as from its cells
(``measure(fmt, cells_of(...))``), whatever the record holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao.exports.layout import cell_fields, cells_of
from nianbao.formats import all_formats
from nianbao.indicators import cells_needed, measure, measure_record
from nianbao.model import Filed

CELL = st.one_of(
    st.just(""),
    st.integers(0, 3).map(str),  # small counts: zero denominators happen
    st.integers(-(10**18), 10**18).map(str),
    st.sampled_from(["1.5", "0.25", "12.00", "1E3", "3"]),  # money-like texts: the general way
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(all_formats())), st.data())
def test_measured_from_the_record_as_from_its_cells(format_id: str, data: st.DataObject) -> None:
    fmt = all_formats()[format_id]
    count = len(cell_fields(format_id))
    length = data.draw(st.sampled_from([count, count, count, count - 1]))  # odd ones too
    texts = data.draw(st.lists(CELL, min_size=length, max_size=length))
    record = Filed(2021, format_id, "", ",".join(texts))
    try:
        want = measure(fmt, cells_of(record, cells_needed(fmt)))
    except IndexError:  # a record shorter than its format: both refuse it alike
        want = None
    if want is None:
        try:
            measure_record(fmt, record)
        except IndexError:
            return
        raise AssertionError("a short record was measured")
    assert measure_record(fmt, record) == want


def test_the_usual_report_is_measured_by_position() -> None:
    fmt = all_formats()["2021"]
    texts = [str(i % 7) for i in range(len(cell_fields("2021")))]
    record = Filed(2021, "2021", "", ",".join(texts))
    got = measure_record(fmt, record)
    assert got == measure(fmt, cells_of(record, cells_needed(fmt)))
    assert any(m.value is not None and m.value != 0 for m in got)  # a real ratio compared
