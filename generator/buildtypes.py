"""The values the build's stages hand each other: a build's result, an agency as loaded
with its pages' bases, and what every agency task needs to know."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .contentfiles import VANISHED
from .model import Agency, Site
from .problems import Problem, Problems, count

Progress = Callable[[int, int], None]  # (agencies done, agencies in all)


@dataclass
class Result:
    # every problem found, sorted: a list, or (a warm build) Problems that keep the
    # unchanged agencies' as their records do; ``problems`` lists them either way
    found: list[Problem] | Problems
    reports: int = 0
    pages: int = 0  # files in the built site
    rendered: int = 0  # files written by this run
    written: bool = False
    incremental: bool = False
    repaired: int = 0  # output files changed or removed by hand, written again
    seconds: float = 0.0
    search: bool = False  # site.yaml asks for a search index (made by the CLI, search.py)
    agencies: list[Agency] = field(default_factory=list)  # as loaded (no reports kept)

    @property
    def problems(self) -> list[Problem]:
        if isinstance(self.found, Problems):
            return self.found.listed()
        return self.found

    @problems.setter
    def problems(self, problems: list[Problem] | Problems) -> None:
        self.found = problems

    @property
    def errors(self) -> list[Problem]:
        if isinstance(self.found, Problems):
            return self.found.errors()
        return [p for p in self.found if p.severity == "error"]

    @property
    def unsettled(self) -> bool:
        """A file or folder vanished while it was read: the content is changing."""
        if isinstance(self.found, Problems):
            return self.found.has_rule(VANISHED)
        return any(p.rule == VANISHED for p in self.found)

    def text(self) -> str:
        """Every problem's line, as printed (without a Problem of an unchanged agency)."""
        if isinstance(self.found, Problems):
            return self.found.text()
        return "".join(f"{p.format()}\n" for p in self.found)

    def counts(self) -> tuple[int, int]:
        """(errors, warnings)."""
        return count(self.found)


# An agency as loaded (reports and all) and, for each of its pages, the digest of the data
# it is made from and its kind (pagekeys.PAGE_TEMPLATES): enough to render it again.
Kept = tuple[Agency, dict[str, tuple[str, str]]]


@dataclass
class Job:
    """What every agency task needs to know; handed to worker processes once."""

    site: Site  # site.yaml only; agencies are the tasks
    shown: str
    key: str
    templates: Path | None
    render_into: Path | None = None  # cold builds: workers write report and agency pages here
    keep: bool = False  # hand back each agency as loaded, for Session.kept
