"""A cold build hands agencies to its workers in chunks (agencywork._chunked): every
agency once, in order, in chunks that shrink towards the end, so that the workers finish
together instead of one of them idling through the other's last full chunk."""

from __future__ import annotations

from typing import Any

from nianbao.agencywork import _chunked


def test_agencies_are_chunked_in_order_smaller_towards_the_end() -> None:
    for total in (0, 1, 24, 100, 1430, 14300):
        for jobs in (1, 2, 8):
            agencies: list[Any] = list(range(total))
            chunks = _chunked(agencies, jobs)
            assert [a for chunk in chunks for a in chunk] == agencies
            sizes = [len(chunk) for chunk in chunks]
            assert all(1 <= s <= 16 for s in sizes)
            assert sizes == sorted(sizes, reverse=True)
            assert not sizes or sizes[-1] == 1


def test_many_agencies_go_sixteen_at_a_time() -> None:
    agencies: list[Any] = list(range(1430))
    sizes = [len(chunk) for chunk in _chunked(agencies, 2)]
    assert sizes[0] == 16 and len(sizes) < 120
