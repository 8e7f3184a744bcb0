"""``nianbao docx AGENCY YEAR``: one report's Word document, written to a file.

The agency is loaded and checked as ``build`` would (every rule, across its years); a
report with errors gets no document, since a document for sign-off must match what will be
published. An existing file is replaced only when asked (``--force``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..load import SLUG, display_path, load_agency
from ..outputs import docx_path
from ..problems import Problem, sort_problems
from ..validate import validate_agency


@dataclass
class Export:
    """What ``docx`` did: the problems found, and what was written (or why not)."""

    problems: list[Problem] = field(default_factory=list)
    written: Path | None = None
    size: int = 0
    refused: str = ""  # a usage problem: no such agency or year, a file in the way

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def default_name(slug: str, year: int) -> str:
    """The file's name when ``-o`` is not given: the name it has beside the report page."""
    return docx_path(slug, year).rsplit("/", 1)[1]


def export_docx(
    content: Path, shown: str, slug: str, year: int, output: Path | None, force: bool
) -> Export:
    """Load and check the agency, then write the report's document to ``output``."""
    if not SLUG.fullmatch(slug) or not (content / slug / "agency.yaml").is_file():
        return Export(refused=f"找不到机构“{slug}”（应有 {display_path(shown, slug)}/agency.yaml）")
    target = output if output is not None else Path(default_name(slug, year))
    if target.is_dir():
        target = target / default_name(slug, year)
    if target.exists() and not force:
        return Export(refused=f"{target} 已存在；加 --force 覆盖，或用 -o 另指定文件")
    problems: list[Problem] = []
    agency = load_agency(content / slug, display_path(shown, slug), problems)
    if agency is not None:
        problems.extend(validate_agency(agency))
    result = Export(sort_problems(problems))
    if agency is None or result.errors:
        return result
    report = agency.reports.get(year)
    if report is None:
        years = "、".join(str(y) for y in sorted(agency.reports)) or "无"
        result.refused = f"机构“{slug}”没有 {year} 年度的年报（已有：{years}）"
        return result
    from . import report_docx  # python-docx loads only when a document is made

    data = report_docx(agency, report)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    result.written, result.size = target, len(data)
    return result
