"""Issue 11: never lose, leak or serve stale. The output folder is replaced only when it is
nianbao's; content reads stay inside content/; a warm build repairs what was changed by
hand; errors anywhere stop the build; build state is kept out of the published tree.

Each test asserts the output equals a clean build, or that the command refused with a clear
message, and that nothing outside the output (but the build state) changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PORTAL, ROOT, edit, nianbao, replace_by_hand
from nianbao import search
from test_build import tree


def clean_build(content: Path, tmp: Path) -> dict[str, str]:
    out = tmp / "clean-build"
    shutil.rmtree(out, ignore_errors=True)
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out
    return tree(out)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file, link and folder under ``folder`` (links not followed), with its bytes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = p.relative_to(folder).as_posix()
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = p.read_bytes().hex()
    return out


# ---------------------------------------------------------------------------------------
# The output folder


def test_a_foreign_non_empty_folder_is_refused_and_kept(tmp_path: Path) -> None:
    pages = tmp_path / "pages"  # a checkout of a pages repository
    (pages / ".git").mkdir(parents=True)
    (pages / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (pages / "CNAME").write_text("ndbg.example.gov.cn\n")
    (pages / "notes.txt").write_text("notes\n")
    before = snapshot(tmp_path)
    run = nianbao("build", "--content", PORTAL, "--out", pages)
    assert run.code == 2
    assert run.err == (
        f"nianbao: 错误: 输出目录 {pages}/ 不是空目录，也没有 nianbao 生成它的记录"
        "（其中有“.git/HEAD”等 3 个文件）；为免删除其中的文件，未生成网站。"
        "请清空该目录，或用 --out 另选一个目录\n"
    )
    assert snapshot(tmp_path) == before  # not even build state is left


def test_a_file_added_to_a_built_site_is_not_deleted(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    (out / "CNAME").write_text("ndbg.example.gov.cn\n")
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert run.code == 2
    assert run.err == (
        f"nianbao: 错误: 输出目录 {out}/ 中有不是 nianbao 生成的文件（“CNAME”）；为免删除它们，"
        "未生成网站。请把它们移走，或用 --out 另选一个目录\n"
    )
    assert (out / "CNAME").read_text() == "ndbg.example.gov.cn\n"


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    assert tree(out) == clean_build(PORTAL, tmp_path)


def test_a_symlinked_output_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep\n")
    (tmp_path / "site").symlink_to(elsewhere)
    before = snapshot(tmp_path)
    run = nianbao("build", "--content", PORTAL, "--out", tmp_path / "site")
    assert run.code == 2
    assert run.err == (
        f"nianbao: 错误: 输出目录 {tmp_path}/site/ 是符号链接（指向 {elsewhere}）；为免把网站写到"
        "别处或删掉别处的文件，不会跟随它。请用 --out 指定实际的目录\n"
    )
    assert snapshot(tmp_path) == before


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    (tmp_path / "site").write_text("not a folder\n")
    run = nianbao("build", "--content", PORTAL, "--out", tmp_path / "site")
    assert run.code == 2
    assert "已存在，但它是一个文件而不是文件夹；不会替换它" in run.err
    assert (tmp_path / "site").read_text() == "not a folder\n"


def test_an_older_nianbao_site_is_replaced(tmp_path: Path) -> None:
    """nianbao 0.1 kept its manifest in the output: such a folder is recognisably ours."""
    out = tmp_path / "site"
    out.mkdir()
    (out / ".nianbao-manifest.jsonl").write_text('{"version":2}\n')
    (out / "index.html").write_text("old\n")
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    assert tree(out) == clean_build(PORTAL, tmp_path)


def test_build_state_is_not_published(tmp_path: Path) -> None:
    """Two builds of the same content in two folders: identical trees, no hidden files."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        assert nianbao("build", "--content", PORTAL, "--out", tmp_path / name / "site").code == 0
    a, b = snapshot(tmp_path / "a/site"), snapshot(tmp_path / "b/site")
    assert a == b
    assert not [p for p in a if p.startswith(".") or "/." in p]


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    for leftover in (".site.new-abc123", ".site.old-def456"):
        shutil.copytree(out, tmp_path / leftover)
    (tmp_path / ".other.new-1").mkdir()  # another output's: not ours to remove
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".nianbao-cache", ".other.new-1", "site"]


# ---------------------------------------------------------------------------------------
# A warm build notices an output that is not what it wrote


