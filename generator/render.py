"""Stage 3, render: the validated Site in, every output file (path and bytes) out, in memory.

Each page type has a typed context. Links between pages are relative (``root`` is the way
back to the site's top), so one build works at a portal's root, under any sub-path and
opened from disk; only the sitemap and canonical links use the absolute ``url``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .agencypage import AgencyPages, agency_page, agency_pages_for
from .comparetable import CompareRenderer
from .figures import (
    Change,
    compare,
    summarize,
)
from .filledtables import Spliced, Splicer, TableRenderer
from .formats import Format, all_formats
from .markdown import render_markdown
from .model import AGENCY_KINDS, Agency, Report, Site, Summary
from .outputs import (
    THEME,
    Download,
    Output,
    Page,
    TemplateFault,
    report_path,
    report_title,
)
from .outputs import assets as _assets
from .portal_meta import portal_meta
from .problems import Problem
from .reportpage import ReportPages, pages_for
from .tables import display

# The theme is a plain folder (Jinja's loader reads real files): no importlib.resources,
# which costs a warm build more time to import than it saves. The light part of rendering
# (outputs, paths, assets) lives in outputs.py; names re-exported here for the callers.


@dataclass
class ReportPage(Page):
    report: Report | None = None
    agency: Agency | None = None
    # table key → rendered table (or its stand-in, filledtables.Spliced)
    tables: dict[str, Markup] = field(default_factory=dict)
    narratives: dict[str, Markup] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    compare_table: Markup = field(default_factory=Markup)  # changes as a table (_compare.html)
    previous: Summary | None = None
    next: Summary | None = None
    previous_format: Format | None = None
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (label, file name)
    download: Download | None = None  # the Word document (site.yaml ``word: true``)


@dataclass
class Group:
    name: str
    agencies: list[Agency]


@dataclass
class HomePage(Page):
    groups: Any = field(default_factory=list)  # list[Group] (homelist.Groups: made when read)
    years: list[int] = field(default_factory=list)
    trend: Any = None  # region.Trend: the indicators year by year
    agencies_html: Markup | None = None  # the groups' markup, kept (homelist)


def environment(templates: Path | None, compiled: Path | None = None) -> jinja2.Environment:
    """One environment: autoescape and StrictUndefined on; a site's own templates first.
    ``compiled``: the folder where compiled templates are kept between runs (see
    _bytecode_cache); None keeps none."""
    paths = [str(templates)] if templates and templates.is_dir() else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*paths, str(THEME)]),
        bytecode_cache=_bytecode_cache(compiled),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["kinds"] = AGENCY_KINDS
    env.globals["portal_meta"] = portal_meta
    env.filters["num"] = display
    return env


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the output's cache folder (never in the output), for the
    next build or save that renders a page: compiling them again cost a tenth of a one-edit
    build. Jinja keys each file by the template's name and path and checks it against a
    digest of the template's source and against its own and Python's version: an edited
    template is compiled again, and a damaged or foreign file is compiled over (tests in
    test_template_cache.py). A folder that cannot be made: no cache."""
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _KeptTemplates(str(folder))


class _KeptTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, where a file that cannot be read or written (the folder gone,
    read-only, full) means compiling as if there were no cache, never a failed build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def located(e: Exception, templates: Path | None, theme: Path) -> Problem:
    """templatefaults.located, imported when a template fails: with it come traceback and
    textwrap, which a build whose templates all work never needs (≈ 2 ms a command)."""
    from .templatefaults import located as locate

    return locate(e, templates, theme)


def template_problems(templates: Path | None) -> list[Problem]:
    """Every template of the site's own that cannot be read as UTF-8 or compiled, located
    (``templates/_footer.html:3``): found before any page is rendered."""
    if templates is None or not templates.is_dir():
        return []
    from .templatefaults import find_template_problems  # see located

    return find_template_problems(environment(templates), templates)


