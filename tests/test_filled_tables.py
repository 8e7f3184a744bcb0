"""The standard tables of a report page are the ``_table.html`` macro rendered once per
format with a marker in each value slot, then filled per report (render.TableRenderer).
Here each filled table is compared, byte for byte, with the macro rendered the slow way
for that very report (every value passed in), for both national formats (2019 and 2021)
and for values that are not plain counts (money with a unit, a missing cell, text that
must be escaped)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import PORTAL, fixture_agencies
from markupsafe import Markup
from nianbao.figures import compare
from nianbao.filledtables import Splicer
from nianbao.load import load_site_yaml
from nianbao.model import Agency, Report
from nianbao.render import Renderer as PageRenderer
from nianbao.render import environment
from nianbao.tables import display, grids


def reports() -> list[Report]:
    """Every report of the test portal and of the real reports' content."""
    return [r for agency in fixture_agencies() for r in agency.reports.values()]


def slow_tables(report: Report) -> dict[str, str]:
    """The macro called with the report's values, as displayed (autoescaped by Jinja)."""
    macro = environment(None).get_template("_table.html").module.standard_table  # type: ignore[attr-defined]
    values = {
        cid: report.cells[cid]
        if type(report.cells.get(cid)) is int
        else display(report.cells.get(cid), report.units.get(cid))
        for cid in report.format.cells
    }
    return {grid.key: str(macro(grid, values)) for grid in grids(report.format)}


ALL = reports()


def test_both_formats_are_at_hand() -> None:
    assert {r.format.id for r in ALL} >= {"2019", "2021"}


@pytest.mark.parametrize("report", ALL, ids=lambda r: f"{r.agency}-{r.year}")
def test_filled_tables_equal_the_macro(report: Report) -> None:
    filled = PageRenderer(None).tables.render(report)
    assert filled == slow_tables(report)
    assert all(type(t) is Markup for t in filled.values())


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_filled_tables_equal_the_macro_for_odd_values(fmt: str) -> None:
    """Money with a unit, a cell left out, a value that must be escaped: the slots that
    are not integers go through display() and escape(), as the macro does."""
    report = next(r for r in ALL if r.format.id == fmt)
    cells = dict(report.cells)
    ids = list(report.format.cells)
    cells[ids[0]] = Decimal("1234.50")
    cells.pop(ids[1])
    cells[ids[2]] = '<b>&"x"'  # type: ignore[assignment]
    odd = replace(report, cells=cells, units={**report.units, ids[0]: "万元"})
    filled = PageRenderer(None).tables.render(odd)
    assert filled == slow_tables(odd)
    html = "".join(filled.values())
    assert "1234.50万元" in html and "&lt;b&gt;&amp;&#34;x&#34;" in html


def pairs() -> list[tuple[Agency, int]]:
    """Each report with a previous year's, in the test portal and the real reports: both
    formats, and the change between them (2020 → 2021)."""
    return [
        (agency, y)
        for agency in fixture_agencies()
        for y in agency.years
        if y - 1 in agency.summaries
    ]


PAIRS = pairs()


def test_pairs_cover_both_formats_and_the_change() -> None:
    kinds = {(a.summaries[y - 1].format, a.summaries[y].format) for a, y in PAIRS}
    assert {("2019", "2019"), ("2019", "2021"), ("2021", "2021")} <= kinds


@pytest.mark.parametrize("agency,year", PAIRS, ids=lambda v: str(getattr(v, "slug", v)))
def test_filled_comparison_equals_the_macro(agency: Agency, year: int) -> None:
    """comparetable's filled markup against the ``_compare.html`` macro called with the
    report's changes (escaping and ``num`` done by Jinja)."""
    changes = compare(agency.summaries[year], agency.summaries[year - 1])
    macro = environment(None).get_template("_compare.html").module.compare_table  # type: ignore[attr-defined]
    filled = PageRenderer(None).compare.render(year - 1, year, changes)
    assert str(filled) == str(macro(year - 1, year, changes))


