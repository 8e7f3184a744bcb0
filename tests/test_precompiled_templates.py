"""The standard tables and the year-on-year comparison are rendered once per format from
the ``_table.html`` and ``_compare.html`` macros and filled per report (render.py,
comparetable.py): a site's own copy of either macro must still decide the markup, and the
filled page must be what rendering the macro for that report gives."""

from __future__ import annotations

from pathlib import Path

import jinja2
from conftest import PORTAL, nianbao
from nianbao.render import THEME, environment

REPORT = "demo-bureau/2021/index.html"  # compared with 2020, across the format change


def build(tmp_path: Path, templates: dict[str, str]) -> str:
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, text in templates.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    run = nianbao("build", "--content", PORTAL, "--out", out, "--templates", folder)
    assert run.code == 0, run.out
    return (out / REPORT).read_text(encoding="utf-8")


def test_a_sites_compare_macro_decides_the_markup(tmp_path: Path) -> None:
    theme = (THEME / "_compare.html").read_text(encoding="utf-8")
    own = theme.replace("主要数据与上年比较", "本站的比较").replace(
        '<td class="num">{{ c.delta_text }}</td>', '<td class="num delta">{{ c.delta_text }}!</td>'
    )
    assert own != theme
    html = build(tmp_path, {"_compare.html": own})
    assert "本站的比较" in html and "主要数据与上年比较" not in html
    assert html.count('<td class="num delta">') >= 3
    assert '<td class="num delta">—!</td>' in html or '<td class="num delta">+' in html


def test_a_sites_table_macro_decides_the_markup(tmp_path: Path) -> None:
    theme = (THEME / "_table.html").read_text(encoding="utf-8")
    own = theme.replace(
        'class="{{ c.css }}">{{ values[c.cell] }}</td>',
        'class="{{ c.css }} mine">[{{ values[c.cell] }}]</td>',
    )
    assert own != theme
    html = build(tmp_path, {"_table.html": own})
    assert 'class="num mine">[' in html


def test_the_filled_comparison_is_the_macro_rendered_for_the_report(tmp_path: Path) -> None:
    """The page's table, byte for byte, against the macro called with the real changes."""
    html = build(tmp_path, {})
    from nianbao.agencywork import load_and_check
    from nianbao.figures import compare
    from nianbao.sources import scan

    folder = scan(PORTAL, 1).agencies["demo-bureau"]
    agency, _ = load_and_check(folder, "content")
    assert agency is not None
    changes = compare(agency.summaries[2021], agency.summaries[2020])
    env: jinja2.Environment = environment(None)
    macro = env.get_template("_compare.html").module.compare_table  # type: ignore[attr-defined]
    assert str(macro(2020, 2021, changes)) in html
