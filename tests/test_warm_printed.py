"""After a warm build the same problems are printed, in the same order, as after a cold
build of the same content (those of the agencies it did not read come from their records);
and the paths it removes are those the slow way finds (warmbuild.gone_paths)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PORTAL, edit, nianbao
from nianbao.build import build
from nianbao.manifest import Manifest, read
from nianbao.outdir import target
from nianbao.warmbuild import gone_paths
from test_incremental import CHANGES

# long enough to be compared (review.copying: MIN_CHARS, MIN_CLAUSES)
NARRATIVE = "".join(
    f"本机关{topic}，坚持以公开为常态、不公开为例外，按照条例要求稳步推进相关工作。"
    for topic in (
        "主动公开",
        "依申请公开",
        "政府信息管理",
        "平台建设",
        "监督保障",
        "政策解读",
        "回应关切",
        "公众参与",
        "信息发布",
        "档案管理",
    )
)


def with_warnings(content: Path) -> Path:
    """PORTAL with warnings in both agencies: R6 (a narrative as the year before's) and R7
    (one agency's narrative as another's of the same year)."""
    shutil.copytree(PORTAL, content)
    for overview in ("demo-bureau/2019", "demo-bureau/2020", "demo-bureau/2022", "town-a/2022"):
        (content / overview / "overview.md").write_text(NARRATIVE + "\n", "utf-8")
    return content


def record_of(out: Path) -> Manifest:
    made = read(target(out).state)
    assert made is not None
    return made


@pytest.mark.parametrize("change", list(CHANGES))
def test_warm_prints_what_cold_prints(tmp_path: Path, change: str) -> None:
    content = with_warnings(tmp_path / "content")
    out = tmp_path / "site"
    first = nianbao("build", "--content", content, "--out", out)
    assert first.code == 0, first.out
    assert "[R6]" in first.out and "[R7]" in first.out
    before = record_of(out)
    CHANGES[change](content)
    warm = nianbao("build", "--content", content, "--out", out)
    cold = nianbao("build", "--content", content, "--out", tmp_path / "clean")
    assert (warm.code, cold.code) == (0, 0), warm.out
    assert "更新" not in cold.lines[-1]
    if change != "edit site.yaml":  # (which makes a new build key: built afresh)
        assert "更新" in warm.lines[-1]
    assert warm.lines[:-1] == cold.lines[:-1]
    # every file the record lists is a page of it: what gone_paths relies on
    after = record_of(out)
    pages = set(after.pages).union(*(r.pages for r in after.agencies.values()))
    assert after.files.keys() <= pages
    assert record_of(tmp_path / "clean").files.keys() <= pages
    slow = (before.files.keys() | before.pages.keys()) - pages
    assert gone_paths(before, after.agencies, after.pages) == slow


def test_warm_prints_errors_as_cold_does(tmp_path: Path) -> None:
    content = with_warnings(tmp_path / "content")
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    edit(content / "town-a/2022/report.yaml", "licensing: 5", "licensing: -5")
    warm = nianbao("build", "--content", content, "--out", out)
    cold = nianbao("build", "--content", content, "--out", tmp_path / "clean")
    assert (warm.code, cold.code) == (1, 1)
    assert "错误" in warm.out and "[R6]" in warm.out
    assert warm.lines == cold.lines


def test_gone_paths_of_a_removed_agency(tmp_path: Path) -> None:
    """The fast path itself (unchanged records the very ones read): a removed agency's
    pages, and the site pages no longer made, and nothing else."""
    content = with_warnings(tmp_path / "content")
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    old = record_of(out)
    records = {slug: r for slug, r in old.agencies.items() if slug != "town-a"}
    pages = {p: f for p, f in old.pages.items() if p != "404.html"}
    expected = {*old.agencies["town-a"].pages, "404.html"}
    assert gone_paths(old, records, pages) == expected
    assert gone_paths(old, dict(old.agencies), old.pages) == set()


def test_a_warm_result_lists_the_agencies_as_a_cold_one(tmp_path: Path) -> None:
    """Result.agencies answers after a warm build too (made from the records when asked)."""
    content = with_warnings(tmp_path / "content")
    build(content, None, tmp_path / "site")
    with (content / "demo-bureau/2021/overview.md").open("a", encoding="utf-8") as f:
        f.write("\n补充一段说明。\n")
    warm = build(content, None, tmp_path / "site")
    cold = build(content, None, tmp_path / "clean")
    assert warm.incremental and not cold.incremental
    assert [a.slug for a in warm.agencies] == ["demo-bureau", "town-a"]
    assert warm.agencies == cold.agencies
