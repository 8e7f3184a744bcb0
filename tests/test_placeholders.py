"""Rule P1: a cell still holding the placeholder `待填` is 未填写, reported once per table."""

from __future__ import annotations

from pathlib import Path

from conftest import edit, nianbao

R22 = "demo-bureau/2022/report.yaml"


def test_placeholders_are_grouped_per_table(portal: Path) -> None:
    report = portal / R22
    edit(report, "received:      [1, 5, 0, 0, 2, 1]", "received: [待填, 待填, 0, 0, 2, 1]")
    edit(report, "licensing: 816", "licensing: 待填")
    edit(report, "fees: 12.35", "fees: 待填")
    edit(report, "review: [0, 2, 3, 0, 5]", "review: [0, 2, 3, 0, 待填]")
    edit(report, "notices: 1\n", "notices: 待填\n")
    run = nianbao("check", "--content", portal)
    lines = [line.removeprefix(f"{portal}/") for line in run.lines]
    tail = "；请填写实际数字，没有的填 0 [P1]"
    assert lines == [
        f"{R22}:5:12: 错误: 信息处理费有 1 处未填写（仍为“待填”）：发出收费通知的件数{tail}",
        f"{R22}:18:14: 错误: 表二有 2 处未填写（仍为“待填”），第一处是 第二十条第（五）项 行政许可 / 本年处理决定数量{tail}",
        f"{R22}:24:14: 错误: 表三有 2 处未填写（仍为“待填”），第一处是 一、本年新收政府信息公开申请数量 / 自然人{tail}",
        f"{R22}:56:24: 错误: 表四有 1 处未填写（仍为“待填”）：行政复议 / 总计{tail}",
        "共 4 个错误，0 个警告（5 份年报）。",
    ]
    assert run.code == 1


def test_a_placeholder_never_passes_as_zero(portal: Path) -> None:
    """A placeholder where 0 would make every sum hold is still an error."""
    edit(
        portal / R22,
        "partly_disclosed: [0, 0, 0, 0, 0, 0]",
        "partly_disclosed: [0, 0, 待填, 0, 0, 0]",
    )
    run = nianbao("check", "--content", portal)
    assert run.code == 1
    assert [line for line in run.lines if "[P1]" in line] == [
        f"{portal}/{R22}:28:30: 错误: 表三有 1 处未填写（仍为“待填”）："
        "三、（二）部分公开（区分处理的，只计这一情形，不计其他情形） / 法人或其他组织 · 科研机构"
        "；请填写实际数字，没有的填 0 [P1]"
    ]


def test_a_quoted_placeholder_is_text_not_a_placeholder(portal: Path) -> None:
    """Only the plain scalar is the placeholder; quoted, it is a string where a number belongs."""
    edit(portal / R22, "licensing: 816", 'licensing: "待填"')
    run = nianbao("check", "--content", portal)
    assert (
        f"{portal}/{R22}:18:14: 错误: 表二 第二十条第（五）项 行政许可 / 本年处理决定数量 应为非负整数，实为“待填” [V5]"
        in run.lines
    )
