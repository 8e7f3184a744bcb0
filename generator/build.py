"""The pipeline: load → validate → render → write, run by ``check``, ``build`` and ``serve``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .load import load_site
from .model import Site
from .problems import Problem, sort_problems
from .validate import validate


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


def check(content: Path, shown: str | None = None) -> Checked:
    """Load and validate everything under ``content``; nothing is written."""
    loaded = load_site(content, shown)
    problems = list(loaded.problems)
    if loaded.site is not None:
        problems.extend(validate(loaded.site))
    return Checked(loaded.site, sort_problems(problems))
