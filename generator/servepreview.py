"""What one ``serve`` session builds and shows: its rebuilds (build.Session), the problems
of the last save (every page shows them while it is broken), and the agencies whose pages
were served last (rendered first by the next rebuild)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from jinja2 import Environment

from .build import Result, Session, build
from .outdir import OutputRefused
from .problems import Problem, summary_line

SETTLE_TRIES = 10  # rebuilds in a row that may see files vanish before giving up waiting
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
