"""serve's file handler sends each file as it was when the request opened it: a rebuild
that renames a new page over the old one mid-request cannot cut the page short (tornado's
own handler looked the path up again for the length, the ETag and the bytes)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from nianbao.servefiles import page_handler
from test_serve import free_port
from tornado.ioloop import IOLoop
from tornado.web import Application

OLD = "旧页面".encode() * 60_000  # 540,000 bytes: several chunks
NEW = "新".encode() * 1000


@pytest.fixture
def replacing_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server whose handler, right after opening a file, renames a new file over it (as
    a rebuild does), the rename a request might meet at any moment."""
    site = tmp_path / "site"
    site.mkdir()
    preview = SimpleNamespace(failed=False, served=lambda path: None)
    base = page_handler(preview)  # type: ignore[arg-type]

    class Replacing(base):  # type: ignore[valid-type,misc]
        def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
            path = super().validate_absolute_path(root, absolute_path)
            if path is not None:
                fresh = Path(path).with_suffix(".tmp")
                fresh.write_bytes(NEW)
                os.replace(fresh, path)
            return path

    port = free_port()
    started = threading.Event()
    loops: list[IOLoop] = []

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        app = Application(
            [(r"/(.*)", Replacing, {"path": str(site), "default_filename": "index.html"})]
        )
        server = app.listen(port, "127.0.0.1")
        loops.append(IOLoop.current())
        started.set()
        IOLoop.current().start()
        server.stop()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield f"http://127.0.0.1:{port}/", site
    finally:
        loops[0].add_callback(loops[0].stop)
        thread.join(10)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_a_page_replaced_mid_request_is_sent_whole_as_opened(
    replacing_server: tuple[str, Path],
) -> None:
    url, site = replacing_server
    (site / "index.html").write_bytes(OLD)
    status, headers, body = fetch(url)
    assert status == 200
    assert body == OLD
    assert headers["Content-Length"] == str(len(OLD))
    assert headers["Etag"] == f'"{hashlib.sha1(OLD).hexdigest()}"'
    assert (site / "index.html").read_bytes() == NEW  # replaced while it was sent
    # the next request opens the page as it is now
    status, headers, body = fetch(url + "index.html")
    assert (status, body, headers["Content-Length"]) == (200, NEW, str(len(NEW)))


def test_a_range_comes_from_the_file_as_opened(replacing_server: tuple[str, Path]) -> None:
    url, site = replacing_server
    (site / "data.csv").write_bytes(OLD)
    status, headers, body = fetch(url + "data.csv", {"Range": "bytes=9-17"})
    assert (status, body) == (206, OLD[9:18])
    assert headers["Content-Range"] == f"bytes 9-17/{len(OLD)}"
