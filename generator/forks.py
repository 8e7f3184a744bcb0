"""Work split into parts, each done by a child forked for it, without multiprocessing.

The content scan of a large portal forks its workers at the very start of a build, and all
it needs is a fork per part and the part's result back: multiprocessing's pool costs a
one-edit build far more than that (its import alone, with socket, pickle, tempfile and
shutil, is some 25 ms of every command; then its three threads, its queues and its
shutdown). Here each child gets a pipe, does its part (the parent's memory, as it was at
the fork, is the job: nothing is pickled), writes the result with ``marshal`` and exits.

A child that fails in any way (it raised, it was killed, its result did not arrive whole)
has its part done again in the parent, where an error is raised as it would be without
children. Children ignore Ctrl-C (as workers.fork_pool's do): the parent alone is
interrupted, and stops them (``close``).
"""

from __future__ import annotations

import gc
import marshal
import os
import signal
from collections.abc import Callable, Sequence
from typing import Any, NoReturn


class Forked:
    """``work(part)`` for each of ``parts``, each in a child forked now; ``results()``
    waits for them, in the order of ``parts``. ``work``'s results must be values
    ``marshal`` can write (numbers, strings, bytes, None, lists, tuples, dicts of them)."""

    def __init__(self, work: Callable[[Any], Any], parts: Sequence[Any]) -> None:
        self._work, self._parts = work, list(parts)
        # (process id, read end of its pipe); -1 once waited for, or closed
        self._children: list[tuple[int, int]] = []
        self._done: dict[int, Any] = {}  # the results in, by part
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            for part in self._parts:
                read, write = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.close(read)
                    _child(work, part, write, held)
                os.close(write)  # so that the next children do not hold it open
                self._children.append((pid, read))
        except BaseException:
            self.close()
            raise
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def results(self) -> list[Any]:
        """Each part's result; the children have all exited when it returns."""
        try:
            return [self.result(i) for i in range(len(self._parts))]
        finally:
            self.close()

    def result(self, i: int) -> Any:
        """Part ``i``'s result, waiting for its child alone (the others work on)."""
        if i in self._done:
            return self._done[i]
        pid, read = self._children[i]
        if pid == -1:
            raise RuntimeError("closed")
        try:
            self._children[i] = (pid, -1)  # its read end is closed below, whatever happens
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            self._children[i] = (-1, -1)
            result = _loaded(data) if os.waitstatus_to_exitcode(status) == 0 else _FAILED
            self._done[i] = self._work(self._parts[i]) if result is _FAILED else result
        except BaseException:
            self.close()
            raise
        return self._done[i]

    def close(self) -> None:
        """Stop the children still running and wait for them to exit."""
        children = self._children
        self._children = [(-1, -1)] * len(children)
        for pid, read in children:
            if read != -1:
                os.close(read)
            if pid == -1:
                continue
            try:
                os.kill(pid, signal.SIGKILL)  # its work is unwanted and it holds nothing
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


_FAILED = object()  # a child's result that did not arrive


def _loaded(data: bytes) -> Any:
    try:
        return marshal.loads(data)
    except (EOFError, ValueError, TypeError):  # cut short, or not what the child wrote
        return _FAILED


def _child(
    work: Callable[[Any], Any], part: Any, write: int, held: set[int | signal.Signals]
) -> NoReturn:
    """A child's whole life: its part done, the result written, exit without clean-up (the
    parent's buffers, files and exit handlers are the parent's)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        # its collector never walks what it inherited: walking writes to every object's
        # header, which would copy the parent's memory into the child page by page
        gc.freeze()
        data = marshal.dumps(work(part))
        view = memoryview(data)
        while view:
            view = view[os.write(write, view) :]
        code = 0
    except BaseException:  # the parent does this part again and says why, if it fails
        pass
    finally:
        os._exit(code)
