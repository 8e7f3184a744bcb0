"""`nianbao build`: what it writes, when it refuses, and that it is deterministic."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from conftest import PORTAL, ROOT, edit, nianbao


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_builds_every_page_type(tmp_path: Path) -> None:
    out = tmp_path / "site"
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert run.code == 0, run.out
    assert run.lines[-1].startswith("已生成 54 个文件（5 份年报），用时 ")
    assert sorted(tree(out)) == [  # only what is published: build state is kept beside it
        "2019/index.html",
        "2020/index.html",
        "2021/index.html",
        "2022/index.html",
        "404.html",
        "assets/search.js",  # used by search/index.html only (site.yaml search: true)
        "assets/style.css",
        "data/2019/cells.csv",  # the region's data files, one set per year
        "data/2019/cells.json",
        "data/2019/reports.xlsx",
        "data/2019/summary.csv",
        "data/2020/cells.csv",
        "data/2020/cells.json",
        "data/2020/reports.xlsx",
        "data/2020/summary.csv",
        "data/2021/cells.csv",
        "data/2021/cells.json",
        "data/2021/reports.xlsx",
        "data/2021/summary.csv",
        "data/2022/cells.csv",
        "data/2022/cells.json",
        "data/2022/reports.xlsx",
        "data/2022/summary.csv",
        "data/index.html",  # documents every data file and field
        "demo-bureau/2019/active.csv",  # a report's data files, beside its page
        "demo-bureau/2019/appeals.csv",
        "demo-bureau/2019/data.json",
        "demo-bureau/2019/index.html",
        "demo-bureau/2019/requests.csv",
        "demo-bureau/2020/active.csv",
        "demo-bureau/2020/appeals.csv",
        "demo-bureau/2020/data.json",
        "demo-bureau/2020/index.html",
        "demo-bureau/2020/requests.csv",
        "demo-bureau/2021/active.csv",
        "demo-bureau/2021/appeals.csv",
        "demo-bureau/2021/data.json",
        "demo-bureau/2021/index.html",
        "demo-bureau/2021/requests.csv",
        "demo-bureau/2022/active.csv",
        "demo-bureau/2022/appeals.csv",
        "demo-bureau/2022/data.json",
        "demo-bureau/2022/index.html",
        "demo-bureau/2022/requests.csv",
        "demo-bureau/index.html",
        "feed.xml",  # Atom: the latest reports by published date
        "index.html",
        "sitemap.xml",
        "town-a/2022/active.csv",
        "town-a/2022/appeals.csv",
        "town-a/2022/data.json",
        "town-a/2022/index.html",
        "town-a/2022/requests.csv",
        "town-a/index.html",
    ]


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    nianbao("build", "--content", PORTAL, "--out", tmp_path / "a")
    nianbao("build", "--content", PORTAL, "--out", tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_errors_refuse_to_write_and_keep_the_old_site(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    before = tree(out)
    edit(portal / "town-a/2022/report.yaml", "licensing: 5", "licensing: no")
    run = nianbao("build", "--content", portal, "--out", out)
    assert run.code == 1
    assert run.lines[0].endswith(
        "town-a/2022/report.yaml:6:14: 错误: 表二 第二十条第（五）项 行政许可 / 本年处理决定数量 "
        "应为非负整数，实为“no”（YAML 会把它读作真/假值）；零请写 0 [V5]"
    )
    assert run.lines[-1] == "有错误，未生成网站（原有网站保持不变）。"
    assert tree(out) == before
    # the build state (.nianbao-cache/), and no leftover staging folder
    assert sorted(p.name for p in tmp_path.iterdir()) == [".nianbao-cache", "content", "site"]


def test_example_site_builds_from_project_root(tmp_path: Path) -> None:
    run = nianbao("build", "--content", ROOT / "content", "--out", tmp_path / "site")
    assert run.code == 0, run.out
    page = (tmp_path / "site/shanggao-kjj/2021/index.html").read_text("utf-8")
    assert "<h1>上高县科学技术局2021年政府信息公开工作年度报告</h1>" in page


def test_symlink_loop_in_content_is_a_warning_not_a_crash(portal: Path, tmp_path: Path) -> None:
    (portal / "town-a/2022/loop").symlink_to("..")
    out = tmp_path / "site"
    for _ in range(2):  # a cold build, then a warm one that scans the link again
        run = nianbao("build", "--content", portal, "--out", out)
        assert run.code == 0, run.out
        assert run.lines[0].endswith(
            "town-a/2022/loop:1:1: 警告: 未知的文件夹“loop”，不会发布；"
            "可用的文件名：preface.md、overview.md、problems.md、other.md、report.yaml"
        )


def test_refuses_an_output_folder_that_would_replace_the_sources(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    for out in (content, tmp_path, content / ".."):
        run = nianbao("build", "--content", content, "--out", out)
        assert run.code == 2
        assert "生成网站会把它整个替换掉" in run.err
    assert (content / "site.yaml").is_file()


def test_an_agency_folder_named_like_the_assets_is_an_error(portal: Path, tmp_path: Path) -> None:
    (portal / "town-a").rename(portal / "assets")
    run = nianbao("build", "--content", portal, "--out", tmp_path / "site")
    assert run.code == 1
    assert run.lines[0] == (
        f"{portal}/assets/:1:1: 错误: 机构文件夹名“assets”是网站保留的名称（存放样式等文件），请换一个"
    )


def test_refuses_an_output_folder_inside_the_sources(tmp_path: Path) -> None:
    # the first build would succeed and every later check or build read the site back as
    # content (its agency folders as years, index.html as an unknown file)
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    (tmp_path / "templates").mkdir()
    cases = [
        (content / "site", "内容目录"),
        (content / "town-a" / "site", "内容目录"),
        (tmp_path / "templates" / "site", "模板目录"),
    ]
    for out, name in cases:
        run = nianbao(
            "build", "--content", content, "--out", out, "--templates", tmp_path / "templates"
        )
        assert run.code == 2, run.out
        assert run.err == (
            f"nianbao: 错误: 输出目录 {out} 在{name}里面，以后检查和生成时网站文件会被当作"
            f"{name}里的内容读取；请用 --out 另选一个目录\n"
        )
        assert not out.exists()
    run = nianbao("build", "--content", content, "--out", tmp_path / "site")
    assert run.code == 0, run.out
