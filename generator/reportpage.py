"""The theme's report page filled in, rendered through Jinja once per shape of page.

A report page is the same markup for every report of a site but for some twenty values
(the agency's name and slug, the year, the dates, the narratives, the comparison) and for
what decides which parts are printed (a published date, a previous and a next year, a
Word document, which narratives, processing fees, a comparison, a format change, the
title being the site's). So the theme's ``report.html`` (with its ``base.html`` and
``_footer.html``) is rendered once per such shape with a marker in every value, and each
report's page is that markup with its values put in: what Jinja would print for it, without
its hundred attribute look-ups, escapes and calls. A marker is a private-use character and
a number; a shape whose markup holds any marker not its own (a site's title could spell
one) is left to Jinja, as are revisions (a list of their own) and a site's own templates.
Tests render every page of the test portals both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .filledtables import Spliced
from .tables import display

# Names of the values a report page prints, in the order they are filled
_NAMES = (
    "title",
    "name",
    "slug",
    "year",
    "published",
    "published_year",
    "published_month",
    "published_day",
    "download",
    "download_size",
    "previous_year",
    "next_year",
    "notices",
    "noticed_amount",
    "collected",
    "compare",
)
_OPEN, _CLOSE = "\ue000", "\ue001"  # a marker: _OPEN, a number, _CLOSE


def marker(i: int) -> str:
    return f"{_OPEN}{i}{_CLOSE}"


@dataclass(frozen=True)
class _Filling:
    """A shape's markup as a %-template, and for each slot the value it takes (its index
    in _NAMES, or past them a narrative's place in the shape's narratives)."""

    template: str
    slots: tuple[int, ...]


class ReportPages:
    """Fills in the theme's report page; None for a page it leaves to Jinja."""

    def __init__(self, template: jinja2.Template) -> None:
        self._template = template
        self._site: Any = None
        self._shapes: dict[tuple[Any, ...], _Filling | None] = {}

    def fill(self, page: Any) -> str | None:
        report = page.report
        if report.revisions or not all(type(t) is Spliced for t in page.tables.values()):
            return None
        if page.site is not self._site:  # another site (serve after site.yaml changed)
            self._site, self._shapes = page.site, {}
        narratives = tuple(page.narratives)
        shape = (
            report.format.id,
            tuple(page.tables),  # (each table's marker is the renderer's: the same)
            narratives,
            bool(report.published),
            page.download is not None,
            page.previous is not None,
            page.next is not None,
            bool(report.processing_fees),
            bool(page.changes),
            page.previous_format.id if page.previous_format is not None else None,
            page.title != page.site.title,
            bool(page.agency.name),  # (portal_meta leaves an empty one out)
        )
        if shape not in self._shapes:
            try:
                first = self._filling(page, narratives, 0)
                again = self._filling(page, narratives, 1000)  # every marker numbered apart
            except Exception:  # Jinja renders this page itself, and says what went wrong
                first = again = None
            same = (
                first is not None
                and again is not None
                and first.template == again.template
                and first.slots == again.slots
            )
            self._shapes[shape] = first if same else None
        filling = self._shapes[shape]
        if filling is None:
            return None
        values = _values(page, narratives)
        return filling.template % tuple(values[i] for i in filling.slots)

    def _filling(self, page: Any, narratives: tuple[str, ...], base: int) -> _Filling | None:
        """The page rendered with markers (numbered from ``base``) for values, cut at the
        markers; None if anything but a marker looks like one."""
        if not page.agency.name or page.title == page.site.title:
            return None  # (the markers are never empty, nor the site's title)
        report = page.report
        m = [marker(base + i) for i in range(len(_NAMES) + len(narratives))]
        mark = dict(zip(_NAMES, m, strict=False))
        published = (
            SimpleNamespace(
                isoformat=lambda: mark["published"],
                year=mark["published_year"],
                month=mark["published_month"],
                day=mark["published_day"],
            )
            if report.published
            else None
        )
        fees = (
            SimpleNamespace(
                notices=mark["notices"],
                noticed_amount=mark["noticed_amount"],
                collected=mark["collected"],
            )
            if report.processing_fees
            else None
        )
        fake_report = SimpleNamespace(
            year=mark["year"],
            format=report.format,
            published=published,
            revisions=(),
            processing_fees=fees,
        )
        fake = type(page)(
            page.site,
            f"{mark['slug']}/{mark['year']}/index.html",
            mark["title"],
            breadcrumbs=[(mark["name"], f"{mark['slug']}/"), (f"{mark['year']}年", "")],
            report=fake_report,
            agency=SimpleNamespace(name=mark["name"], slug=mark["slug"]),
            tables=page.tables,
            narratives={k: Markup(m[len(_NAMES) + i]) for i, k in enumerate(narratives)},
            changes=page.changes,
            compare_table=Markup(mark["compare"]),
            previous=SimpleNamespace(year=mark["previous_year"]) if page.previous else None,
            next=SimpleNamespace(year=mark["next_year"]) if page.next else None,
            previous_format=page.previous_format,
            downloads=page.downloads,
            download=(
                SimpleNamespace(name=mark["download"], size_text=mark["download_size"])
                if page.download is not None
                else None
            ),
        )
        html = self._template.render(page=fake, site=page.site)
        cut = cut_at_markers(html, base, len(m))
        return None if cut is None else _Filling(*cut)


