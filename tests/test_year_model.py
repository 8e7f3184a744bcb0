"""A year page, its totals and trend figures made from kept per-report entries
(yearmodel) are those made from all the agencies (region.year_page, coverage.coverage,
region.year_figures), and an edit makes again only the changed agencies' entries."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import jinja2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao import yearmodel
from nianbao.contentfiles import digest
from nianbao.coverage import coverage, summed_cells
from nianbao.exports.layout import cell_index
from nianbao.formats import all_formats
from nianbao.lazyrender import LazyRenderer
from nianbao.manifest import AgencyRecord
from nianbao.model import Agency, Site, Summary
from nianbao.region import year_figures, year_page
from nianbao.sitepages import Agencies
from nianbao.yearrows import fill_rows
from test_exports_workbook import portal_rows

YEAR = 2021
SITE = Site("示例县政府信息公开年报", "示例县")
RENDERER = LazyRenderer(None)  # made once: the examples render many pages
OTHER_FORMAT = "old-format"  # measured again by the page (the year's format is not its own)


def summarised(agency: Agency) -> Agency:
    """The agency with each report's key figures taken from its cells."""
    summaries = {}
    for year, record in agency.filed.items():
        fmt = all_formats()[record.format]
        index, texts = cell_index(record.format), record.texts()
        values = tuple(
            int(texts[index[k.of]]) if k.of in index and texts[index[k.of]] else None
            for k in fmt.key_figures
        )
        summaries[year] = Summary(agency.slug, year, record.format, values)
    return replace(agency, summaries=summaries)


def region_agencies(count: int = 12, mixed: bool = False) -> list[Agency]:
    out = [summarised(replace(a, filed={YEAR: r})) for a, r in portal_rows("2021", count)]
    # expected in YEAR without a report: listed as missing
    for n, (a, r) in enumerate(portal_rows("2021", 2)):
        late = replace(a, slug=f"late-{n}", name=f"未报机关{n}", since=2020)
        out.append(summarised(replace(late, filed={2020: replace(r, year=2020)})))
    if mixed:  # a report in the older format in a year of the newer one (V7)
        a, r = portal_rows("2019", 1)[0]
        out.append(summarised(replace(a, slug=OTHER_FORMAT, filed={YEAR: replace(r, year=YEAR)})))
    return sorted(out, key=lambda a: a.sort_key)


def records_of(agencies: list[Agency]) -> dict[str, AgencyRecord]:
    return {a.slug: AgencyRecord(a.slug, "signature", digest(repr(a)), a, []) for a in agencies}


def model_of(agencies: list[Agency], state: Path, asked: list[str]) -> yearmodel.YearModel:
    made = Agencies(records_of(agencies))

    def one(slug: str) -> Agency:
        asked.append(slug)
        return made.one(slug)

    return yearmodel.year_model(YEAR, made.ordered, made.made_from, one, "示例县", state, "k")


def with_cell(agency: Agency, position: int, value: int) -> Agency:
    record = agency.filed[YEAR]
    texts = record.texts()
    texts[position] = str(value)
    return summarised(replace(agency, filed={YEAR: replace(record, values=",".join(texts))}))


def same_year(model: yearmodel.YearModel, agencies: list[Agency]) -> None:
    full = coverage(YEAR, agencies, "示例县")
    got = model.coverage
    assert [(a.slug, a.name) for a in got.published] == [(a.slug, a.name) for a in full.published]
    assert [(a.slug, a.name) for a in got.missing] == [(a.slug, a.name) for a in full.missing]
    assert (got.region.format, got.region.reports, got.region.cells) == (
        full.region.format,
        full.region.reports,
        full.region.cells,
    )
    assert [(g.name, g.format, g.reports, g.cells) for g in got.groups] == [
        (g.name, g.format, g.reports, g.cells) for g in full.groups
    ]
    assert model.figures() == year_figures(YEAR, agencies, "示例县")
    renderer = RENDERER
    made = renderer.page(yearmodel.year_page_of(SITE, model), "year.html")
    assert made == renderer.page(year_page(SITE, YEAR, agencies), "year.html")


