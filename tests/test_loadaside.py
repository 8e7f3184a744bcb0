"""loadaside: the changed agencies loaded by a child equal those loaded in this process
(agency, problems, the folder as read, the formats this process's own), a child that fails
has them loaded here all the same, and the renderer made meanwhile fails only where it is
first asked for."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import edit, nianbao
from nianbao import loadaside
from nianbao.formats import all_formats
from nianbao.lazyrender import LazyRenderer
from nianbao.outputs import TemplateFault
from nianbao.sources import AgencyFolder, Scanning

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork: loaded here")


def folders(content: Path) -> list[AgencyFolder]:
    scanning = Scanning(content, 1, None)
    try:
        return list(scanning.result().agencies.values())
    finally:
        scanning.close()


def read_as(loaded: list[loadaside.Loaded]) -> list[tuple]:
    """What a build uses of each loaded agency: the agency, its problems, the digests of the
    files read (its record's and its pages' fingerprints)."""
    return [
        (folder.slug, agency, problems, folder.digest, folder.meta, folder.years)
        for folder, agency, problems in loaded
    ]


def both_ways(content: Path) -> tuple[list[loadaside.Loaded], list[loadaside.Loaded]]:
    """Each agency loaded by a child and here (fresh folders each time: a folder remembers
    what it read)."""
    aside = []
    for folder in folders(content):
        renderer = LazyRenderer(None)
        aside += loadaside.load_all([folder], str(content), renderer, 2)
        assert renderer.made  # made meanwhile
    here = loadaside.load_all(folders(content), str(content), LazyRenderer(None), 1)
    return aside, here


CASES = {
    "valid": lambda portal: None,
    "a cell in error": lambda portal: edit(
        portal / "demo-bureau/2020/report.yaml", "decisions: 315", "decisions: -1"
    ),
    "agency.yaml broken": lambda portal: (portal / "town-a/agency.yaml").write_text(
        "name: [\n", "utf-8"
    ),
    "a narrative with Markdown": lambda portal: edit(
        portal / "town-a/2022/overview.md", "\n", "\n补充**说明**一句。\n"
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_child_loads_what_this_process_loads(portal: Path, case: str) -> None:
    CASES[case](portal)
    aside, here = both_ways(portal)
    assert read_as(aside) == read_as(here)
    assert len(here) == 2
    for _, agency, _ in aside:
        for report in agency.reports.values() if agency is not None else ():
            assert report.format is all_formats()[report.format.id]  # compared by identity


def test_a_failing_child_has_the_agencies_loaded_here(
    portal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    loaded = loadaside._loaded

    def failing_in_a_child(given: list[AgencyFolder], shown: str) -> list[loadaside.Loaded]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return loaded(given, shown)

    monkeypatch.setattr(loadaside, "_loaded", failing_in_a_child)
    renderer = LazyRenderer(None)
    aside = loadaside.load_all(folders(portal), str(portal), renderer, 2)
    monkeypatch.undo()
    here = loadaside.load_all(folders(portal), str(portal), LazyRenderer(None), 1)
    assert read_as(aside) == read_as(here)


def test_agencies_are_loaded_here_when_a_child_would_not_pay(portal: Path) -> None:
    """One core (``jobs`` 1), a renderer already made, or more agencies than AT_MOST."""
    made = LazyRenderer(None)
    made.renderer  # noqa: B018
    many = folders(portal) * (loadaside.AT_MOST // 2 + 1)
    for given, renderer, jobs in (
        (folders(portal), LazyRenderer(None), 1),
        (folders(portal), made, 2),
        (many, LazyRenderer(None), 2),
    ):
        assert not loadaside._aside(given, renderer, jobs)
    assert loadaside._aside(folders(portal), LazyRenderer(None), 2)


def test_a_renderer_that_cannot_be_made_fails_where_it_is_asked_for(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_table.html").write_text("{% if %}", "utf-8")  # made with the renderer
    renderer = LazyRenderer(templates)
    renderer.make_ahead(["report.html"])  # no fault raised here
    assert not renderer.made
    with pytest.raises(TemplateFault):
        renderer.renderer  # noqa: B018


def test_a_warm_build_through_a_child_equals_one_without(portal: Path, tmp_path: Path) -> None:
    """The same edit built with a child reading the agency and with ``--jobs 1``: the same
    output, byte for byte, and the same messages."""
    sites = []
    for jobs in ("2", "1"):
        out = tmp_path / f"site{jobs}"
        assert nianbao("build", "--content", portal, "--out", out).code == 0
        edit(portal / "demo-bureau/2021/overview.md", "\n", "\n补充说明一句。\n")
        run = nianbao("build", "--content", portal, "--out", out, "--jobs", jobs)
        edit(portal / "demo-bureau/2021/overview.md", "\n补充说明一句。\n", "\n")
        assert run.code == 0
        sites.append((out, run.lines[:-1]))  # the last line says how long it took
    (a, a_lines), (b, b_lines) = sites
    assert a_lines == b_lines
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
