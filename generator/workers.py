"""Worker processes: pools forked from the build, which leave Ctrl-C to the parent.

Ctrl-C reaches every process of the terminal's group. Workers ignore it, so the parent
alone stops the pool and says 已中断, without a traceback from each worker. SIGINT is held
while the workers are forked: one arriving between a fork and the worker's first line
would otherwise raise KeyboardInterrupt inside the new worker (Python prints it as
"Exception ignored … Traceback"). A worker starts with it blocked and discards it; the
parent gets it once the pool exists (or at once, through another of its threads: either
way the parent stops the build and says 已中断).

Fresh workers (``fresh_pool``) share nothing with the build: they are forked from a small
server process started once (multiprocessing's forkserver), which has loaded the modules
they need and ignores Ctrl-C, and are handed their work pickled. As with any such pool, a
script that calls ``build`` itself must guard its main code with
``if __name__ == "__main__":`` (the ``nianbao`` command does).
"""

from __future__ import annotations

import gc
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

# what the server of fresh workers imports before it forks them (once per process)
FRESH_PRELOAD = [
    f"{__package__}.freshworker",
    f"{__package__}.exports.year_write",
    f"{__package__}.exports.workbook",
]


def fork_pool(processes: int) -> Pool:
    """``processes`` forked workers that ignore Ctrl-C; they share the parent's memory as
    it is now (loaded formats, the job at hand) without pickling it."""
    import multiprocessing  # here: its import (≈ 25 ms) is paid only by a build that forks

    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        context = multiprocessing.get_context("fork")
        return context.Pool(processes, initializer=_start_worker, initargs=(held,))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def fresh_pool(processes: int) -> Pool:
    """``processes`` workers that ignore Ctrl-C, started afresh: forked from a small server
    process (started once, with the year files' modules loaded), so they share none of
    this process's memory (however large it has grown) and are handed their work pickled."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FRESH_PRELOAD)
    return context.Pool(processes, initializer=_start_worker, initargs=(set(),))


def _start_worker(held: set[signal.Signals]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    # The collector of a worker never walks what it inherited: walking writes to every
    # object's header, which would copy the parent's memory into the worker page by page.
    gc.freeze()
