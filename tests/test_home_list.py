"""The home page's list of agencies kept between builds (homelist): after any edit the
home page is the one a clean build makes, with the trend changing, agencies added,
removed or renamed, a site's own home template or list macro, and a template changed;
a kept list that is odd is made again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PORTAL, nianbao
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao import homelist
from nianbao.records import unframed
from test_trend_cache import _toggle

OWN_HOME = """{% extends "base.html" %}
{% block main %}<h1>{{ site.title }}</h1>
{% for group in page.groups %}<h2>{{ group.name }}</h2>{% for a in group.agencies %}
<p>{{ a.name }}</p>{% endfor %}{% endfor %}
{% if page.trend %}<p>{{ page.trend.rows | length }}</p>{% endif %}{% endblock main %}
"""
OWN_LIST = """{% macro agency_groups(page) %}{% for group in page.groups %}<h3>{{ group.name }}</h3>
{% for a in group.agencies %}<p>{{ a.slug }} {{ a.name }}</p>{% endfor %}{% endfor %}{% endmacro %}
"""


def _home(out: Path) -> str:
    return (out / "index.html").read_text("utf-8")


def _build(content: Path, out: Path, templates: Path) -> str:
    run = nianbao("build", "--content", content, "--out", out, "--templates", templates)
    assert run.code == 0, run.out
    return _home(out)


def _toggle_agency(content: Path) -> None:
    """Add a second town (a copy of town-a, renamed) or remove it again."""
    added = content / "town-b"
    if added.exists():
        shutil.rmtree(added)
        return
    shutil.copytree(content / "town-a", added)
    yaml = added / "agency.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("甲镇", "乙镇"), "utf-8")


def _toggle_name(content: Path) -> None:
    yaml = content / "town-a/agency.yaml"
    text = yaml.read_text("utf-8")
    old, new = ("甲镇", "丙镇") if "甲镇" in text else ("丙镇", "甲镇")
    yaml.write_text(text.replace(old, new), "utf-8")


def _toggle_file(templates: Path, name: str, text: str) -> None:
    path = templates / name
    if path.exists():
        path.unlink()
    else:
        path.write_text(text, "utf-8")


def _toggle_footer(templates: Path) -> None:
    """A template every page includes: changed, or back to the theme's."""
    _toggle_file(templates, "_footer.html", "<footer><p>页脚</p></footer>\n")


EDITS = {
    "trend 0": lambda c, t: _toggle(c, 0),
    "trend 1": lambda c, t: _toggle(c, 1),
    "agency added or removed": lambda c, t: _toggle_agency(c),
    "agency renamed": lambda c, t: _toggle_name(c),
    "own home.html": lambda c, t: _toggle_file(t, "home.html", OWN_HOME),
    "own list macro": lambda c, t: _toggle_file(t, homelist.TEMPLATE, OWN_LIST),
    "footer changed": lambda c, t: _toggle_footer(t),
}


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=4))
def test_the_home_page_after_edits_is_a_clean_builds(tmp_path: Path, edits: list[str]) -> None:
    work = tmp_path / str(len(list(tmp_path.iterdir())))
    content, templates = work / "content", work / "templates"
    shutil.copytree(PORTAL, content)
    templates.mkdir()
    out = work / "site"
    homes = {_build(content, out, templates)}
    for name in edits:
        EDITS[name](content, templates)
        home = _build(content, out, templates)
        clean = work / f"clean{len(homes)}"
        assert home == _build(content, clean, templates), name
        shutil.rmtree(clean)
        homes.add(home)


def test_a_trend_edit_renders_the_home_page_around_the_kept_list(tmp_path: Path) -> None:
    """The kept list is what the page shows: a forged one appears after a trend edit."""
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(PORTAL, content)
    templates.mkdir()
    out = tmp_path / "site"
    home = _build(content, out, templates)
    state = tmp_path / ".nianbao-cache" / "site"
    key, markup = unframed(homelist.MAGIC, (state / homelist.NAME).read_bytes())
    assert markup in home and "甲镇" in markup
    homelist.write(state, key, markup.replace("甲镇", "伪造镇"))
    _toggle(content, 0)
    assert "伪造镇" in _build(content, out, templates)


@pytest.mark.parametrize("damage", ["absent", "a byte changed", "another file's", "cut short"])
def test_a_kept_list_that_is_odd_is_made_again(tmp_path: Path, damage: str) -> None:
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(PORTAL, content)
    templates.mkdir()
    out = tmp_path / "site"
    _build(content, out, templates)
    kept = tmp_path / ".nianbao-cache" / "site" / homelist.NAME
    if damage == "absent":
        kept.unlink()
    elif damage == "a byte changed":
        data = bytearray(kept.read_bytes())
        data[-1] ^= 1
        kept.write_bytes(bytes(data))
    elif damage == "cut short":
        kept.write_bytes(kept.read_bytes()[:30])
    else:
        kept.write_bytes((kept.parent / "manifest.bin").read_bytes())
    _toggle(content, 0)
    home = _build(content, out, templates)
    assert home == _build(content, tmp_path / "clean", templates)
    assert homelist.read(kept.parent, unframed(homelist.MAGIC, kept.read_bytes())[0])


def test_an_own_home_template_reads_the_groups(tmp_path: Path) -> None:
    """A site's own home.html that loops over page.groups gets them (made when read)."""
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(PORTAL, content)
    templates.mkdir()
    (templates / "home.html").write_text(OWN_HOME, "utf-8")
    home = _build(content, tmp_path / "site", templates)
    assert "<p>示例市甲镇人民政府</p>" in home
