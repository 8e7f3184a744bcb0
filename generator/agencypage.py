"""The theme's agency page filled in, rendered through Jinja once per shape of page.

An agency page is the same markup for every agency of a site but for its values (the
name and slug, the group, the contact details, each year, each figure of the table, the
chart's bars) and for what decides which parts are printed and how many (the kind, a
group, which contact details, how many years, the rows' labels, the chart). As the report
page is (reportpage), the theme's ``agency.html`` (with ``base.html``, ``_footer.html``
and ``_chart.html``) is rendered once per shape with a marker in every value, and each
agency's page is that markup with its values put in, escaped as Jinja escapes them. The
markers and their checks are reportpage's: a shape whose markup holds a marker not its
own, or that a second render numbered apart does not give alike, is left to Jinja, as
are a site's own templates. Tests render every agency page of the test portals both ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
from markupsafe import escape

from .figures import Chart, bar_chart, summary_labels, summary_values
from .formats import all_formats
from .model import Agency, Site
from .outputs import Page, agency_path
from .reportpage import cut_at_markers, marker
from .tables import display

CONTACT = ("address", "postcode", "phone", "email", "hours")  # what agency.html prints
_NAMES = ("title", "name", "slug", "group", *CONTACT)  # the values before the years'


@dataclass
class AgencyRow:
    label: str
    values: list[str]


@dataclass
class AgencyPage(Page):
    agency: Agency | None = None
    years: list[int] = field(default_factory=list)
    rows: list[AgencyRow] = field(default_factory=list)
    chart: Chart | None = None


def agency_page(site: Site, agency: Agency) -> AgencyPage:
    summaries = [agency.summaries[y] for y in agency.years]
    rows: list[AgencyRow] = []
    if summaries:
        labels = summary_labels(all_formats()[summaries[-1].format])
        columns = [summary_values(s) for s in summaries]
        for i, label in enumerate(labels):
            rows.append(AgencyRow(label, [display(c[i]) for c in columns]))
    points = [(f"{s.year}年", s.get("received") or 0) for s in summaries]
    chart = bar_chart("历年新收政府信息公开申请数量", "件", points) if summaries else None
    return AgencyPage(
        site,
        agency_path(agency.slug),
        agency.name,
        breadcrumbs=[(agency.name, "")],
        agency=agency,
        years=[s.year for s in summaries],
        rows=rows,
        chart=chart,
    )


class AgencyPages:
    """Fills in the theme's agency page; None for a page it leaves to Jinja."""

    def __init__(self, template: jinja2.Template) -> None:
        self._template = template
        self._site: Any = None
        self._shapes: dict[tuple[Any, ...], tuple[str, tuple[int, ...]] | None] = {}

    def fill(self, page: Any) -> str | None:
        if page.site is not self._site:  # another site (serve after site.yaml changed)
            self._site, self._shapes = page.site, {}
        agency, chart = page.agency, page.chart
        contact = agency.contact
        shape = (
            agency.kind,
            bool(agency.group),
            bool(contact),
            tuple(k in contact for k in CONTACT),
            len(page.years),
            tuple(row.label for row in page.rows),
            tuple(len(row.values) for row in page.rows),
            _chart_shape(chart),
            page.title != page.site.title,
            bool(agency.name),
        )
        if shape not in self._shapes:
            try:
                first = self._filling(page, 0)
                again = self._filling(page, 1000)  # every marker numbered apart
            except Exception:  # Jinja renders this page itself, and says what went wrong
                first = again = None
            self._shapes[shape] = first if first is not None and first == again else None
        filling = self._shapes[shape]
        if filling is None:
            return None
        template, slots = filling
        values = _values(page)
        return template % tuple(values[i] for i in slots)

    def _filling(self, page: Any, base: int) -> tuple[str, tuple[int, ...]] | None:
        """The page rendered with markers (numbered from ``base``) for values, cut at the
        markers (reportpage.cut_at_markers)."""
        agency, chart = page.agency, page.chart
        if not agency.name or page.title == page.site.title:
            return None  # (the markers are never empty, nor the site's title)
        count = iter(range(base, base + 1_000))
        m = {name: marker(next(count)) for name in _NAMES}
        years = [marker(next(count)) for _ in page.years]
        rows = [
            type(row)(row.label, [marker(next(count)) for _ in row.values]) for row in page.rows
        ]
        fake_chart = None
        if chart is not None:
            bars: Any = tuple(
                SimpleNamespace(
                    label=marker(next(count)),
                    shown=marker(next(count)),
                    y=marker(next(count)),
                    height=marker(next(count)),
                    value_y=marker(next(count)),
                    x=b.x,  # (the shape's: by the bar's place alone)
                    width=b.width,
                )
                for b in chart.bars
            )
            fake_chart = Chart(
                chart.title, chart.unit, bars, chart.width, chart.height, chart.baseline
            )
        contact = {k: m[k] for k in CONTACT if k in agency.contact}
        fake_agency = SimpleNamespace(
            name=m["name"],
            slug=m["slug"],
            kind=agency.kind,
            group=m["group"] if agency.group else agency.group,
            contact=contact or ({"": ""} if agency.contact else {}),
        )
        fake = type(page)(
            page.site,
            f"{m['slug']}/index.html",
            m["title"],
            breadcrumbs=[(m["name"], "")],
            agency=fake_agency,
            years=years,
            rows=rows,
            chart=fake_chart,
        )
        html = self._template.render(page=fake, site=page.site)
        return cut_at_markers(html, base, next(count) - base)


def _chart_shape(chart: Chart | None) -> tuple[Any, ...] | None:
    """What of the chart is the same for every agency of a shape: its title, unit, size
    and baseline, and its bars' places (by their number alone)."""
    if chart is None:
        return None
    places = tuple((b.x, b.width) for b in chart.bars)
    return (chart.title, chart.unit, chart.width, chart.height, chart.baseline, places)


def _values(page: Any) -> list[str]:
    """The page's values as Jinja prints them (escaped), in the order of the markers."""
    agency, chart = page.agency, page.chart
    contact = agency.contact
    out = [
        escape(page.title),
        escape(agency.name),
        escape(agency.slug),
        escape(agency.group),
        *(escape(contact[k]) if k in contact else "" for k in CONTACT),
    ]
    # the figures (a hundred: years, the table's, the bars'), as text; escaped one by one
    # only if any needs it (the table's are display()'s, its "—" for one left blank)
    figures = list(map(str, page.years))
    for row in page.rows:
        figures.extend(row.values)
    if chart is not None:
        for b in chart.bars:
            figures += (b.label, b.shown, str(b.y), str(b.height), str(b.value_y))
    joined = "".join(figures)
    if any(c in joined for c in _ESCAPED):
        figures = list(map(escape, figures))
    return out + figures


_ESCAPED = "&<>'\""  # what markupsafe.escape replaces


def agency_pages_for(env: jinja2.Environment, theme: Path) -> AgencyPages | None:
    """A filler of the agency page, when it and what it draws on are all the theme's."""
    names = ("agency.html", "base.html", "_footer.html", "_chart.html")
    try:
        found = [env.get_template(n) for n in names]
    except (jinja2.TemplateError, UnicodeDecodeError, RecursionError):
        return None
    if all(t.filename is not None and Path(t.filename).parent == theme for t in found):
        return AgencyPages(found[0])
    return None