class Renderer:
    """Renders one page at a time into memory. Make one per process: the environment and
    the compiled standard tables are reused for every page."""

    def __init__(self, templates: Path | None, compiled: Path | None = None) -> None:
        self.templates = templates
        self.env = environment(templates, compiled)
        # A renderer lives for one set of templates (build.renderer_for makes a new one
        # when the build key, which digests them, changes; the compiled tables below are
        # never reloaded either): no look at each template's file time on every page.
        self.env.auto_reload = False
        self._templates: dict[str, jinja2.Template] = {}
        self._splicer: Splicer | bool | None = False  # False: not known yet (_splicing)
        self._pages: ReportPages | None = None  # the theme's report page filled (_splicing)
        self._agencies: AgencyPages | bool | None = False  # False: not known yet
        try:
            self.tables = TableRenderer(self.env)
            self.compare = CompareRenderer(self.env)
        except (jinja2.TemplateError, UnicodeDecodeError, RecursionError) as e:
            raise TemplateFault(located(e, templates, THEME)) from None

    def prepare(self, names: list[str]) -> None:
        """Load (compile) the templates ``names`` now, ahead of their pages; one that fails
        is left to fail where its page is rendered (a located TemplateFault)."""
        for name in names:
            if name not in self._templates:
                try:
                    self._templates[name] = self.env.get_template(name)
                except (jinja2.TemplateError, UnicodeDecodeError, RecursionError):
                    continue

    def _render(self, page: Page, template: str) -> Output:
        try:
            found = self._templates.get(template)
            if found is None:  # asked of Jinja once: its lookup cost a page some µs each time
                found = self._templates[template] = self.env.get_template(template)
            html = found.render(page=page, site=page.site)
        except (jinja2.TemplateError, UnicodeDecodeError, RecursionError) as e:
            raise TemplateFault(located(e, self.templates, THEME)) from None
        return Output(page.path, html.encode("utf-8"))

    def report(
        self, site: Site, agency: Agency, report: Report, download: Download | None = None
    ) -> Output:
        splicer = self._splicing()
        if splicer is not None:  # the theme's report page: its tables spliced in
            filled = self.tables.render_bytes(report)
            page = report_page(site, agency, report, splicer.stand_ins(filled))
            made = self._report(page, report, download)
            data = splicer.splice(made.data, filled)
            if data is not None:
                return Output(made.path, data)
        return self._report(
            report_page(site, agency, report, self.tables.render(report)), report, download
        )

    def _splicing(self) -> Splicer | None:
        """A Splicer when the report page is the theme's, the only one known to print each
        table as it is (``{{ page.tables[...] }}``); a site's own gets them as markup."""
        if self._splicer is False:
            try:
                template = self.env.get_template("report.html")
            except (jinja2.TemplateError, UnicodeDecodeError, RecursionError):
                template = None  # the plain way reports it
            theme = template is not None and _from_theme(template)
            self._splicer = Splicer() if theme else None
            self._pages = pages_for(self.env, THEME) if theme else None
        assert self._splicer is not True
        return self._splicer or None

    def _report(self, page: ReportPage, report: Report, download: Download | None) -> Output:
        page.download = download
        if page.changes and page.previous is not None:
            try:
                page.compare_table = self.compare.render(
                    page.previous.year, report.year, page.changes
                )
            except (jinja2.TemplateError, UnicodeDecodeError, RecursionError) as e:
                raise TemplateFault(located(e, self.templates, THEME)) from None
        filled = self._pages.fill(page) if self._pages is not None else None
        if filled is not None:
            return Output(page.path, filled.encode("utf-8"))
        return self._render(page, "report.html")

    def agency(self, site: Site, agency: Agency) -> Output:
        page = agency_page(site, agency)
        if self._agencies is False:  # the theme's agency page filled in (agencypage)
            self._agencies = agency_pages_for(self.env, THEME)
        filled = self._agencies.fill(page) if isinstance(self._agencies, AgencyPages) else None
        if filled is not None:
            return Output(page.path, filled.encode("utf-8"))
        return self._render(page, "agency.html")

    def page(self, page: Page, template: str) -> Output:
        """A page made elsewhere (region.py): the year page, /data/."""
        return self._render(page, template)

    def home(
        self,
        site: Site,
        agencies: list[Agency] | Callable[[], list[Agency]],
        trend: Any = None,
        years: list[int] | None = None,
        kept: tuple[Path | None, str] | None = None,
    ) -> Output:
        """The home page. ``agencies``: or what makes them, asked only if the list is not
        kept; ``years``: region_years of them; ``kept``: where the list's markup is kept
        and under which key (homelist: the theme's home.html only)."""
        from .homelist import agencies_html

        made = agencies if callable(agencies) else lambda: agencies
        page = home_page(site, made, years)
        page.trend = trend
        own = self.templates is not None and (self.templates / "home.html").is_file()
        if kept is not None and not own:
            page.agencies_html = agencies_html(self.env, page, *kept)
        return self._render(page, "home.html")

    def not_found(self, site: Site) -> Output:
        return self._render(NotFoundPage(site, "404.html", "页面不存在"), "404.html")

    def assets(self) -> list[Output]:
        return _assets(self.templates)


