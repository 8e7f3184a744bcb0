"""What ``serve`` answers a browser with: the site as built, or the problems while the last
save is broken; and a server that logs nothing of its own."""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from livereload import Server
from livereload.handlers import StaticFileHandler
from tornado.web import HTTPError

if TYPE_CHECKING:
    from .servepreview import Preview

CHUNK = 64 * 1024  # bytes sent at a time (tornado's own handler's size)


def page_handler(preview: Preview) -> type[StaticFileHandler]:
    class Handler(StaticFileHandler):
        """The site as built; every page shows the problems while the last save is broken.

        A file is opened once, and its size, time, ETag and bytes all come from that open
        file: a rebuild replaces a page by renaming a new file over it, and tornado's own
        handler, which looks the path up again for each of those, could announce the old
        length and send part of the new file (a page cut short in the browser)."""

        showing_problems = False
        opened: io.BufferedReader | None = None

        async def get(self, path: str, include_body: bool = True) -> None:
            if preview.failed and (path == "" or path.endswith(("/", ".html"))):
                self.showing_problems = True
                self.set_header("Content-Type", "text/html; charset=UTF-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(preview.error_page())
                return
            if path == "" or path.endswith(("/", ".html")):
                preview.served(path)
            await super().get(path, include_body)

        def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
            path = super().validate_absolute_path(root, absolute_path)
            if path is not None:
                try:
                    self.opened = open(path, "rb")  # noqa: SIM115 - closed by on_finish
                except OSError:  # removed since it was looked up
                    raise HTTPError(404) from None
            return path

        def _opened_stat(self) -> os.stat_result:
            assert self.opened is not None
            return os.fstat(self.opened.fileno())

        def get_content_size(self) -> int:
            return self._opened_stat().st_size

        def get_modified_time(self) -> datetime.datetime | None:
            return datetime.datetime.fromtimestamp(int(self._opened_stat().st_mtime), datetime.UTC)

        def get_content(  # type: ignore[override]
            self, abspath: str, start: int | None = None, end: int | None = None
        ) -> Iterator[bytes]:
            assert self.opened is not None
            self.opened.seek(start or 0)
            left = (self.get_content_size() if end is None else end) - (start or 0)
            while left > 0:
                chunk = self.opened.read(min(CHUNK, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk

        def compute_etag(self) -> str | None:
            if self.showing_problems or self.opened is None:
                return None
            self.opened.seek(0)
            return f'"{hashlib.file_digest(self.opened, "sha1").hexdigest()}"'

        def on_finish(self) -> None:
            if self.opened is not None:
                self.opened.close()

    return Handler


class QuietServer(Server):
    def _setup_logging(self) -> None:
        """Our own lines, in Chinese, instead of livereload's log."""
        logging.getLogger("tornado.access").setLevel(logging.ERROR)
