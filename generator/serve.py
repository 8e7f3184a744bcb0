"""``nianbao serve``: build, serve the site, rebuild what a save changed, reload the browser.

livereload serves the pages and tells the browser to reload; it is used only here. Its own
watcher polls every file every 0.8 s, and one poll of a 10,000-report portal takes
0.48–0.62 s (measured with livereload 2.7.1's Watcher.examine), so it alone cannot meet a
0.2 s save-to-page target. watchdog's observer (inotify on Linux) reports what changed
instead, and saves that come within DEBOUNCE of each other make one rebuild (MkDocs dropped
livereload over repeated rebuilds on rapid saves).

Each rebuild runs on a thread of its own, so the server answers while it runs: the browser
is told to reload as soon as the edited agency's pages (or, after a template edit, those of
the agencies whose pages were served last) are written (Session.watching), before the pages
about many agencies, the year files and the manifest, and once more at the end if those
changed anything. A save made meanwhile is rebuilt when the running one ends.

When a save brings an error, every page shows the problems, located as ``check`` locates
them, while the last good site stays on disk; fixing the error brings the pages back.

``serve`` holds the output folder's lock while it runs (a ``build`` into the same folder is
refused, saying so). A file vanishing while it is read (a ``git checkout`` under way) is a
normal event: the rebuild is tried again once the content has settled. When ``content/``
itself is replaced (moved away and another put in its place), the watch moves to the new one.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from jinja2 import Environment
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

from .build import Result, Session, build
from .outdir import OutputRefused, hold, target
from .problems import Problem, summary_line
from .rerender import Watching
from .serveaddress import address, claim
from .servefiles import QuietServer, page_handler

DEBOUNCE = 0.03  # seconds of quiet after a save before rebuilding (an editor's save: < 5 ms)
SETTLE = 0.3  # seconds before trying again when files vanished mid-read
SETTLE_TRIES = 10
VIEWED = 8  # agencies whose pages are rendered first (the last pages served)

_ERROR_PAGE = Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>有错误，网站未更新 - nianbao 预览</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
  line-height: 1.6; color: #1a1a1a; }
h1 { color: #8b0000; font-size: 1.4rem; }
li { margin: 0.5rem 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
.warning { color: #5c4400; }
</style></head>
<body>
<main>
<h1>有错误，网站未更新</h1>
<p>保存的内容有 {{ errors }} 个错误{% if warnings %}、{{ warnings }} 个警告{% endif %}。改正后保存，本页会自动刷新；在此之前，磁盘上仍是上次成功生成的网站。</p>
<ol>
{% for p in problems %}<li class="{{ p.severity }}">{{ p.format() }}</li>
{% endfor %}
</ol>
</main>
</body>
</html>
"""
)


class Preview:
    """The builds of one ``serve`` session and what the browser should see."""

    def __init__(
        self, content: Path, templates: Path | None, out: Path, shown: str, jobs: int | None
    ) -> None:
        self.content, self.templates, self.out, self.shown, self.jobs = (
            content,
            templates,
            out,
            shown,
            jobs,
        )
        self.session = Session()
        self.problems: list[Problem] = []
        self.failed = False
        self.unsettled = 0  # rebuilds in a row that saw files vanish
        self.viewed: list[str] = []  # the agencies of the last pages served (newest last)
        self.frozen = False  # whether the objects of a build are out of the collector's sight

    def served(self, path: str) -> None:
        """A page was served: its agency's pages are rendered first by the next rebuild (a
        browser shows the page it fetched last; several may be open)."""
        slug = path.strip("/").split("/", 1)[0]
        if slug and "." not in slug:  # an agency's folder, not index.html or feed.xml
            if slug in self.viewed:
                self.viewed.remove(slug)
            self.viewed = [*self.viewed, slug][-VIEWED:]

    def rebuild(self, changed: set[Path] | None = None, first: bool = False) -> Result:
        """Build what changed. OutputRefused is raised on the ``first`` build only; later,
        it is shown like a problem of the content."""
        if changed is not None and self.session.changed is not None:
            self.session.changed |= changed
        elif changed is None:
            self.session.changed = None
        try:
            result = build(
                self.content, self.templates, self.out, self.shown, self.jobs, session=self.session
            )
        except OutputRefused as refused:  # files put into the output by hand meanwhile
            if first:
                raise
            result = Result([Problem(self.out.as_posix(), 1, 1, "error", str(refused))])
        if result.unsettled and self.unsettled < SETTLE_TRIES:
            self.unsettled += 1  # the content is changing under us: wait, then look again
            self.session.changed = None
            print("内容正在变动，稍后重新生成……")
            sys.stdout.flush()
            return result
        self.unsettled = 0
        self.failed = not result.written
        if result.written:
            _settle_memory(self.frozen)
            self.frozen = True
        self.problems = result.problems
        for p in result.problems:
            print(p.format())
        if result.written:
            print(f"已更新 {result.rendered} 个文件，用时 {result.seconds:.2f} 秒")
        else:
            print(summary_line(result.problems, result.reports) + " 网站未更新。")
        sys.stdout.flush()
        return result

    def error_page(self) -> str:
        errors = sum(p.severity == "error" for p in self.problems)
        return _ERROR_PAGE.render(
            problems=self.problems, errors=errors, warnings=len(self.problems) - errors
        )