EDIT = st.tuples(st.integers(0, 13), st.integers(0, 10_000), st.integers(0, 3000))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(EDIT, max_size=4), mixed=st.booleans(), regroup=st.booleans())
def test_a_year_made_from_kept_entries_is_the_year_made_from_all_agencies(
    edits: list[tuple[int, int, int]], mixed: bool, regroup: bool
) -> None:
    agencies = region_agencies(mixed=mixed)
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder)
        asked: list[str] = []
        same_year(model_of(agencies, state, asked), agencies)
        published = [i for i, a in enumerate(agencies) if YEAR in a.filed]
        assert set(asked) == {agencies[i].slug for i in published}
        before = list(agencies)
        for which, cell, value in edits:
            i = published[which % len(published)]
            a = agencies[i]
            positions = summed_cells(a.filed[YEAR].format, None)
            agencies[i] = with_cell(a, positions[cell % len(positions)][0], value)
        if regroup:  # an agency moved to another group: the groups' sums move with it
            i = published[0]
            agencies[i] = replace(agencies[i], group="新分组")
        # (an edit may write the value a cell had: that agency is not changed)
        changed = {a.slug for a, was in zip(agencies, before, strict=True) if a != was}
        asked.clear()
        summed_again: list[int] = []
        whole_sums = yearmodel._group_sums
        yearmodel._group_sums = lambda *a, **k: summed_again.append(1) or whole_sums(*a, **k)  # type: ignore[assignment]
        try:
            model = model_of(agencies, state, asked)
        finally:
            yearmodel._group_sums = whole_sums  # type: ignore[assignment]
        same_year(model, agencies)
        assert set(asked) - {OTHER_FORMAT} == changed - {OTHER_FORMAT}  # the others' were kept
        # figures changed only: the groups' sums moved by the changed reports, not summed again
        assert bool(summed_again) == regroup


def test_a_damaged_or_foreign_kept_year_is_made_again(tmp_path: Path) -> None:
    agencies = region_agencies()
    model_of(agencies, tmp_path, [])
    kept = tmp_path / yearmodel.FOLDER / f"{YEAR}.bin"
    raw = kept.read_bytes()
    for damaged in (b"", raw[:-5], raw[:-1] + bytes([raw[-1] ^ 1]), yearmodel.MAGIC):
        kept.write_bytes(damaged)
        asked: list[str] = []
        same_year(model_of(agencies, tmp_path, asked), agencies)
        assert len(asked) == 12  # every report's entry made again
    # made under another data key (templates, settings or code changed): not used
    asked = []
    made = Agencies(records_of(agencies))
    yearmodel.year_model(YEAR, made.ordered, made.made_from, made.one, "示例县", tmp_path, "k2")
    model_of(agencies, tmp_path, asked)
    assert len(asked) == 12


def test_kept_years_no_longer_in_the_site_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / yearmodel.FOLDER
    folder.mkdir()
    for year in (2018, 2019, 2021):
        (folder / f"{year}.bin").write_bytes(b"x")
    yearmodel.prune(tmp_path, [2021, 2020])
    assert sorted(p.name for p in folder.iterdir()) == ["2021.bin"]
    yearmodel.prune(tmp_path / "absent", [2021])  # nothing kept yet: nothing to do


def test_rows_joined_from_the_macro_are_the_rows_the_template_loops_over() -> None:
    """yearrows fills the macro's pieces in; the template's own loop calls the macro: the
    same bytes, names needing escapes included."""
    agencies = region_agencies(mixed=True)
    agencies[3] = replace(agencies[3], name="甲<乙>&\"丙'")
    page = year_page(SITE, YEAR, agencies)
    env = RENDERER.renderer.env
    slow = env.get_template("year.html").render(page=page, site=SITE)
    fill_rows(env, page)
    assert page.rows_html is not None and page.ranking_html is not None
    assert "甲&lt;乙&gt;&amp;&#34;丙&#39;" in page.rows_html
    assert env.get_template("year.html").render(page=page, site=SITE) == slow


def test_a_row_macro_that_does_more_than_print_is_left_to_the_template() -> None:
    page = year_page(SITE, YEAR, region_agencies())
    overridden = jinja2.DictLoader(
        {
            "_year_rows.html": "{% macro year_row(url, name, values) %}<tr>{{ name | upper }}"
            "{% for v in values %}<td>{{ v if v != '0' else '零' }}</td>{% endfor %}</tr>\n"
            "{% endmacro %}{% macro rank_row(rank, url, name, texts) %}<tr>{{ rank }}<a href="
            '"{{ url }}">{{ name }}</a>{% for t in texts %}<td>{{ t }}</td>{% endfor %}</tr>\n'
            "{% endmacro %}"
        }
    )
    env = RENDERER.renderer.env.overlay(
        loader=jinja2.ChoiceLoader([overridden, RENDERER.renderer.env.loader])
    )
    slow = env.get_template("year.html").render(page=page, site=SITE)
    fill_rows(env, page)
    assert page.rows_html is None  # its values are not printed as given
    assert page.ranking_html is not None  # a plain row: filled in
    assert env.get_template("year.html").render(page=page, site=SITE) == slow
