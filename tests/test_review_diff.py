"""``nianbao diff``: cell by cell in official labels, narrative as a text diff; git use."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import PORTAL, edit, nianbao


def _two_versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old" / "2022", tmp_path / "new" / "2022"
    shutil.copytree(PORTAL / "demo-bureau/2022", old)
    shutil.copytree(PORTAL / "demo-bureau/2022", new)
    return old, new


def test_one_cell_and_one_sentence_changed(tmp_path: Path) -> None:
    old, new = _two_versions(tmp_path)
    edit(new / "report.yaml", "disclosed: [2, 2, 0, 0, 1, 0]", "disclosed: [3, 2, 0, 0, 1, 0]")
    edit(new / "problems.md", "二是平台建设有待加强。", "二是平台建设仍需加强。")
    run = nianbao("diff", old, new)
    assert run.code == 1
    assert run.lines == [
        "表三 三、（一）予以公开 / 自然人: 2 → 3",
        "表三 三、（一）予以公开 / 总计: 5 → 6",
        f"--- {old}/problems.md",
        f"+++ {new}/problems.md",
        "@@ -1,5 +1,5 @@",
        " 一是公开内容的解读还不够深入[^1]。",
        " ",
        "-二是平台建设有待加强。",
        "+二是平台建设仍需加强。",
        " ",
        " [^1]: 解读材料与文件同步发布的比例为 80%。",
    ]


def test_no_change_exits_zero(tmp_path: Path) -> None:
    old, new = _two_versions(tmp_path)
    run = nianbao("diff", old, new)
    assert (run.code, run.out) == (0, "")


def test_a_missing_version_is_a_usage_error(tmp_path: Path) -> None:
    old, _ = _two_versions(tmp_path)
    run = nianbao("diff", old, tmp_path / "nowhere")
    assert run.code == 2
    assert run.err == f"nianbao: 错误: 无法读取年报 {tmp_path / 'nowhere'}\n"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(PORTAL, repo / "content")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    return repo


def test_git_textconv_driver_shows_cells_in_official_labels(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / ".gitattributes").write_text("report.yaml diff=nianbao\n", "utf-8")
    nianbao_cmd = f"{sys.executable} -m nianbao diff --textconv"  # `nianbao diff --textconv`
    _git(repo, "config", "diff.nianbao.textconv", nianbao_cmd)
    edit(repo / "content/demo-bureau/2022/report.yaml", "disclosed: [2,", "disclosed: [3,")
    out = _git(repo, "diff", "-U0", "--", "content/demo-bureau/2022/report.yaml")
    changed = [
        line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == [
        "-表三 三、（一）予以公开 / 自然人: 2",
        "+表三 三、（一）予以公开 / 自然人: 3",
        "-表三 三、（一）予以公开 / 总计: 5",
        "+表三 三、（一）予以公开 / 总计: 6",
    ]


def test_diff_git_lists_every_report_changed_since_a_revision(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    content = repo / "content"
    edit(content / "town-a/2022/report.yaml", "licensing: ", "licensing: 1")
    edit(content / "demo-bureau/2021/overview.md", "121 条", "131 条")
    run = nianbao("diff", "--git", "HEAD", "--content", content)
    assert run.code == 1
    assert run.lines[0] == "== content/demo-bureau/2021"
    assert "-全年主动公开政府信息 121 条。" in run.lines
    assert "+全年主动公开政府信息 131 条。" in run.lines
    town = run.lines.index("== content/town-a/2022")
    assert run.lines[town + 1].startswith("表二 第二十条第（五）项 行政许可 / 本年处理决定数量: ")
    assert nianbao("diff", "--git", "HEAD", "--content", content / "demo-bureau/2022").code == 0