def home_page(
    site: Site, agencies: Callable[[], list[Agency]], years: list[int] | None = None
) -> HomePage:
    """``agencies`` (made when the page's groups are read) in display order
    (Agency.sort_key); ``years``: every year with a page (region_years of them)."""
    from .coverage import region_years  # coverage reads the format layout, made here
    from .homelist import Groups

    def grouped() -> list[Group]:
        groups: dict[str, list[Agency]] = {}
        for a in agencies():
            groups.setdefault(a.group or "其他机构", []).append(a)
        return [Group(name, members) for name, members in groups.items()]

    return HomePage(
        site,
        "index.html",
        site.title,
        groups=Groups(grouped),
        years=region_years(agencies()) if years is None else years,
    )


def _from_theme(template: jinja2.Template) -> bool:
    return template.filename is not None and Path(template.filename).parent == THEME


def report_page(
    site: Site, agency: Agency, report: Report, tables: dict[str, Markup] | dict[str, Spliced]
) -> ReportPage:
    previous = agency.summaries.get(report.year - 1)
    return ReportPage(
        site,
        report_path(agency.slug, report.year),
        report_title(agency, report.year),
        breadcrumbs=[(agency.name, f"{agency.slug}/"), (f"{report.year}年", "")],
        report=report,
        agency=agency,
        tables=tables,  # type: ignore[arg-type]
        narratives={k: render_markdown(v, k) for k, v in sorted(report.narratives.items())},
        changes=compare(_summary(agency, report), previous) if previous else [],
        previous=previous,
        next=agency.summaries.get(report.year + 1),
        previous_format=all_formats()[previous.format] if previous else None,
        downloads=[
            ("全部数据（JSON）", "data.json"),
            *(
                (f"表{table.number}（CSV）", f"{key}.csv")
                for key, table in report.format.tables.items()
            ),
        ],
    )


def _summary(agency: Agency, report: Report) -> Summary:
    """The report's key figures: as the agency keeps them (load_and_check summed them)
    when it is the agency's own report, else summed now."""
    if agency.reports.get(report.year) is report and report.year in agency.summaries:
        return agency.summaries[report.year]
    return summarize(report)


@dataclass
class NotFoundPage(Page):
    """Served at any address, so its links start from base_url, not from where it is."""

    @property
    def root(self) -> str:
        return self.site.base_url

    @property
    def canonical(self) -> str | None:
        return None


def sitemap(site: Site, paths: list[str]) -> Output | None:
    """Absolute addresses need ``url``: without it there is no sitemap."""
    if not site.url:
        return None
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path in sorted(p for p in paths if p.endswith("index.html")):
        lines.append(
            f"  <url><loc>{escape(site.url + path.removesuffix('index.html'))}</loc></url>"
        )
    lines.append("</urlset>")
    return Output("sitemap.xml", ("\n".join(lines) + "\n").encode())