def _settle_memory(again: bool) -> None:
    """What a build leaves in memory (the agencies kept and the manifest: some 70,000
    objects a thousand reports) is moved out of the cyclic collector's sight (gc.freeze): a
    full collection of it holds the interpreter (0.24 s at 1,000 reports on this machine,
    ten times that at 10,000), so the server would stop answering mid-save, and forked
    workers would copy every memory page it touches. ``again``: first collect what the last
    build left behind, which is then all the collector looks at."""
    if again:
        gc.collect()
    gc.freeze()


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


class _Watcher(Watcher):
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
        with the output whole), unless Ctrl-C is pressed again meanwhile (_GivenUp)."""
        self.observer.stop()
        self.observer.join(timeout=5)
        if self._building:
            print("正在完成本次生成……", flush=True)
        try:
            self._builder.shutdown(wait=True)
        except KeyboardInterrupt:
            raise _GivenUp from None


def _ignored(path: Path, out: Path) -> bool:
    name = path.name
    if name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913":
        return True  # editors' backup and probe files (vim writes "4913")
    try:
        path.resolve().relative_to(out.resolve())
        return True  # our own output
    except ValueError:
        return False


def serve(
    content: Path,
    templates: Path | None,
    out: Path,
    shown: str,
    host: str,
    port: int,
    jobs: int | None = None,
) -> int:
    port, why = claim(host, port)
    if why:
        print(f"nianbao: 错误: {why}", file=sys.stderr)
        return 1

    def say(message: str) -> None:
        print(f"nianbao: {message}", file=sys.stderr, flush=True)

    try:
        output = target(out)
        with hold(output, "serve", say):
            return _serve(content, templates, out, shown, host, port, jobs)
    except OutputRefused as refused:
        say(f"错误: {refused}")
        return 2
    except _GivenUp:  # the lock is given back by now
        print("\n已中断。", file=sys.stderr, flush=True)
        _end_at_once()
        raise  # (not reached)


class _GivenUp(BaseException):
    """Ctrl-C pressed again while a rebuild was being finished: stop without it."""


def _end_at_once() -> None:
    """End the process without waiting for the rebuild's thread (the interpreter would
    join it; Python before 3.13 gives it up only by accident). Its worker processes are
    ended first; what it left half-written is in its journal, which the next build reads."""
    pools = sys.modules.get("multiprocessing")
    for child in pools.active_children() if pools is not None else []:
        child.terminate()
    sys.stdout.flush()
    os._exit(130)


def _serve(
    content: Path,
    templates: Path | None,
    out: Path,
    shown: str,
    host: str,
    port: int,
    jobs: int | None,
) -> int:
    preview = Preview(content, templates, out, shown, jobs)
    preview.rebuild(first=True)
    while preview.unsettled:  # started during a checkout: wait for it
        time.sleep(SETTLE)
        preview.rebuild(first=True)
    watched = [content] + ([templates] if templates and templates.is_dir() else [])
    watcher = _Watcher(preview, watched)
    server = QuietServer(watcher=watcher)
    server.SFH = page_handler(preview)
    out.mkdir(parents=True, exist_ok=True)
    watcher.begin()
    print(f"预览地址：{address(host, port)}  （保存即更新，按 Ctrl-C 停止）")
    sys.stdout.flush()
    try:
        server.serve(port=port, host=host, root=str(out), restart_delay=0)
    except OSError as e:  # taken in the moment since _claim: rare, but no traceback
        print(f"nianbao: 错误: 无法在 {host}:{port} 上启动预览：{e.strerror or e}", file=sys.stderr)
        return 1
    finally:
        watcher.stop()
    print("已停止预览。")
    return 0
