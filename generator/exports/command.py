"""``nianbao export``: the data files of the site (each report's and each year's), checked
like a build and written without the pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..coverage import region_years
from ..load import load_site_yaml
from ..model import Agency
from ..problems import Problem, sort_problems
from ..sources import scan
from ..write import Writer
from . import YearFiles, YearJob
from .parts import year_data_paths
from .report_files import report_outputs
from .year_files import formats_of, members


@dataclass
class Exported:
    problems: list[Problem]
    reports: int = 0
    files: int = 0
    written: bool = False


def export(content: Path, out: Path, shown: str | None = None) -> Exported:
    """Load and check everything; with no errors, write every data file under ``out``."""
    from ..agencywork import load_and_check  # the one pipeline: load and check as build does

    shown = content.as_posix() if shown is None else shown
    problems: list[Problem] = []
    site = load_site_yaml(content, shown, problems)
    agencies: list[Agency] = []
    for folder in scan(content, 1).agencies.values():
        agency, found = load_and_check(folder, shown)
        problems.extend(found)
        if agency is not None:
            agencies.append(agency)
    result = Exported(sort_problems(problems), sum(len(a.reports) for a in agencies))
    if site is None or any(p.severity == "error" for p in problems):
        return result
    agencies.sort(key=lambda a: a.sort_key)
    writer = Writer(out)
    for agency in agencies:
        for _, report in sorted(agency.reports.items()):
            for output in report_outputs(agency, report):
                writer.write(output)
    # the year files in pieces, straight to their place (as a build writes them)
    paths = [
        path
        for year in region_years(agencies)
        for path in year_data_paths(year, formats_of(members(year, agencies)))
    ]
    year_files = YearFiles(YearJob(agencies, out, True, None, ""), paths, set(), writer, 1)
    try:
        for path in paths:
            year_files.take(path)
    finally:
        year_files.close()
    result.files, result.written = len(writer.written), True
    return result
