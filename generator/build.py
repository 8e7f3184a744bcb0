"""The pipeline: load → validate → render → write, run by ``check``, ``build`` and ``serve``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .figures import summarize
from .load import load_site
from .model import Site
from .problems import Problem, sort_problems
from .render import render_site
from .validate import validate
from .write import write_site


@dataclass
class Checked:
    site: Site | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def report_count(self) -> int:
        return len(self.site.reports) if self.site else 0


@dataclass
class Built:
    checked: Checked
    pages: int = 0
    written: bool = False
    seconds: float = 0.0
    out: Path = field(default_factory=Path)


def check(content: Path, shown: str | None = None) -> Checked:
    """Load and validate everything under ``content``; nothing is written."""
    loaded = load_site(content, shown)
    problems = list(loaded.problems)
    if loaded.site is not None:
        for agency in loaded.site.agencies.values():
            agency.summaries = {y: summarize(r) for y, r in agency.reports.items()}
        problems.extend(validate(loaded.site))
    return Checked(loaded.site, sort_problems(problems))


def build(content: Path, templates: Path | None, out: Path, shown: str | None = None) -> Built:
    """Check, then render into memory and write; nothing is written if there are errors."""
    start = time.perf_counter()
    checked = check(content, shown)
    result = Built(checked, out=out)
    if checked.errors or checked.site is None:
        return result
    outputs = render_site(checked.site, templates)
    result.pages = write_site(outputs, out)
    result.written = True
    result.seconds = time.perf_counter() - start
    return result
