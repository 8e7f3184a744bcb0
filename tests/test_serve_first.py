"""What ``serve`` shows first: a rebuild writes the pages of the agencies its browsers show
before the others, and before the pages about many agencies and the manifest, and says so
(rerender.Watching), so the browser reloads while the rest is still being written. The
site at the end is still byte for byte a clean build's."""

from __future__ import annotations

from pathlib import Path

from conftest import edit
from nianbao.outdir import target
from nianbao.rerender import Watching
from test_build import tree
from test_serve_templates import Serving, theme

MARK = "模板标记先写"


def read(serving: Serving, page: str) -> str:
    return (serving.out / page).read_text("utf-8")


def test_a_template_edit_writes_the_shown_agency_first(tmp_path: Path) -> None:
    serving = Serving(tmp_path)
    seen: list[tuple[int, bool, bool]] = []

    def written(count: int) -> None:
        shown = MARK in read(serving, "town-a/2022/index.html")
        other = MARK in read(serving, "demo-bureau/2022/index.html")
        seen.append((count, shown, other))

    serving.session.watching = Watching(written, {"town-a"})  # sorted last of the two
    result = serving.save_template("report.html", theme("report.html", MARK))
    assert result.written, result.problems
    assert seen == [(1, True, False)]  # town-a's one report, before demo-bureau's four
    assert result.rendered == 5
    assert MARK in read(serving, "demo-bureau/2022/index.html")
    assert tree(serving.out) == serving.clean()


def test_a_save_is_written_before_the_bookkeeping(tmp_path: Path) -> None:
    serving = Serving(tmp_path)
    manifest = target(serving.out).state / "manifest.bin"
    manifest_before = manifest.read_bytes()
    seen: list[tuple[int, bool, bool]] = []

    def written(count: int) -> None:
        page = "先写的正文" in read(serving, "town-a/2022/index.html")
        seen.append((count, page, manifest.read_bytes() == manifest_before))

    serving.session.watching = Watching(written)  # no browser: the changed agency first
    overview = serving.content / "town-a/2022/overview.md"
    overview.write_text(overview.read_text("utf-8") + "\n先写的正文\n", "utf-8")
    assert serving.session.changed is not None
    serving.session.changed.add(overview)
    result = serving.build()
    assert result.written, result.problems
    assert seen == [(5, True, True)]  # the report page and its data files, manifest unchanged
    assert manifest.read_bytes() != manifest_before
    assert tree(serving.out) == serving.clean()


def test_a_broken_save_writes_nothing_early(tmp_path: Path) -> None:
    serving = Serving(tmp_path)
    seen: list[int] = []
    serving.session.watching = Watching(seen.append, {"town-a"})
    report = serving.content / "town-a/2022/report.yaml"
    edit(report, "licensing: 5", "licensing: -5")
    assert serving.session.changed is not None
    serving.session.changed.add(report)
    result = serving.build()
    assert not result.written and result.errors
    assert seen == []
