"""forks.Forked (the content scan's children): each part's result back in order, Ctrl-C
left to the parent, and a child that fails has its part done again in the parent."""

from __future__ import annotations

import os
import signal

import pytest
from nianbao.forks import Forked


def _squares(part: list[int]) -> list[tuple[int, bytes | None]]:
    return [(n * n, None if n % 2 else str(n).encode()) for n in part]


def test_each_part_is_done_by_a_child_and_the_results_come_in_order() -> None:
    parts = [[1, 2, 3], [], [4], list(range(5, 2000))]
    assert Forked(_squares, parts).results() == [_squares(p) for p in parts]


def _where(_: object) -> tuple[int, bool, bool]:
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    return os.getpid(), signal.getsignal(signal.SIGINT) == signal.SIG_IGN, signal.SIGINT in blocked


def test_children_ignore_ctrl_c_and_nothing_stays_blocked() -> None:
    seen = Forked(_where, [0, 1]).results()
    assert [s[1:] for s in seen] == [(True, False)] * 2  # Ctrl-C ignored, not blocked
    assert os.getpid() not in {s[0] for s in seen} and seen[0][0] != seen[1][0]
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())


PARENT = os.getpid()


def _fails_in_a_child(part: int) -> int:
    if os.getpid() != PARENT:
        raise OSError("a child's failure")
    return part * 10


def test_a_part_whose_child_failed_is_done_in_the_parent() -> None:
    assert Forked(_fails_in_a_child, [1, 2]).results() == [10, 20]


CALLS: list[int] = []


def _fails(part: int) -> int:
    CALLS.append(part)  # in the parent: the children's calls are theirs
    raise ValueError(f"part {part}")


def test_an_error_the_parent_meets_too_is_raised_there() -> None:
    CALLS.clear()
    with pytest.raises(ValueError, match="part 1"):
        Forked(_fails, [1, 2]).results()
    assert CALLS == [1]  # done once again here, and the error raised as it came


def _waits(_: object) -> None:
    signal.pause()


def test_close_stops_children_still_at_work() -> None:
    forked = Forked(_waits, [0, 1])
    pids = [pid for pid, _ in forked._children]
    forked.close()
    for pid in pids:
        with pytest.raises(ChildProcessError):  # exited and reaped
            os.waitpid(pid, os.WNOHANG)


def _first_done(part: int) -> int:
    if part:
        signal.pause()  # at work until stopped
    return part + 10


def test_one_part_is_had_while_the_others_work_on() -> None:
    forked = Forked(_first_done, [0, 1])
    pid = forked._children[1][0]
    try:
        assert forked.result(0) == 10
        assert forked.result(0) == 10  # kept, not waited for again
        assert os.waitpid(pid, os.WNOHANG) == (0, 0)  # the other still at work
    finally:
        forked.close()
    with pytest.raises(ChildProcessError):  # stopped and reaped
        os.waitpid(pid, os.WNOHANG)
    with pytest.raises(RuntimeError):
        forked.result(1)
