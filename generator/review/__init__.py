"""Review before publication: what the format rules cannot see.

Figures in the narrative against the tables (textfigures), sections the format asks for
(completeness), narratives copied from last year or from another agency (copying). Every
finding is a warning with an R rule id, part of ``check`` like any other problem.
"""

from __future__ import annotations

from ..model import NARRATIVE_FILES, Report
from ..problems import Problem
from .completeness import check_completeness
from .copying import check_previous_year

CHECKED_NARRATIVES = ("overview", "problems", "other")


def narrative_path(report: Report, name: str) -> str:
    """The Markdown file of a narrative, as shown to the user."""
    return report.path.rsplit("/", 1)[0] + "/" + NARRATIVE_FILES[name]


def review_report(report: Report, previous: Report | None) -> list[Problem]:
    """Every review finding about one report that needs no other agency."""
    # imported here: its vocabulary costs ≈ 30 ms to load, and a build that reads no
    # report (nothing changed) imports this package for copying's sketches only
    from .textfigures import check_narrative, to_problems

    problems: list[Problem] = []
    for name in CHECKED_NARRATIVES:
        text = report.narratives.get(name)
        if text is None:
            continue
        found = check_narrative(report, text, previous)
        problems.extend(to_problems(report, narrative_path(report, name), text, found))
    problems.extend(check_previous_year(report, previous, report.path.rsplit("/", 1)[0]))
    if report.format.covers(report.year):  # else V7 says the whole report is off-format
        problems.extend(check_completeness(report, narrative_path))
    return problems
