"""The cyclic garbage collector paused while a phase makes or reads many objects that
are never garbage (the callers say which), so that its passes do not walk them again and
again; reference counting still frees what is dropped meanwhile."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector as it was afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
