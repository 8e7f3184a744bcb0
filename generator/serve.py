"""``nianbao serve``: build, serve the site, rebuild what a save changed, reload the browser.

livereload serves the pages and tells the browser to reload; it is used only here.
watchdog reports saves, debounced, and each rebuild runs on a thread of its own, so the
server answers while it runs (servewatch); the session's builds and what the browser is
shown come from servepreview, the pages themselves from servefiles, the port from
serveaddress.

When a save brings an error, every page shows the problems, located as ``check`` locates
them, while the last good site stays on disk; fixing the error brings the pages back.

``serve`` holds the output folder's lock while it runs (a ``build`` into the same folder is
refused, saying so). A file vanishing while it is read (a ``git checkout`` under way) is a
normal event: the rebuild is tried again once the content has settled. When ``content/``
itself is replaced (moved away and another put in its place), the watch moves to the new one.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .outdir import OutputRefused, hold, target
from .serveaddress import address, claim
from .servefiles import QuietServer, page_handler
from .servepreview import Preview
from .servewatch import SETTLE, GivenUp, SaveWatcher


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
    except GivenUp:  # the lock is given back by now
        print("\n已中断。", file=sys.stderr, flush=True)
        _end_at_once()
        raise  # (not reached)


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
    watcher = SaveWatcher(preview, watched)
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