def cut_at_markers(html: str, base: int, count: int) -> tuple[str, tuple[int, ...]] | None:
    """``html``, rendered with the markers numbered ``base`` to ``base + count`` for
    values, as a %-template with a %s for each marker, and each slot's value (its marker's
    number less ``base``); None if anything but one of those markers looks like one."""
    pieces = html.replace("%", "%%").split(_OPEN)
    if _CLOSE in pieces[0]:
        return None
    slots, out = [], [pieces[0]]
    for piece in pieces[1:]:
        number, close, rest = piece.partition(_CLOSE)
        if not close or not (number.isascii() and number.isdigit()) or _CLOSE in rest:
            return None  # a marker-like character of the site's own: Jinja, always
        if not base <= int(number) < base + count:
            return None
        slots.append(int(number) - base)
        out.append(rest)
    return "%s".join(out), tuple(slots)


def _values(page: Any, narratives: tuple[str, ...]) -> list[str]:
    """The page's values as Jinja prints them (escaped), in _NAMES order, then the
    narratives (markup, printed as they are)."""
    report, agency = page.report, page.agency
    published, fees, download = report.published, report.processing_fees, page.download
    none = ""  # a value the shape does not print
    return [
        escape(page.title),
        escape(agency.name),
        escape(agency.slug),
        escape(report.year),
        escape(published.isoformat()) if published else none,
        escape(published.year) if published else none,
        escape(published.month) if published else none,
        escape(published.day) if published else none,
        escape(download.name) if download is not None else none,
        escape(download.size_text) if download is not None else none,
        escape(page.previous.year) if page.previous else none,
        escape(page.next.year) if page.next else none,
        escape(fees.notices) if fees else none,
        escape(display(fees.noticed_amount)) if fees else none,
        escape(display(fees.collected)) if fees else none,
        escape(page.compare_table),
        *(escape(page.narratives[k]) for k in narratives),
    ]


def pages_for(env: jinja2.Environment, theme: Path) -> ReportPages | None:
    """A filler of the report page, when it and what it draws on are all the theme's."""
    try:
        found = [env.get_template(n) for n in ("report.html", "base.html", "_footer.html")]
    except (jinja2.TemplateError, UnicodeDecodeError, RecursionError):
        return None
    if all(t.filename is not None and Path(t.filename).parent == theme for t in found):
        return ReportPages(found[0])
    return None