@pytest.mark.parametrize("report", ALL, ids=lambda r: f"{r.agency}-{r.year}")
def test_filled_bytes_equal_the_filled_markup(report: Report) -> None:
    """The report page's fast path (filledtables.render_bytes) against the markup."""
    tables = PageRenderer(None).tables
    assert tables.render_bytes(report) == {
        key: str(markup).encode() for key, markup in tables.render(report).items()
    }


@pytest.mark.parametrize("fmt", ["2019", "2021"])
def test_filled_bytes_equal_the_macro_for_odd_values(fmt: str) -> None:
    report = next(r for r in ALL if r.format.id == fmt)
    cells = dict(report.cells)
    ids = list(report.format.cells)
    cells[ids[0]] = Decimal("1234.50")
    cells.pop(ids[1])
    cells[ids[2]] = '<b>&"x"%s%d'  # type: ignore[assignment]
    cells[ids[3]] = True  # an int that is not one: written as display() writes it
    odd = replace(report, cells=cells, units={**report.units, ids[0]: "万元"})
    filled = PageRenderer(None).tables.render_bytes(odd)
    assert filled == {key: html.encode() for key, html in slow_tables(odd).items()}
    assert b"&lt;b&gt;&amp;&#34;x&#34;%s%d" in b"".join(filled.values())


def plain_renderer(templates: Path | None = None) -> PageRenderer:
    """A renderer that hands the page template the tables' markup (no splicing)."""
    renderer = PageRenderer(templates)
    renderer._splicer = None
    return renderer


def test_spliced_report_pages_equal_the_plain_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every report page of both formats: the tables spliced into the encoded page
    (filledtables.Splicer) give the very bytes of the page rendered with their markup."""
    spliced: list[bool] = []
    splice = Splicer.splice

    def counted(self: Splicer, page: bytes, filled: dict[str, bytes]) -> bytes | None:
        made = splice(self, page, filled)
        spliced.append(made is not None)
        return made

    monkeypatch.setattr(Splicer, "splice", counted)
    site = load_site_yaml(PORTAL, "content", [])
    assert site is not None
    fast, plain = PageRenderer(None), plain_renderer()
    pages = 0
    for agency in fixture_agencies():
        for year in agency.years:
            report = agency.reports[year]
            assert fast.report(site, agency, report) == plain.report(site, agency, report)
            pages += 1
    assert {r.format.id for a in fixture_agencies() for r in a.reports.values()} >= {"2019", "2021"}
    assert pages >= 8 and spliced == [True] * pages


def test_a_page_with_a_nul_of_its_own_is_made_the_plain_way() -> None:
    """A NUL left after splicing (a marker cut, or a NUL in the content) means the page is
    made again the plain way: the same bytes as without splicing."""
    site = load_site_yaml(PORTAL, "content", [])
    assert site is not None
    agency = replace(fixture_agencies()[0], name="机关\x00名称")
    report = agency.reports[agency.years[-1]]
    page = PageRenderer(None).report(site, agency, report)
    assert page == plain_renderer().report(site, agency, report)
    assert "机关\x00名称".encode() in page.data and b"<table" in page.data


def test_a_sites_own_report_page_gets_the_tables_as_markup(tmp_path: Path) -> None:
    """A report.html of the site's own may do anything with a table (here: its length and
    its text upper-cased): it is handed the markup itself, never a marker."""
    (tmp_path / "report.html").write_text(
        '{% extends "base.html" %}{% block main %}'
        "{% for key, table in page.tables.items() %}"
        "<p>{{ key }} {{ table | length }}</p>{{ (table | safe)[:40] }}"
        "{% endfor %}{% endblock main %}",
        "utf-8",
    )
    site = load_site_yaml(PORTAL, "content", [])
    assert site is not None
    agency = fixture_agencies()[0]
    report = agency.reports[agency.years[-1]]
    renderer = PageRenderer(tmp_path)
    page = renderer.report(site, agency, report)
    assert renderer._splicing() is None and b"\x00" not in page.data
    lengths = {k: len(v) for k, v in renderer.tables.render(report).items()}
    for key, length in lengths.items():
        assert f"<p>{key} {length}</p>".encode() in page.data
