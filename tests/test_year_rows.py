"""The year page's rows kept per report (yearrows.year_page_kept) are the rows made
afresh: after edits that move reports in the ranking, tie them or leave them unranked,
with the theme's row macros or a site's own, and made again when the macros change."""

from __future__ import annotations

import tempfile
from pathlib import Path

import jinja2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao import yearmodel, yearrows
from nianbao.coverage import summed_cells
from nianbao.model import Agency
from nianbao.region import year_page
from nianbao.yearrows import fill_rows, year_page_kept
from test_year_model import RENDERER, SITE, YEAR, model_of, region_agencies, with_cell

THEME = RENDERER.renderer.env


def overlaid(rows_template: str) -> jinja2.Environment:
    """The theme's environment with ``_year_rows.html`` replaced (a site's templates/)."""
    loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader({"_year_rows.html": rows_template}), THEME.loader]
    )  # type: ignore[list-item]
    return THEME.overlay(loader=loader)


def fresh(agencies: list[Agency], env: jinja2.Environment) -> tuple[str | None, str | None, str]:
    """The rows and the page as made from all the agencies, without anything kept."""
    page = year_page(SITE, YEAR, agencies)
    looped = env.get_template("year.html").render(page=page, site=SITE)
    fill_rows(env, page)
    assert env.get_template("year.html").render(page=page, site=SITE) == looped
    return page.rows_html, page.ranking_html, looped


def kept(
    agencies: list[Agency], env: jinja2.Environment, state: Path
) -> tuple[str | None, str | None, str]:
    page = year_page_kept(SITE, model_of(agencies, state, []), env, state, "k")
    return (
        page.rows_html,
        page.ranking_html,
        env.get_template("year.html").render(page=page, site=SITE),
    )


# (which report, which summed cell, its new value): small values tie reports and empty
# the 公开率's denominator (unranked, "—")
EDIT = st.tuples(st.integers(0, 13), st.integers(0, 10_000), st.integers(0, 4))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds=st.lists(st.lists(EDIT, max_size=5), min_size=1, max_size=3), mixed=st.booleans())
def test_kept_rows_are_the_rows_made_afresh(
    rounds: list[list[tuple[int, int, int]]], mixed: bool
) -> None:
    agencies = region_agencies(mixed=mixed)
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder)
        assert kept(agencies, THEME, state) == fresh(agencies, THEME)
        published = [i for i, a in enumerate(agencies) if YEAR in a.filed]
        for edits in rounds:
            for which, cell, value in edits:
                i = published[which % len(published)]
                positions = summed_cells(agencies[i].filed[YEAR].format, None)
                agencies[i] = with_cell(agencies[i], positions[cell % len(positions)][0], value)
            got = kept(agencies, THEME, state)
            assert got == fresh(agencies, THEME)
            assert mixed or (got[0] is not None and got[1] is not None)


def test_ties_and_unranked_reports_keep_the_ranks_of_a_full_sort(tmp_path: Path) -> None:
    agencies = region_agencies()
    kept(agencies, THEME, tmp_path)
    positions = summed_cells(agencies[0].filed[YEAR].format, None)
    for i in range(6):  # every cell zero: equal, or nothing to rank by
        for position, _ in positions:
            agencies[i] = with_cell(agencies[i], position, 0 if i % 2 else 1)
    got = kept(agencies, THEME, tmp_path)
    assert got == fresh(agencies, THEME)
    assert got[1] is not None and "—" in got[1]


def test_only_the_changed_reports_rows_are_made_again(tmp_path: Path) -> None:
    agencies = region_agencies()
    kept(agencies, THEME, tmp_path)
    path = tmp_path / yearmodel.ROWS_FOLDER / f"{YEAR}.bin"
    key, rows = yearrows.unframed(yearrows.MAGIC, path.read_bytes())
    published = [i for i, a in enumerate(agencies) if YEAR in a.filed]
    second, last = published[1], published[-1]  # (the first row is checked by a macro call)
    for slug in (agencies[second].slug, agencies[last].slug):  # marked: a kept row is used
        made_from, row, tail = rows[slug]
        rows[slug] = (made_from, row.replace("<tr>", "<tr data-kept>"), tail)
    path.write_bytes(yearrows.framed(yearrows.MAGIC, (key, rows)))
    position = summed_cells(agencies[last].filed[YEAR].format, None)[0][0]
    agencies[last] = with_cell(agencies[last], position, 7)
    rows_html, _, _ = kept(agencies, THEME, tmp_path)
    assert rows_html is not None and rows_html.count("data-kept") == 1  # the second's, kept


def test_a_site_row_macro_that_does_more_than_print_is_still_honoured(tmp_path: Path) -> None:
    env = overlaid(
        "{% macro year_row(url, name, values) %}<tr>{{ name | upper }}"
        "{% for v in values %}<td>{{ v if v != '0' else '零' }}</td>{% endfor %}</tr>\n"
        "{% endmacro %}{% macro rank_row(rank, url, name, texts) %}<tr>{{ rank }}<a href="
        '"{{ url }}">{{ name }}</a>{% for t in texts %}<td>{{ t }}</td>{% endfor %}</tr>\n'
        "{% endmacro %}"
    )
    agencies = region_agencies()
    got = kept(agencies, env, tmp_path)
    assert got[0] is None  # left to the page's loop, which calls the macro
    assert got[1] is not None and "零" in got[2]
    assert got == fresh(agencies, env)


def test_a_changed_row_macro_makes_every_row_again(tmp_path: Path) -> None:
    agencies = region_agencies()
    kept(agencies, THEME, tmp_path)
    env = overlaid(
        '{% macro year_row(url, name, values) %}<tr class="changed"><th><a href="{{ url }}">'
        "{{ name }}</a></th>{% for v in values %}<td>{{ v }}</td>{% endfor %}</tr>\n"
        '{% endmacro %}{% macro rank_row(rank, url, name, texts) %}<tr class="changed">'
        '<td>{{ rank }}</td><th><a href="{{ url }}">{{ name }}</a></th>'
        "{% for t in texts %}<td>{{ t }}</td>{% endfor %}</tr>\n{% endmacro %}"
    )
    got = kept(agencies, env, tmp_path)
    assert got == fresh(agencies, env)
    assert got[0] is not None and got[0].count('class="changed"') == 12
    assert got[1] is not None and got[1].count('class="changed"') == 12
    assert kept(agencies, THEME, tmp_path) == fresh(agencies, THEME)  # and back
