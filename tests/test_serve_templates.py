"""A template edit under ``serve``: rendered from the agencies kept in memory (no content
file is read again), only the pages whose templates changed are written, the data files
are left alone, and the result is byte for byte a clean build's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PORTAL
from nianbao import agencywork, contentfiles
from nianbao.build import Result, Session, build
from nianbao.model import Agency
from nianbao.problems import Problem
from nianbao.render import THEME
from nianbao.sources import AgencyFolder
from test_build import tree

DATA_FILES = [
    "town-a/2022/data.json",
    "data/2022/cells.csv",
    "data/2022/reports.xlsx",
    "feed.xml",
    "assets/style.css",
]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every content file read from disk, and every agency loaded (from disk or from the
    bytes the last scan kept), from now on; site.yaml aside: each build reads it."""
    seen: list[str] = []
    load_file = contentfiles.Tree._load
    load_agency = agencywork.load_and_check

    def file_read(self: contentfiles.Tree, rel: str) -> bytes | contentfiles.Refused:
        if rel != "site.yaml":
            seen.append(f"{self.folder.name}/{rel}")
        return load_file(self, rel)

    def agency_loaded(folder: AgencyFolder, shown: str) -> tuple[Agency | None, list[Problem]]:
        seen.append(folder.slug)
        return load_agency(folder, shown)

    monkeypatch.setattr(contentfiles.Tree, "_load", file_read)
    monkeypatch.setattr(agencywork, "load_and_check", agency_loaded)
    yield seen


class Serving:
    """A serve session's builds, without the server: a save is a path handed to the
    session, as the watcher hands it."""

    def __init__(self, tmp_path: Path, word: bool = False) -> None:
        self.content = tmp_path / "content"
        shutil.copytree(PORTAL, self.content)
        if word:
            with (self.content / "site.yaml").open("a", encoding="utf-8") as f:
                f.write("word: true\n")
        self.templates = tmp_path / "templates"
        self.templates.mkdir()
        self.out = tmp_path / "site"
        self.tmp = tmp_path
        self.session = Session()
        assert self.build().written

    def build(self) -> Result:
        return build(self.content, self.templates, self.out, session=self.session, jobs=1)

    def save_template(self, name: str, text: str) -> Result:
        path = self.templates / name
        path.write_text(text, "utf-8")
        assert self.session.changed is not None
        self.session.changed.add(path)
        return self.build()

    def clean(self) -> dict[str, str]:
        out = self.tmp / "clean"
        shutil.rmtree(out, ignore_errors=True)
        assert build(self.content, self.templates, out, jobs=1).written
        return tree(out)

    def times(self) -> dict[str, int]:
        return {p: (self.out / p).stat().st_mtime_ns for p in DATA_FILES}


def theme(name: str, marker: str) -> str:
    """The theme's template with ``marker`` shown at the start of its main block."""
    source = (THEME / name).read_text("utf-8")
    assert source.count("{% block main %}") == 1
    return source.replace("{% block main %}", f"{{% block main %}}<p>{marker}</p>")


def test_a_page_template_edit_renders_those_pages_from_memory(
    tmp_path: Path, reads: list[str]
) -> None:
    serving = Serving(tmp_path)
    data_times = serving.times()
    report_before = (serving.out / "town-a/2022/index.html").read_bytes()
    reads.clear()
    result = serving.save_template("home.html", theme("home.html", "首页模板标记"))
    assert result.written, result.problems
    assert reads == []  # nothing of the content was read again
    assert result.rendered == 1  # the home page alone uses home.html
    assert "首页模板标记" in (serving.out / "index.html").read_text("utf-8")
    assert (serving.out / "town-a/2022/index.html").read_bytes() == report_before
    assert serving.times() == data_times
    assert tree(serving.out) == serving.clean()


