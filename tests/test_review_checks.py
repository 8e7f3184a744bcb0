"""Review findings other than figures: completeness (R3–R5) and copying (R6, R7)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REAL, edit, nianbao


def _findings(portal: Path, rule: str) -> list[str]:
    run = nianbao("check", "--content", portal)
    return [line.removeprefix(f"{portal}/") for line in run.lines if f"[{rule}]" in line]


def test_the_fixture_portal_has_no_review_finding(portal: Path) -> None:
    run = nianbao("check", "--content", portal, "--strict")
    assert run.lines == ["检查通过：5 份年报，没有发现问题。"]


def test_r3_a_subtopic_of_section_one_left_out(portal: Path) -> None:
    overview = portal / "demo-bureau/2022/overview.md"
    edit(overview, "依申请办理、", "")  # no word of 依申请公开 left
    assert _findings(portal, "R3") == [
        "demo-bureau/2022/overview.md:1:1: 警告: 一、总体情况没有写到依申请公开方面的情况"
        "（国办公开办函〔2021〕30号要求总体情况包括主动公开、依申请公开、政府信息管理、"
        "政府信息公开平台建设、监督保障等方面） [R3]"
    ]


def test_r3_is_not_asked_of_2019_format_reports(portal: Path) -> None:
    (portal / "demo-bureau/2020/overview.md").write_text("2020年工作有序开展。\n", "utf-8")
    assert _findings(portal, "R3") == []


def test_r4_section_six_silent_on_processing_fees(portal: Path) -> None:
    (portal / "demo-bureau/2021/other.md").write_text("无。\n", "utf-8")
    assert _findings(portal, "R4") == [
        "demo-bureau/2021/other.md:1:1: 警告: 六、其他需要报告的事项没有说明信息处理费的收取情况"
        "（未收取也应写明） [R4]"
    ]
    assert _findings(portal, "R5") == []  # "无" is a fair answer in 六


def test_r5_empty_section(portal: Path) -> None:
    (portal / "demo-bureau/2022/problems.md").write_text("\n", "utf-8")
    assert _findings(portal, "R5") == [
        "demo-bureau/2022/problems.md:1:1: 警告: 五、存在的主要问题及改进情况是空的 [R5]"
    ]


def test_r5_nothing_said_in_section_five(portal: Path) -> None:
    (portal / "demo-bureau/2022/problems.md").write_text("暂无。\n", "utf-8")
    assert _findings(portal, "R5") == [
        "demo-bureau/2022/problems.md:1:1: 警告: 五、存在的主要问题及改进情况没有写内容"
        "（只有“暂无。”） [R5]"
    ]


def test_r5_placeholder_left_in_a_section(portal: Path) -> None:
    edit(portal / "demo-bureau/2022/problems.md", "二是平台建设有待加强。", "二是待填。")
    assert _findings(portal, "R5") == [
        "demo-bureau/2022/problems.md:3:3: 警告: 五、存在的主要问题及改进情况中还有未填写的占位文字"
        "“待填” [R5]"
    ]


def test_review_findings_fail_check_only_with_strict(portal: Path) -> None:
    (portal / "demo-bureau/2022/problems.md").write_text("\n", "utf-8")
    assert nianbao("check", "--content", portal).code == 0
    assert nianbao("check", "--content", portal, "--strict").code == 1


HUAIAN_OVERVIEW = REAL / "content/huaian/2024/overview.md"


def test_r6_narrative_copied_from_last_year_with_the_figures_changed(portal: Path) -> None:
    text = HUAIAN_OVERVIEW.read_text("utf-8")
    (portal / "demo-bureau/2021/overview.md").write_text(text.replace("2024", "2021"), "utf-8")
    changed = text.replace("2024", "2022").replace("5500", "6100").replace("3119", "201")
    (portal / "demo-bureau/2022/overview.md").write_text(changed, "utf-8")
    assert _findings(portal, "R6") == [
        "demo-bureau/2022/overview.md:1:1: 警告: 一、总体情况与 2021 年度的几乎相同"
        "（相似度 100%，数字不计）：请确认不是照抄了上一年度的正文 [R6]"
    ]


def test_r6_sections_of_two_real_years_are_not_copies() -> None:
    run = nianbao("check", "--content", REAL / "content")
    assert not [line for line in run.lines if "[R6]" in line or "[R7]" in line]


def test_r7_narrative_copied_from_another_agency_flags_both(portal: Path, tmp_path: Path) -> None:
    text = HUAIAN_OVERVIEW.read_text("utf-8").replace("2024", "2022")
    (portal / "demo-bureau/2022/overview.md").write_text(text, "utf-8")
    edited = text.replace("我市", "我镇").replace("新闻发布会 12 场", "新闻发布会 2 场")
    (portal / "town-a/2022/overview.md").write_text(edited, "utf-8")
    expected = [
        "demo-bureau/2022/overview.md:1:1: 警告: 一、总体情况与示例市甲镇人民政府（town-a）2022 年度的几乎相同"
        "（相似度约 100%，数字不计）：请确认不是照抄了其他机关的正文 [R7]",
        "town-a/2022/overview.md:1:1: 警告: 一、总体情况与示例市数据局（demo-bureau）2022 年度的几乎相同"
        "（相似度约 100%，数字不计）：请确认不是照抄了其他机关的正文 [R7]",
    ]
    assert _findings(portal, "R7") == expected
    # a warm build finds them from the sketches kept in the manifest
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    again = nianbao("build", "--content", portal, "--out", out)
    assert [line.removeprefix(f"{portal}/") for line in again.lines if "[R7]" in line] == expected


def test_r4_r5_no_false_alarm_on_common_wording(portal: Path) -> None:
    (portal / "demo-bureau/2021/other.md").write_text(
        "本年度未收取任何费用。详见 http://www.xx.gov.cn/xxgk/ 。\n", "utf-8"
    )
    assert _findings(portal, "R4") == _findings(portal, "R5") == []


def test_r5_template_mark_xx(portal: Path) -> None:
    edit(portal / "demo-bureau/2022/problems.md", "二是平台建设有待加强。", "二是XX平台有待加强。")
    assert _findings(portal, "R5") == [
        "demo-bureau/2022/problems.md:3:3: 警告: 五、存在的主要问题及改进情况中还有未填写的占位文字"
        "“XX” [R5]"
    ]


def _printed(run: object, portal: Path) -> list[str]:
    lines = getattr(run, "lines")  # noqa: B009
    return [
        line.removeprefix(f"{portal}/")
        for line in lines
        if ": 警告: " in line or ": 错误: " in line
    ]


def test_r7_after_edits_that_make_and_undo_a_copy(portal: Path, tmp_path: Path) -> None:
    """A warm build works out only the pairs of the agencies it read again and keeps the
    other pairs' similarity from the last build: its warnings, every one printed, are
    those of a build from scratch, after an edit that makes a copy and one that undoes it."""
    text = HUAIAN_OVERVIEW.read_text("utf-8").replace("2024", "2022")
    (portal / "demo-bureau/2022/overview.md").write_text(text, "utf-8")
    (portal / "town-a/2022/overview.md").write_text(text.replace("我市", "我镇"), "utf-8")
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    shutil.copytree(portal / "town-a", portal / "town-b")
    edit(portal / "town-b/agency.yaml", "甲镇", "乙镇")
    copied = portal / "town-b/2022/overview.md"
    steps = [
        lambda: None,  # a copy added with its agency: three pairs
        lambda: copied.write_text("本年度工作有序开展。\n", "utf-8"),  # undone: one pair
        lambda: copied.write_text(text.replace("我市", "我乡"), "utf-8"),  # made again
        lambda: edit(portal / "town-a/agency.yaml", "甲镇", "丙镇"),  # named anew
    ]
    for number, step in enumerate(steps):
        step()
        warm = nianbao("build", "--content", portal, "--out", out)
        assert warm.code == 0 and "更新" in warm.lines[-1], warm.out
        cold = nianbao("build", "--content", portal, "--out", tmp_path / f"cold{number}")
        assert cold.code == 0
        assert _printed(warm, portal) == _printed(cold, portal)
        copies = [line for line in _printed(warm, portal) if "[R7]" in line]
        assert len(copies) == (6, 2, 6, 6)[number], copies
