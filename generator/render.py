"""Stage 3, render: the validated Site in, every output file (path and bytes) out, in memory.

Each page type has a typed context. Links between pages are relative (``root`` is the way
back to the site's top), so one build works at a portal's root, under any sub-path and
opened from disk; only the sitemap and canonical links use the absolute ``url``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup

from .figures import Change, Chart, bar_chart, compare, figures, summary, summary_labels
from .markdown import render_markdown
from .model import AGENCY_KINDS, Agency, Report, Site, Value
from .tables import Grid, display, grids, values

THEME = Path(str(resources.files("generator") / "theme"))


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


@dataclass
class ReportPage(Page):
    report: Report | None = None
    agency: Agency | None = None
    tables: tuple[Grid, ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    narratives: dict[str, Markup] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    previous: Report | None = None
    next: Report | None = None


@dataclass
class AgencyRow:
    label: str
    values: list[str]


@dataclass
class AgencyPage(Page):
    agency: Agency | None = None
    reports: list[Report] = field(default_factory=list)
    rows: list[AgencyRow] = field(default_factory=list)
    chart: Chart | None = None


@dataclass
class YearRow:
    agency: Agency
    values: list[str]


@dataclass
class YearPage(Page):
    year: int = 0
    labels: list[str] = field(default_factory=list)
    rows: list[YearRow] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)


@dataclass
class Group:
    name: str
    agencies: list[Agency]


@dataclass
class HomePage(Page):
    groups: list[Group] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def environment(templates: Path | None) -> jinja2.Environment:
    """One environment: autoescape and StrictUndefined on; a site's own templates first."""
    paths = [str(templates)] if templates and templates.is_dir() else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*paths, str(THEME)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["kinds"] = AGENCY_KINDS
    env.filters["num"] = lambda v: display(v)
    return env


def report_title(agency: Agency, year: int) -> str:
    return f"{agency.name}{year}年政府信息公开工作年度报告"


def render_site(site: Site, templates: Path | None) -> list[Output]:
    env = environment(templates)
    pages = list(pages_of(site))
    out = [Output(p.path, _render(env, p)) for p in pages]
    out.append(Output("404.html", _render(env, _not_found(site))))
    out.extend(_assets(templates))
    if site.url:
        out.append(Output("sitemap.xml", sitemap(site, pages).encode()))
    return out


def _render(env: jinja2.Environment, page: Page) -> bytes:
    name = {
        ReportPage: "report.html",
        AgencyPage: "agency.html",
        YearPage: "year.html",
        HomePage: "home.html",
    }.get(type(page), "404.html")
    return env.get_template(name).render(page=page, site=page.site).encode("utf-8")


def pages_of(site: Site) -> Iterator[Page]:
    agencies = sorted(site.agencies.values(), key=lambda a: a.sort_key)
    yield home_page(site, agencies)
    for agency in agencies:
        yield agency_page(site, agency)
        for year in agency.years:
            yield report_page(site, agency, agency.reports[year])
    for year in sorted({r.year for r in site.reports}, reverse=True):
        yield year_page(site, year, agencies)


def home_page(site: Site, agencies: list[Agency]) -> HomePage:
    groups: dict[str, list[Agency]] = {}
    for a in agencies:
        groups.setdefault(a.group or "其他机构", []).append(a)
    years = sorted({r.year for r in site.reports}, reverse=True)
    return HomePage(
        site,
        "index.html",
        site.title,
        groups=[Group(name, members) for name, members in groups.items()],
        years=years,
    )


def report_page(site: Site, agency: Agency, report: Report) -> ReportPage:
    previous = site.previous(report)
    title = report_title(agency, report.year)
    return ReportPage(
        site,
        f"{agency.slug}/{report.year}/index.html",
        title,
        breadcrumbs=[(agency.name, f"{agency.slug}/"), (f"{report.year}年", "")],
        report=report,
        agency=agency,
        tables=grids(report.format),
        values=values(report),
        narratives={k: render_markdown(v) for k, v in sorted(report.narratives.items())},
        changes=compare(report, previous) if previous else [],
        previous=previous,
        next=site.next(report),
    )


def agency_page(site: Site, agency: Agency) -> AgencyPage:
    reports = [agency.reports[y] for y in agency.years]
    rows: list[AgencyRow] = []
    if reports:
        latest = reports[-1]
        columns = [summary(r) for r in reports]
        for i, label in enumerate(summary_labels(latest)):
            rows.append(AgencyRow(label, [display(c[i]) for c in columns]))
    points = [(f"{r.year}年", _int(figures_value(r, "received"))) for r in reports]
    chart = bar_chart("历年新收政府信息公开申请数量", "件", points) if reports else None
    return AgencyPage(
        site,
        f"{agency.slug}/index.html",
        agency.name,
        breadcrumbs=[(agency.name, "")],
        agency=agency,
        reports=reports,
        rows=rows,
        chart=chart,
    )


def figures_value(report: Report, key: str) -> Value | None:
    return next((f.value for f in figures(report) if f.key == key), None)


def _int(v: Value | None) -> int:
    return int(v) if v is not None else 0


def year_page(site: Site, year: int, agencies: list[Agency]) -> YearPage:
    members = [a for a in agencies if year in a.reports]
    rows = [YearRow(a, [display(v) for v in summary(a.reports[year])]) for a in members]
    sums: list[Value] = []
    for a in members:
        for i, v in enumerate(summary(a.reports[year])):
            if len(sums) <= i:
                sums.append(0)
            sums[i] += v or 0
    labels = summary_labels(members[0].reports[year]) if members else []
    return YearPage(
        site,
        f"{year}/index.html",
        f"{site.region}{year}年政府信息公开工作年度报告",
        breadcrumbs=[(f"{year}年", "")],
        year=year,
        labels=labels,
        rows=rows,
        totals=[display(v) for v in sums],
    )


@dataclass
class NotFoundPage(Page):
    """Served at any address, so its links start from base_url, not from where it is."""

    @property
    def root(self) -> str:
        return self.site.base_url

    @property
    def canonical(self) -> str | None:
        return None


def _not_found(site: Site) -> Page:
    return NotFoundPage(site, "404.html", "页面不存在")


def _assets(templates: Path | None) -> list[Output]:
    out = {}
    for folder in [THEME / "static", *([templates / "static"] if templates else [])]:
        if folder.is_dir():
            for f in sorted(folder.rglob("*")):
                if f.is_file():
                    out[posixpath.join("assets", f.relative_to(folder).as_posix())] = f.read_bytes()
    return [Output(path, data) for path, data in sorted(out.items())]


def sitemap(site: Site, pages: list[Page]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for page in sorted(pages, key=lambda p: p.path):
        lines.append(f"  <url><loc>{xml_escape(page.canonical or '')}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
