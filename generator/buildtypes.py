"""The values the build's stages hand each other: a build's result, an agency as loaded
with its pages' bases, and what every agency task needs to know."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import InitVar, dataclass, field
from pathlib import Path

from .contentfiles import VANISHED
from .model import Agency, Site
from .problems import Problem, Problems

Progress = Callable[[int, int], None]  # (agencies done, agencies in all)


@dataclass
class Result:
    # every problem found: Problems (a warm build's keep the unchanged agencies' as their
    # records do), or a list of them, made a Problems (sorted) here
    given: InitVar[Iterable[Problem]]
    reports: int = 0
    pages: int = 0  # files in the built site
    rendered: int = 0  # files written by this run
    written: bool = False
    incremental: bool = False
    repaired: int = 0  # output files changed or removed by hand, written again
    seconds: float = 0.0
    search: bool = False  # site.yaml asks for a search index (made by the CLI, search.py)
    # the agencies as loaded (no reports kept), in display order: made when first asked for
    agencies_of: Callable[[], list[Agency]] = list
    found: Problems = field(init=False)

    def __post_init__(self, given: Iterable[Problem]) -> None:
        self.found = given if isinstance(given, Problems) else Problems(given)

    @property
    def agencies(self) -> list[Agency]:
        """Every agency read (a warm build makes them from its records only now)."""
        return self.agencies_of()

    @property
    def problems(self) -> list[Problem]:
        """Every problem, sorted."""
        return self.found.listed()

    @property
    def errors(self) -> list[Problem]:
        return self.found.errors()

    @property
    def unsettled(self) -> bool:
        """A file or folder vanished while it was read: the content is changing."""
        return self.found.has_rule(VANISHED)

    def text(self) -> str:
        """Every problem's line, as printed (without a Problem of an unchanged agency)."""
        return self.found.text()

    def counts(self) -> tuple[int, int]:
        """(errors, warnings)."""
        return self.found.counts()


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