def test_an_included_template_edit_renders_every_page_and_no_data_file(
    tmp_path: Path, reads: list[str]
) -> None:
    serving = Serving(tmp_path)
    data_times = serving.times()
    reads.clear()
    footer = (THEME / "_footer.html").read_text("utf-8")
    result = serving.save_template("_footer.html", "<p>页脚模板标记</p>\n" + footer)
    assert result.written, result.problems
    assert reads == []
    for page in ["index.html", "town-a/index.html", "town-a/2022/index.html", "2022/index.html"]:
        assert "页脚模板标记" in (serving.out / page).read_text("utf-8"), page
    assert serving.times() == data_times  # base.html includes the footer; data files do not
    assert tree(serving.out) == serving.clean()
    # and a content save after it is still seen (the kept agency is replaced)
    report = serving.content / "town-a/2022/report.yaml"
    report.write_text(report.read_text("utf-8").replace("licensing: 5", "licensing: 77"), "utf-8")
    assert serving.session.changed is not None
    serving.session.changed.add(report)
    assert serving.build().written
    serving.save_template("_footer.html", "<p>第二次</p>\n" + footer)
    assert ">77</td>" in (serving.out / "town-a/2022/index.html").read_text("utf-8")
    assert tree(serving.out) == serving.clean()


def test_a_template_edit_keeps_the_word_documents(tmp_path: Path) -> None:
    serving = Serving(tmp_path, word=True)
    document = serving.out / "town-a/2022/town-a-2022.docx"
    written = document.stat().st_mtime_ns
    result = serving.save_template("report.html", theme("report.html", "年报模板标记"))
    assert result.written, result.problems
    page = (serving.out / "town-a/2022/index.html").read_text("utf-8")
    assert "年报模板标记" in page and "town-a-2022.docx" in page  # the link states its size
    assert document.stat().st_mtime_ns == written
    assert tree(serving.out) == serving.clean()


def test_a_broken_template_leaves_the_site_and_is_reported(tmp_path: Path) -> None:
    serving = Serving(tmp_path)
    before = tree(serving.out)
    result = serving.save_template("home.html", "{% block main %}{% if %}\n")
    assert not result.written
    assert [p.format() for p in result.errors] == [
        f"{serving.templates.as_posix()}/home.html:1: 错误: 模板语法错误："
        "Expected an expression, got 'end of statement block'"
    ]
    assert tree(serving.out) == before
    fixed = serving.save_template("home.html", theme("home.html", "修好了"))
    assert fixed.written
    assert "修好了" in (serving.out / "index.html").read_text("utf-8")
    assert tree(serving.out) == serving.clean()


def test_a_session_started_on_a_built_site_loads_the_agencies_once(
    tmp_path: Path, reads: list[str]
) -> None:
    serving = Serving(tmp_path)  # a site already built: the next serve starts warm
    serving.session = Session()
    reads.clear()
    assert serving.build().written
    assert reads == []  # nothing changed: nothing loaded
    serving.save_template("home.html", theme("home.html", "第一次"))
    assert sorted(set(reads) & {"demo-bureau", "town-a"}) == ["demo-bureau", "town-a"]
    reads.clear()
    result = serving.save_template("_footer.html", "<p>第二次</p>\n")
    assert result.written and reads == []
    assert tree(serving.out) == serving.clean()


def test_a_page_changed_by_hand_under_serve_is_repaired_by_the_next_build(
    tmp_path: Path,
) -> None:
    """serve trusts the output it holds the lock of (no survey of every file on each save);
    the next ``build`` still finds the page changed by hand and writes it again."""
    serving = Serving(tmp_path)
    page = serving.out / "town-a/index.html"
    page.write_text("手工改动", "utf-8")
    narrative = serving.content / "demo-bureau/2021/overview.md"
    narrative.write_text(narrative.read_text("utf-8") + "\n补充。\n", "utf-8")
    assert serving.session.changed is not None
    serving.session.changed.add(narrative)
    assert serving.build().written
    assert "补充。" in (serving.out / "demo-bureau/2021/index.html").read_text("utf-8")
    result = build(serving.content, serving.templates, serving.out, jobs=1)
    assert result.repaired == 1
    assert tree(serving.out) == serving.clean()