def test_a_page_removed_or_overwritten_by_hand_is_repaired(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    (out / "index.html").unlink()
    replace_by_hand(out / "town-a/2022/index.html", "defaced\n")
    run = nianbao("build", "--content", PORTAL, "--out", out)
    assert run.code == 0
    # (a report page comes with its data files: they are rendered together)
    assert "（其中 2 个是输出目录中被改动或删除的文件，已恢复），" in run.lines[-1]
    assert tree(out) == clean_build(PORTAL, tmp_path)


def test_verify_finds_an_edit_that_kept_size_and_time(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    page = out / "demo-bureau/index.html"
    st = page.stat()
    data = page.read_bytes()
    page.write_bytes(data.replace("示例".encode(), "范例".encode(), 1))
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    # a content edit that keeps size and time too (as a clock set back would)
    report = portal / "town-a/2022/report.yaml"
    rst = report.stat()
    edit(report, "licensing: 5", "licensing: 6")
    os.utime(report, ns=(rst.st_atime_ns, rst.st_mtime_ns))
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert page.read_bytes() != data  # sizes and times cannot see it
    run = nianbao("build", "--content", portal, "--out", out, "--verify")
    assert run.code == 0
    assert tree(out) == clean_build(portal, tmp_path)


# ---------------------------------------------------------------------------------------
# Content reads stay inside content/, regular files only


def test_a_symlink_out_of_content_is_refused_without_quoting_it(
    portal: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (portal / "town-a/2022/other.md").unlink()
    (portal / "town-a/2022/other.md").symlink_to(secret)
    (portal / "demo-bureau/2021/report.yaml").unlink()
    (portal / "demo-bureau/2021/report.yaml").symlink_to(secret)
    out = tmp_path / "site"
    run = nianbao("build", "--content", portal, "--out", out)
    assert run.code == 1
    outside = "是指向内容目录之外的符号链接；为防止泄露本机文件，不会读取 [S1]"
    assert run.lines[:2] == [
        f"{portal}/demo-bureau/2021/report.yaml:1:1: 错误: {outside}",
        f"{portal}/town-a/2022/other.md:1:1: 错误: {outside}",
    ]
    assert "root:x" not in run.out
    assert not out.exists()


def test_symlinked_folders_out_of_content_are_refused(portal: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(PORTAL / "town-a", elsewhere)
    (portal / "town-b").symlink_to(elsewhere)  # an agency
    (portal / "demo-bureau/2023").symlink_to(elsewhere / "2022")  # a year
    run = nianbao("check", "--content", portal)
    assert run.code == 1
    outside = "是指向内容目录之外的符号链接；为防止泄露本机文件，不会读取 [S1]"
    assert run.lines[:2] == [
        f"{portal}/demo-bureau/2023:1:1: 错误: {outside}",
        f"{portal}/town-b/:1:1: 错误: {outside}",
    ]


def test_links_inside_content_are_followed_and_their_edits_seen(
    portal: Path, tmp_path: Path
) -> None:
    """A year folder linked to another place inside content/ (shared drafts)."""
    shared = portal / "_shared/2023"
    shutil.copytree(portal / "town-a/2022", shared)
    edit(shared / "report.yaml", "year: 2022", "year: 2023")
    (portal / "town-a/2023").symlink_to("../_shared/2023")
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert (out / "town-a/2023/index.html").is_file()
    with (shared / "overview.md").open("a", encoding="utf-8") as f:
        f.write("\n链接目录中的修改。\n")
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert "链接目录中的修改。" in (out / "town-a/2023/index.html").read_text("utf-8")
    assert tree(out) == clean_build(portal, tmp_path)


def test_a_fifo_does_not_hang_check(portal: Path) -> None:
    narrative = portal / "town-a/2022/overview.md"
    narrative.unlink()
    os.mkfifo(narrative)
    run = subprocess.run(
        [sys.executable, "-m", "nianbao", "check", "--content", str(portal)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == (
        f"{portal}/town-a/2022/overview.md:1:1: 错误: 不是普通文件（可能是管道、设备或套接字），"
        "不会读取 [S2]"
    )


def test_a_device_inside_content_is_not_read(portal: Path, tmp_path: Path) -> None:
    """A link to /dev/zero leads out of content/; a device node in it is refused by type."""
    narrative = portal / "town-a/2022/overview.md"
    narrative.unlink()
    narrative.symlink_to("/dev/zero")
    run = nianbao("check", "--content", portal)
    assert run.code == 1
    assert "town-a/2022/overview.md:1:1: 错误: 是指向内容目录之外的符号链接" in run.lines[0]
    from nianbao.contentfiles import Refused, read_bounded

    with pytest.raises(Refused, match="不是普通文件"):
        read_bounded("/dev/zero")


# ---------------------------------------------------------------------------------------
# Errors in any file stop the build


@pytest.mark.parametrize("line", ["serach: true", "titel: 年报"])
def test_an_unknown_key_in_site_yaml_stops_the_build(
    portal: Path, tmp_path: Path, line: str
) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    before = tree(out)
    with (portal / "site.yaml").open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    run = nianbao("build", "--content", portal, "--out", out)
    assert run.code == 1
    assert "site.yaml" in run.lines[0] and ": 错误: " in run.lines[0]
    assert run.lines[-1] == "有错误，未生成网站（原有网站保持不变）。"
    assert tree(out) == before


def test_an_agency_yaml_error_does_not_hide_table_errors(portal: Path) -> None:
    edit(portal / "town-a/agency.yaml", "kind: township", "kind: village")
    edit(portal / "town-a/2022/report.yaml", "review: [2, 1, 0, 3, 6]", "review: [2, 1, 0, 3, 7]")
    run = nianbao("check", "--content", portal)
    assert run.code == 1
    rules = [line.rsplit(" ", 1)[-1] for line in run.lines if "town-a/" in line]
    assert any("agency.yaml" in line for line in run.lines)
    assert "[V4]" in rules, run.out


# ---------------------------------------------------------------------------------------
# One build at a time


def test_concurrent_builds_wait_for_each_other(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "nianbao", "build", "--content", str(portal), "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], results
    for _, err in results:
        assert "Traceback" not in err
        assert err == "" or "正在生成" in err, err
    assert tree(out) == clean_build(portal, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []


def test_a_template_asset_linked_out_is_not_published(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n")
    static = tmp_path / "templates/static"
    static.mkdir(parents=True)
    (static / "leak.txt").symlink_to(secret)
    (static / "own.txt").write_text("本站文件\n", "utf-8")
    out = tmp_path / "site"
    run = nianbao("build", "--content", PORTAL, "--out", out, "--templates", tmp_path / "templates")
    assert run.code == 0, run.out
    assert (out / "assets/own.txt").is_file()
    assert not (out / "assets/leak.txt").exists()


def test_a_file_vanishing_mid_read_is_a_located_problem(portal: Path) -> None:
    """What a ``git checkout`` under way looks like to a build (serve tries again)."""
    from nianbao.contentfiles import Refused, Tree

    tree_ = Tree(portal / "town-a", os.path.realpath(portal))
    assert [e.name for e in tree_.children("2022")][:2] == ["other.md", "overview.md"]
    (portal / "town-a/2022/other.md").unlink()
    with pytest.raises(Refused) as refused:
        tree_.read("2022/other.md")
    assert refused.value.rule == "S3"
    assert tree_.vanished


def test_a_folder_vanishing_mid_read_is_a_located_problem(portal: Path) -> None:
    from nianbao.contentfiles import Tree

    tree_ = Tree(portal / "town-a", os.path.realpath(portal))
    assert [e.name for e in tree_.children()] == ["2022", "agency.yaml"]
    shutil.rmtree(portal / "town-a/2022")
    refused = tree_.refusal("2022")
    assert refused is not None and refused.rule == "S3"
    shutil.rmtree(portal / "town-a")
    assert Tree(portal / "town-a", os.path.realpath(portal)).refusal("") is not None


def test_the_search_index_is_part_of_a_nianbao_site(portal: Path, tmp_path: Path) -> None:
    """Pagefind writes pagefind/ after the pages: the next build must not take it for a
    foreign file, and a page edit re-indexes."""
    with (portal / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("search: true\n")
    out = tmp_path / "site"
    first = nianbao("build", "--content", portal, "--out", out)
    assert first.code == 0, first.out + first.err
    assert any((out / "pagefind").iterdir())
    edit(portal / "town-a/2022/report.yaml", "licensing: 5", "licensing: 6")
    again = nianbao("build", "--content", portal, "--out", out)
    assert again.code == 0, again.err
    assert "已建立搜索索引" in again.out


def test_search_without_pagefind_stops_the_build_before_anything_is_written(
    portal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`build` used to replace the site and only then fail to index it (exit 1, a search
    page without an index): it says so first, at site.yaml's `search:`, and writes nothing.
    `check` and `serve` never index, so they do not ask for Pagefind."""
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    before = (out / "index.html").read_bytes()
    text = (portal / "site.yaml").read_text("utf-8")
    (portal / "site.yaml").write_text(text + "search: true\n", "utf-8")
    line = text.count("\n") + 1
    monkeypatch.setattr(search, "not_installed", lambda: True)
    run = nianbao("build", "--content", portal, "--out", out)
    assert run.code == 1
    assert run.lines[0] == (
        f"{portal}/site.yaml:{line}:1: 错误: search: true 需要 Pagefind（带中文分词的扩展版）："
        "pip install 'pagefind[extended]'"
    )
    assert run.lines[-1] == "有错误，未生成网站（原有网站保持不变）。"
    assert (out / "index.html").read_bytes() == before
    assert not (out / "search").exists()
    assert nianbao("check", "--content", portal).code == 0


def test_search_without_pagefind_points_at_the_key_however_it_is_written(
    portal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The position is the YAML reader's, not a scan of the lines for ``search:``: a
    quoted key is found on its line."""
    text = (portal / "site.yaml").read_text("utf-8")
    (portal / "site.yaml").write_text(text + '"search": true\n', "utf-8")
    line = text.count("\n") + 1
    monkeypatch.setattr(search, "not_installed", lambda: True)
    for _ in range(2):  # read afresh, then from the kept site settings (siteyaml)
        run = nianbao("build", "--content", portal, "--out", tmp_path / "site")
        assert run.code == 1
        where = f"{portal}/site.yaml:{line}:1: "
        assert run.lines[0].startswith(where + "错误: search: true 需要 Pagefind")
