"""Incremental builds: a rebuild on a kept output folder redoes only what changed, and its
output is byte-identical to a clean full build of the same content."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PORTAL, edit, nianbao
from test_build import tree


def full_build(content: Path, tmp: Path, templates: Path | None = None) -> dict[str, str]:
    out = tmp / "clean"
    shutil.rmtree(out, ignore_errors=True)
    args = ["build", "--content", content, "--out", out, "--jobs", "1"]
    if templates:
        args += ["--templates", templates]
    assert nianbao(*args).code == 0
    return tree(out)


def edit_number(c: Path) -> None:
    edit(c / "town-a/2022/report.yaml", "licensing: 5", "licensing: 6")


def edit_narrative(c: Path) -> None:
    with (c / "demo-bureau/2021/overview.md").open("a", encoding="utf-8") as f:
        f.write("\n补充一段说明。\n")


def edit_carry_over(c: Path) -> None:
    """Changes 2021's 结转 and 2022's 上年结转 together: both pages and the comparison."""
    report21 = c / "demo-bureau/2021/report.yaml"
    report22 = c / "demo-bureau/2022/report.yaml"
    text = report21.read_text("utf-8")
    assert "  carried_forward: [5, 0, 0, 0, 0, 0, 5]" in text
    text = text.replace(
        "  carried_forward: [5, 0, 0, 0, 0, 0, 5]", "  carried_forward: [4, 0, 0, 0, 0, 0, 4]"
    )
    text = text.replace("    total: [15, 3, 0, 1, 2, 0, 21]", "    total: [16, 3, 0, 1, 2, 0, 22]")
    text = text.replace(
        "    disclosed: [7, 1, 0, 0, 1, 0, 9]", "    disclosed: [8, 1, 0, 0, 1, 0, 10]"
    )
    report21.write_text(text, "utf-8")
    edit(report22, "carried_over:  [5, 0, 0, 0, 0, 0]", "carried_over:  [4, 0, 0, 0, 0, 0]")
    edit(report22, "disclosed: [2, 2, 0, 0, 1, 0]", "disclosed: [1, 2, 0, 0, 1, 0]")
    edit(report22, "total: [5, 4, 0, 0, 2, 1]", "total: [4, 4, 0, 0, 2, 1]")


def add_year(c: Path) -> None:
    shutil.copytree(c / "town-a/2022", c / "town-a/2023")
    edit(c / "town-a/2023/report.yaml", "year: 2022", "year: 2023")


def delete_year(c: Path) -> None:
    shutil.rmtree(c / "demo-bureau/2019")


def add_agency(c: Path) -> None:
    shutil.copytree(c / "town-a", c / "town-b")
    edit(c / "town-b/agency.yaml", "甲镇", "乙镇")


def delete_agency(c: Path) -> None:
    shutil.rmtree(c / "town-a")


def rename_agency(c: Path) -> None:
    (c / "town-a").rename(c / "town-c")


def rename_agency_name(c: Path) -> None:
    edit(c / "town-a/agency.yaml", "甲镇", "丙镇")


def regroup_agency(c: Path) -> None:
    """Only agency.yaml's group: the year pages' group totals change, no report does."""
    edit(c / "town-a/agency.yaml", "group: 乡镇", "group: 市政府部门")


def expect_agency_earlier(c: Path) -> None:
    """since: an earlier year, so a year page lists the agency as missing."""
    with (c / "town-a/agency.yaml").open("a", encoding="utf-8") as f:
        f.write("since: 2018\n")


def edit_published(c: Path) -> None:
    """Only a published date: the feed's order and the year's data files change."""
    edit(c / "demo-bureau/2019/report.yaml", "published: 2020-01-29", "published: 2020-02-03")


def edit_site(c: Path) -> None:
    edit(c / "site.yaml", "示例市政府信息公开工作年度报告", "示例市年报")


def touch_without_change(c: Path) -> None:
    p = c / "demo-bureau/2020/report.yaml"
    p.write_bytes(p.read_bytes())


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit a number": edit_number,
    "edit a narrative": edit_narrative,
    "edit 结转 across two years": edit_carry_over,
    "add a year": add_year,
    "delete a year": delete_year,
    "add an agency": add_agency,
    "delete an agency": delete_agency,
    "rename an agency folder": rename_agency,
    "rename an agency": rename_agency_name,
    "regroup an agency": regroup_agency,
    "expect an agency from an earlier year": expect_agency_earlier,
    "change a published date": edit_published,
    "edit site.yaml": edit_site,
    "save without changes": touch_without_change,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_incremental_equals_full(tmp_path: Path, change: str) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    CHANGES[change](content)
    assert nianbao("check", "--content", content).code == 0
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out
    assert tree(out) == full_build(content, tmp_path)


def test_template_edit_rebuilds_what_it_touches(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    templates = tmp_path / "templates"
    templates.mkdir()
    out = tmp_path / "site"
    args = ["build", "--content", content, "--out", out, "--templates", templates]
    assert nianbao(*args).code == 0
    (templates / "_footer.html").write_text(
        '<footer class="site-footer"><p>本地页脚</p></footer>\n', "utf-8"
    )
    assert nianbao(*args).code == 0
    assert "本地页脚" in (out / "index.html").read_text("utf-8")
    assert tree(out) == full_build(content, tmp_path, templates)


def test_unchanged_rebuild_renders_nothing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert "，更新 0 个，" in run.lines[-1]


def test_edit_renders_only_pages_that_read_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    edit_narrative(content)
    run = nianbao("build", "--content", content, "--out", out)
    # the report page and its data files (data.json, one CSV per table): no figure changed,
    # so no year page, year data file or agency page
    assert "，更新 5 个，" in run.lines[-1]


def test_failed_incremental_build_changes_nothing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    before = tree(out)
    edit(content / "town-a/2022/report.yaml", "licensing: 5", "licensing: -5")
    assert nianbao("build", "--content", content, "--out", out).code == 1
    assert tree(out) == before
