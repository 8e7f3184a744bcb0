"""What rendering makes and where it goes, without Jinja: the output file, the page every
template relies on, the site's paths, the theme's assets and the template fault.

Kept apart from render.py so the stages that only handle files and paths (write, feed,
exports, region, build) do not import Jinja and Markdown: a build that renders nothing
(nothing changed) never loads them.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from .contentfiles import inside
from .model import Agency, Site
from .problems import Problem

THEME = Path(__file__).resolve().parent / "theme"


@dataclass(frozen=True)
class Output:
    path: str  # relative to the output folder, '/'-separated
    data: bytes


@dataclass
class Page:
    """What every page template can rely on."""

    site: Site
    path: str
    title: str
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (label, path)

    @property
    def root(self) -> str:
        depth = self.path.count("/")
        return "../" * depth

    def url(self, target: str) -> str:
        """A relative link from this page to ``target`` (a site path such as a/2021/)."""
        if target.endswith("/") or target == "":
            target += "index.html"
        return self.root + target

    @property
    def canonical(self) -> str | None:
        if not self.site.url:
            return None
        return self.site.url + self.path.removesuffix("index.html")


@dataclass(frozen=True)
class Download:
    """A file offered beside a page: its name (a link relative to the page) and size."""

    name: str
    size: int

    @property
    def size_text(self) -> str:
        """As a link says it: 43 KB (rounded up: never smaller than the file)."""
        return f"{-(-self.size // 1024)} KB"


class TemplateFault(Exception):
    """A template failed while a page was rendered; carries the located problem (and
    pickles with it, so a worker process can hand it back)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self.problem = problem


def report_title(agency: Agency, year: int) -> str:
    return f"{agency.name}{year}年政府信息公开工作年度报告"


def report_path(slug: str, year: int) -> str:
    return f"{slug}/{year}/index.html"


def docx_path(slug: str, year: int) -> str:
    """The report's Word document, beside its page."""
    return f"{slug}/{year}/{slug}-{year}.docx"


def agency_path(slug: str) -> str:
    return f"{slug}/index.html"


def year_path(year: int) -> str:
    return f"{year}/index.html"


def assets(templates: Path | None) -> list[Output]:
    """The theme's static files and the site's own (which win), under assets/."""
    out = {}
    for folder in [THEME / "static", *([templates / "static"] if templates else [])]:
        if folder.is_dir():
            root = os.path.realpath(folder)
            for f in sorted(folder.rglob("*")):
                # a link out of the folder would publish a file of the build machine
                if f.is_file() and inside(os.path.realpath(f), root):
                    out[posixpath.join("assets", f.relative_to(folder).as_posix())] = f.read_bytes()
    return [Output(path, data) for path, data in sorted(out.items())]
