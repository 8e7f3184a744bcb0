"""更正说明: ``revisions:`` in report.yaml, shown on the report page."""

from __future__ import annotations

from pathlib import Path

from conftest import edit, nianbao


def test_revisions_are_shown_as_corrections(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    html = (out / "demo-bureau/2022/index.html").read_text("utf-8")
    assert (
        '<h2 id="revisions">更正说明</h2>\n<p>本报告发布后作过以下更正：</p>\n<ul>\n'
        '  <li><time datetime="2023-02-03">2023年2月3日</time>：'
        "表三 （一）予以公开 / 自然人 由 4 改为 5。原因：录入错误</li>\n"
    ) in html
    assert "更正说明" not in (out / "demo-bureau/2021/index.html").read_text("utf-8")


def test_a_revision_missing_its_reason(portal: Path) -> None:
    edit(portal / "demo-bureau/2022/report.yaml", "    why: 录入错误\n", "")
    run = nianbao("check", "--content", portal)
    assert (
        run.lines[0]
        == (
            f"{portal}/demo-bureau/2022/report.yaml:60:5: 错误: 更正说明 revisions 缺少“why” "
        ).rstrip()
    )


def test_revisions_must_be_a_list(portal: Path) -> None:
    edit(
        portal / "demo-bureau/2022/report.yaml",
        "revisions:\n  - date: 2023-02-03\n    what: 表三 （一）予以公开 / 自然人 由 4 改为 5\n    why: 录入错误\n",
        "revisions: 改过一次\n",
    )
    run = nianbao("check", "--content", portal)
    assert run.lines[0] == (
        f"{portal}/demo-bureau/2022/report.yaml:59:12: 错误: 更正说明 revisions 应为列表，"
        "每项写 date（日期）、what（更正了什么）、why（原因）"
    )
