"""The review page for the supervising office (``build --review``; never in the public site
by default) and ``nianbao review``'s text: every agency and year, published or missing, on
time or late, errors and warnings by kind, each finding with where it is."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ..model import DEADLINES, Agency, Site
from ..outputs import Output, Page, report_path
from ..problems import Problem
from ..render import Renderer

PATH = "review/index.html"


@dataclass
class Cell:
    """One agency's one year."""

    year: int
    status: str  # 已发布 | 缺 | "" (before the agency's first report)
    timing: str  # 按时 | 逾期 | 未填发布日期 | 无统一期限 | ""
    link: str | None
    errors: int = 0
    warnings: int = 0


@dataclass
class Row:
    agency: Agency
    cells: list[Cell]


@dataclass
class Finding:
    agency: str
    year: str
    link: str | None
    problem: Problem


@dataclass
class ReviewPage(Page):
    years: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    kinds: list[tuple[str, str, int]] = field(default_factory=list)  # rule, severity, count
    findings: list[Finding] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def _where(problem: Problem, shown: str) -> tuple[str, str]:
    """(agency slug, year) a problem is about, from its path under the content folder."""
    rest = problem.path.removeprefix(shown.rstrip("/") + "/") if shown else problem.path
    parts = rest.split("/")
    slug = parts[0] if len(parts) > 1 else ""
    year = parts[1] if len(parts) > 2 and parts[1].isdigit() else ""
    return slug, year


def timing(agency: Agency, year: int) -> str:
    filed = agency.filed.get(year)
    published = filed.published if filed is not None else ""
    if agency.kind not in DEADLINES:
        return "无统一期限"
    if not published:
        return "未填发布日期"
    month, day, _ = DEADLINES[agency.kind]
    late = dt.date.fromisoformat(published) > dt.date(year + 1, month, day)
    return "逾期" if late else "按时"


def review_page(
    site: Site, agencies: list[Agency], problems: list[Problem], shown: str
) -> ReviewPage:
    all_years = sorted({y for a in agencies for y in a.summaries})
    years = list(range(all_years[0], all_years[-1] + 1)) if all_years else []
    counts: Counter[tuple[str, str, str]] = Counter()
    for p in problems:
        slug, year = _where(p, shown)
        counts[(slug, year, p.severity)] += 1
    rows = []
    for a in agencies:
        cells = []
        # a report is expected from agency.yaml's since (else its first report) to its until
        first = a.since if a.since is not None else min(a.summaries, default=None)
        for y in years:
            if y in a.summaries:
                cell = Cell(y, "已发布", timing(a, y), report_path(a.slug, y))
            elif first is not None and first <= y and (a.until is None or y <= a.until):
                cell = Cell(y, "缺", "", None)
            else:
                cell = Cell(y, "", "", None)
            cell.errors = counts[(a.slug, str(y), "error")]
            cell.warnings = counts[(a.slug, str(y), "warning")]
            cells.append(cell)
        rows.append(Row(a, cells))
    kinds = Counter((p.rule or "—", p.severity) for p in problems)
    by_slug = {a.slug: a for a in agencies}
    findings = []
    for p in problems:
        slug, year = _where(p, shown)
        agency = by_slug.get(slug)
        link = (
            report_path(slug, int(year))
            if agency and year and int(year) in agency.summaries
            else None
        )
        findings.append(Finding(agency.name if agency else slug, year, link, p))
    return ReviewPage(
        site,
        PATH,
        f"{site.region}政府信息公开工作年度报告审查",
        breadcrumbs=[("年报审查", "")],
        years=years,
        rows=rows,
        kinds=sorted((r, s, n) for (r, s), n in kinds.items()),
        findings=findings,
        totals={
            "reports": sum(len(a.summaries) for a in agencies),
            "missing": sum(c.status == "缺" for r in rows for c in r.cells),
            "late": sum(c.timing == "逾期" for r in rows for c in r.cells),
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
        },
    )


def render(renderer: Renderer, page: ReviewPage) -> Output:
    html = renderer.env.get_template("review.html").render(page=page, site=page.site)
    return Output(page.path, html.encode("utf-8"))


def text(page: ReviewPage) -> list[str]:
    """``nianbao review``: the page's overview as lines of text."""
    t = page.totals
    lines = [
        f"{t['reports']} 份年报；缺 {t['missing']} 份，逾期 {t['late']} 份；"
        f"{t['errors']} 个错误，{t['warnings']} 个警告。"
    ]
    for row in page.rows:
        cells = []
        for c in row.cells:
            if not c.status:
                continue
            state = c.status + (f"（{c.timing}）" if c.timing else "")
            found = f" 错误 {c.errors}" * bool(c.errors) + f" 警告 {c.warnings}" * bool(c.warnings)
            cells.append(f"{c.year} {state}{found}")
        lines.append(f"{row.agency.name}（{row.agency.slug}）：" + "；".join(cells))
    if page.kinds:
        lines.append(
            "按规则："
            + "，".join(f"{r} {'错误' if s == 'error' else '警告'} {n}" for r, s, n in page.kinds)
        )
    return lines
