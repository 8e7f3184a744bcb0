"""What ``serve`` hears of saves: watchdog's observer (inotify on Linux) behind livereload's
watcher interface, debounced, each rebuild on a thread of its own.

livereload's own watcher polls every file every 0.8 s, and one poll of a 10,000-report
portal takes 0.48–0.62 s (measured with livereload 2.7.1's Watcher.examine), so it alone
cannot meet a 0.2 s save-to-page target. watchdog reports what changed instead, and saves
that come within DEBOUNCE of each other make one rebuild (MkDocs dropped livereload over
repeated rebuilds on rapid saves). The browser is told to reload as soon as the edited
agency's pages are written (Session.watching), and once more at the end if the rest
changed anything; a save made meanwhile is rebuilt when the running one ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from .build import Result
from .rerender import Watching
from .servepreview import Preview

DEBOUNCE = 0.03  # seconds of quiet after a save before rebuilding (an editor's save: < 5 ms)
SETTLE = 0.3  # seconds before trying again when files vanished mid-read


class GivenUp(BaseException):
    """Ctrl-C pressed again while a rebuild was being finished: stop without it."""


# Only what a save, a new file or a removal causes. Opening a file or folder is no change,
# and asking for those events would hear every folder our own scan opens: 11,000 of them in
# a 10,000-report portal, enough to overflow the inotify queue on every build.
_EDITS: list[type[FileSystemEvent]] = [
    FileModifiedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


class _Changes(FileSystemEventHandler):
    """Runs on watchdog's thread: hands each path to the server's loop. ``only`` keeps just
    the events about those paths (the watch on a watched folder's parent)."""

    def __init__(
        self, loop: IOLoop, notify: Callable[[Path], None], only: set[Path] | None = None
    ) -> None:
        self.loop, self.notify, self.only = loop, notify, only

    def on_any_event(self, event: FileSystemEvent) -> None:
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path and (self.only is None or Path(str(path)) in self.only):
                self.loop.add_callback(self.notify, Path(str(path)))


class SaveWatcher(Watcher):
    """livereload's watcher interface, fed by watchdog and debounced."""

    def __init__(self, preview: Preview, paths: list[Path]) -> None:
        super().__init__()
        self.preview = preview
        self.paths = paths
        self.observer = Observer()
        self._pending: set[Path] = set()
        self._timer: object | None = None
        self._loop: IOLoop | None = None
        self._watches: dict[Path, Any] = {}
        self._handler: _Changes | None = None
        # one rebuild at a time, off the server's loop: pages are served while it runs
        self._builder = ThreadPoolExecutor(1, thread_name_prefix="nianbao-rebuild")
        self._building = False

    def begin(self) -> None:
        """Watch before the server answers: a save made as soon as the page loads must not
        slip past. (Setting up inotify watches on 10,000 report folders takes a moment.)
        Each watched folder's parent is watched too, for the folder being replaced."""
        self._loop = IOLoop.current()
        self._handler = _Changes(self._loop, self._changed)
        for path in self.paths:
            self._watch(path)
        parents = {p.absolute().parent for p in self.paths}
        only = {p.absolute() for p in self.paths}
        for parent in parents:
            self.observer.schedule(
                _Changes(self._loop, self._replaced, only), str(parent), event_filter=_EDITS
            )
        self.observer.start()

    def _watch(self, path: Path) -> None:
        if path in self._watches:
            self.observer.unschedule(self._watches.pop(path))
        assert self._handler is not None
        if path.is_dir():
            self._watches[path] = self.observer.schedule(
                self._handler, str(path), recursive=True, event_filter=_EDITS
            )

    def _replaced(self, path: Path) -> None:
        """A watched folder was created, moved or removed as a whole: watch the new one."""
        for watched in self.paths:
            if watched.absolute() == path:
                self._watch(watched)
        self._changed(path)

    def start(self, callback: Callable[[], Any]) -> bool:
        return True  # livereload need not poll: begin() already watches

    def examine(self) -> tuple[str | None, None]:
        return None, None

    def _changed(self, path: Path) -> None:
        if _ignored(path, self.preview.out):
            return
        self._pending.add(path)
        assert self._loop is not None
        if self._timer is not None:
            self._loop.remove_timeout(self._timer)
        self._timer = self._loop.call_later(DEBOUNCE, self._fire)

    def _fire(self) -> None:
        self._timer = None
        if self._building:
            return  # _built starts the next rebuild, with every save made meanwhile
        changed, self._pending = self._pending, set()
        loop = self._loop
        assert loop is not None
        early: list[int] = []

        def written(count: int) -> None:  # on the rebuild's thread
            early.append(count)
            self.preview.failed = False  # errors were looked for before anything was written
            loop.add_callback(LiveReloadHandler.reload_waiters, "*")

        self.preview.session.watching = Watching(written, set(self.preview.viewed))
        self._building = True
        rebuild = self._builder.submit(self.preview.rebuild, changed)
        loop.add_future(rebuild, lambda done: self._built(done, early))

    def _built(self, rebuild: Future[Result] | asyncio.Future[Result], early: list[int]) -> None:
        """On the loop, once a rebuild ended: reload (again, if the end changed more than
        the early reload showed), and rebuild what was saved meanwhile."""
        self._building = False
        assert self._loop is not None
        try:
            result = rebuild.result()
        finally:
            if self._pending and self._timer is None:
                self._timer = self._loop.call_later(DEBOUNCE, self._fire)
        if self.preview.unsettled:
            if self._timer is None:
                self._timer = self._loop.call_later(SETTLE, self._fire)
            return
        if not early or not result.written or result.rendered > early[0]:
            LiveReloadHandler.reload_waiters("*")

    def stop(self) -> None:
        """Stop watching; a rebuild under way is finished first (the lock is then given up
        with the output whole), unless Ctrl-C is pressed again meanwhile (GivenUp)."""
        self.observer.stop()
        self.observer.join(timeout=5)
        if self._building:
            print("正在完成本次生成……", flush=True)
        try:
            self._builder.shutdown(wait=True)
        except KeyboardInterrupt:
            raise GivenUp from None


def _ignored(path: Path, out: Path) -> bool:
    name = path.name
    if name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913":
        return True  # editors' backup and probe files (vim writes "4913")
    try:
        path.resolve().relative_to(out.resolve())
        return True  # our own output
    except ValueError:
        return False
