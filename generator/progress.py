"""A progress bar for long builds on a terminal; silence elsewhere (CI logs stay short)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Bar:
    """Draws ``[#####-----] 500/1430 个机构`` on one line, at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, label: str = "个机构") -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {self.label}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
