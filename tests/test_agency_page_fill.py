"""The theme's agency page is rendered through Jinja once per shape, with markers for its
values, and filled in per agency (agencypage.AgencyPages). Every agency page of the test
portals, under sites and agencies made odd on purpose (markup, "%" and marker-like
characters, an empty name, a name that is the site's title, contact details, no group,
no reports), is compared byte for byte with the page Jinja renders for it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import PORTAL, fixture_agencies, odd_sites
from nianbao.agencypage import AgencyPages, agency_page, agency_pages_for
from nianbao.load import load_site_yaml
from nianbao.model import Agency, Site
from nianbao.outputs import THEME, Output
from nianbao.render import Renderer

AGENCIES = fixture_agencies()
SITE = load_site_yaml(PORTAL, "content", [])
assert SITE is not None


def jinja_renderer() -> Renderer:
    """A renderer whose agency pages Jinja renders every time."""
    renderer = Renderer(None)
    renderer._agencies = None
    return renderer


def both(site: Site, agency: Agency, filler: Renderer | None = None) -> Output:
    made = (filler or Renderer(None)).agency(site, agency)
    assert made == jinja_renderer().agency(site, agency)
    return made


SITES = odd_sites(SITE)


@pytest.mark.parametrize("name", SITES)
def test_every_page_as_jinja_renders_it(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    filled: list[bool] = []
    fill = AgencyPages.fill

    def counted(self: AgencyPages, page: object) -> str | None:
        made = fill(self, page)
        filled.append(made is not None)
        return made

    monkeypatch.setattr(AgencyPages, "fill", counted)
    renderer = Renderer(None)  # one for all: its shapes are met again
    for agency in AGENCIES:
        both(SITES[name], agency, renderer)
    # filled, not left to Jinja (but for a site spelling a marker)
    assert all(filled) if "mark" not in name else not any(filled)
    assert len(filled) >= 4


AGENCY = next(a for a in AGENCIES if len(a.years) > 1 and a.group)
CONTACT = {
    "address": "某市某路 1 号 <大楼> & 100%",
    "postcode": "100000",
    "phone": "010-12345678",
    "email": "a@b.cn",
    "hours": "工作日 9:00—17:00",
}
ODD = {
    "markup-and-percent": replace(AGENCY, name='机关 & <"部门"> 100%s', group="<组> & %d"),
    "marker-like-name": replace(AGENCY, name="机关\ue0003\ue001\ue000"),
    "marker-like-group": replace(AGENCY, group="\ue00011\ue001"),
    "no-name": replace(AGENCY, name=""),
    "no-group": replace(AGENCY, group=None),
    "every-contact": replace(AGENCY, contact=CONTACT),
    "some-contact": replace(AGENCY, contact={"phone": "110", "hours": "全天"}),
    "other-contact": replace(AGENCY, contact={"fax": "010-1"}),
    "no-reports": replace(AGENCY, summaries={}),
    "one-report": replace(AGENCY, summaries={AGENCY.years[-1]: AGENCY.summaries[AGENCY.years[-1]]}),
    "other-kind": replace(
        AGENCY, kind="department" if AGENCY.kind != "department" else "government"
    ),
}


@pytest.mark.parametrize("case", ODD)
def test_odd_pages_as_jinja_renders_them(case: str) -> None:
    renderer = Renderer(None)
    both(SITE, ODD[case], renderer)
    both(SITE, AGENCY, renderer)  # and the plain page after it, by the same renderer


def test_a_page_titled_as_the_site_as_jinja_renders_it() -> None:
    """The title is compared with the site's: such a page is its own shape (Jinja's)."""
    page = both(replace(SITE, title=AGENCY.name), AGENCY)
    assert f"<title>{AGENCY.name}</title>".encode() in page.data


def test_shapes_are_shared_and_values_differ() -> None:
    """Two agencies of one shape: one Jinja render (two, numbered apart) for both."""
    renderer = Renderer(None)
    other = replace(AGENCY, name="另一机关", slug="another")
    first, second = renderer.agency(SITE, AGENCY), renderer.agency(SITE, other)
    assert renderer._agencies and len(renderer._agencies._shapes) == 1
    assert "另一机关".encode() in second.data and "另一机关".encode() not in first.data
    assert second == jinja_renderer().agency(SITE, other)


def test_figures_that_need_escaping_are_escaped() -> None:
    """The figures are put in as they are unless one needs escaping (then all are)."""
    renderer = Renderer(None)
    page = agency_page(SITE, AGENCY)
    page.rows[0].values[0] = '<1> & "2"'
    pages = agency_pages_for(renderer.env, THEME)
    assert pages is not None
    filled = pages.fill(page)
    assert filled is not None and "&lt;1&gt; &amp; &#34;2&#34;" in filled
    assert filled.encode() == renderer._render(page, "agency.html").data
