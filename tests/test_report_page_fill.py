"""The theme's report page is rendered through Jinja once per shape, with markers for its
values, and filled in per report (reportpage.ReportPages). Every report page of the test
portals, under sites and agencies made odd on purpose (a title that is the site's, a
Word document, no url, "%" and marker-like characters, an empty name), is compared byte
for byte with the page Jinja renders for it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from conftest import PORTAL, fixture_agencies, odd_sites
from nianbao.load import load_site_yaml
from nianbao.model import Agency, ProcessingFees, Report, Revision, Site
from nianbao.outputs import Download, Output
from nianbao.render import Renderer
from nianbao.reportpage import ReportPages

AGENCIES = fixture_agencies()
SITE = load_site_yaml(PORTAL, "content", [])
assert SITE is not None


def jinja_renderer() -> Renderer:
    """A renderer whose report pages Jinja renders every time (tables spliced all the same)."""
    renderer = Renderer(None)
    renderer._splicing()
    renderer._pages = None
    return renderer


def both(site: Site, agency: Agency, report: Report, download: Download | None = None) -> Output:
    filled, plain = Renderer(None), jinja_renderer()
    made = filled.report(site, agency, report, download)
    assert made == plain.report(site, agency, report, download)
    return made


SITES = odd_sites(SITE)


@pytest.mark.parametrize("name", SITES)
def test_every_page_as_jinja_renders_it(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    filled: list[bool] = []
    fill = ReportPages.fill

    def counted(self: ReportPages, page: object) -> str | None:
        made = fill(self, page)
        filled.append(made is not None)
        return made

    monkeypatch.setattr(ReportPages, "fill", counted)
    for agency in AGENCIES:
        for year in agency.years:
            both(SITES[name], agency, agency.reports[year])
    # filled, not left to Jinja (but for revisions, and a site spelling a marker)
    assert filled.count(True) >= (len(filled) - 3 if "mark" not in name else 0)
    assert len(filled) >= 8


AGENCY = AGENCIES[0]
LAST = next(r for r in reversed(AGENCY.reports.values()) if not r.revisions)
ODD = {
    "markup-and-percent": (replace(AGENCY, name='机关 & <"部门"> 100%s'), LAST),
    "marker-like-name": (replace(AGENCY, name="机关\ue0003\ue001\ue000"), LAST),
    "no-name": (replace(AGENCY, name=""), LAST),
    "fees": (
        AGENCY,
        replace(LAST, processing_fees=ProcessingFees(3, Decimal("12.50"), Decimal("0"))),
    ),
    "no-fees-no-date": (AGENCY, replace(LAST, processing_fees=None, published=None)),
    "revisions": (AGENCY, replace(LAST, revisions=(Revision(date(2024, 2, 1), "表三", "笔误"),))),
    "no-narratives": (AGENCY, replace(LAST, narratives={})),
    "first-year": (replace(AGENCY, summaries={}), LAST),
}
assert LAST.year - 1 in AGENCY.summaries and LAST.year + 1 in AGENCY.summaries


@pytest.mark.parametrize("case", ODD)
def test_odd_pages_as_jinja_renders_them(case: str) -> None:
    agency, report = ODD[case]
    both(SITE, agency, report)
    both(SITE, agency, report, Download("report.docx", 43_210))


def test_a_page_titled_as_the_site_as_jinja_renders_it() -> None:
    """The title is compared with the site's: such a page is its own shape (Jinja's)."""
    title = f"{AGENCY.name}{LAST.year}年政府信息公开工作年度报告"
    page = both(replace(SITE, title=title), AGENCY, LAST)
    assert f"<title>{title}</title>".encode() in page.data
