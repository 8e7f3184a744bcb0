"""Worker pools leave Ctrl-C to the parent, also when it comes while they are forked."""

from __future__ import annotations

import multiprocessing
import signal
import threading

import pytest
from nianbao import workers


def _how_sigint_is_handled() -> tuple[object, bool]:
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    return signal.getsignal(signal.SIGINT), signal.SIGINT in blocked


def test_workers_ignore_ctrl_c_and_nothing_stays_blocked() -> None:
    with workers.fork_pool(2) as pool:
        seen = pool.map(_in_a_worker, range(2))
    assert seen == [(signal.SIG_IGN, False)] * 2
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())


def _in_a_worker(_: int) -> tuple[object, bool]:
    return _how_sigint_is_handled()


def test_ctrl_c_while_forking_reaches_the_parent_after_the_pool_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = multiprocessing.get_context
    made = []

    class Context:
        def Pool(self, *args: object, **kwargs: object) -> object:
            # Ctrl-C just as the workers are forked, sent to this thread (a process-wide
            # signal may be taken by another thread of the test process)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
            pool = real("fork").Pool(*args, **kwargs)  # type: ignore[arg-type]
            made.append(pool)
            return pool

    # workers imports multiprocessing when it makes a pool: its get_context is the one used
    monkeypatch.setattr(multiprocessing, "get_context", lambda _: Context())
    # Ctrl-C as a terminal delivers it, whatever an earlier test left installed
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            workers.fork_pool(1)
        assert len(made) == 1  # held until the pool was made, then delivered to the parent
        assert made[0].apply(_how_sigint_is_handled) == (signal.SIG_IGN, False)
    finally:
        signal.signal(signal.SIGINT, previous)
        for pool in made:
            pool.terminate()
            pool.join()
