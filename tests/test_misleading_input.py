"""More of the bad-input catalogue (tests/test_bad_input.py, whose helpers this uses): input
whose message used to send the clerk the wrong way, or that passed when it should not, or
that crashed. Each case asserts the exact output of `nianbao check` and its exit code.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import edit
from test_bad_input import (
    AGENCY,
    CELL,
    R19,
    R21,
    SITE,
    Mutation,
    case,
    check,
    licensing,
    replace,
    summary,
    write_bytes,
    write_text,
)

OVERVIEW = "demo-bureau/2021/overview.md"
THIS_YEAR = dt.date.today().year


def folder_instead(file: str) -> Mutation:
    """The file replaced by a folder of the same name."""

    def mutate(root: Path) -> None:
        (root / file).unlink()
        (root / file).mkdir()

    return mutate


def append(file: str, text: str) -> Mutation:
    return write_bytes(file, lambda b: b + text.encode("utf-8"))


def reencode(file: str, codec: str) -> Mutation:
    return write_bytes(file, lambda b: b.decode("utf-8").encode(codec))


# Section 一 must touch its five sub-topics (review rule R3); a last paragraph does, so each
# case here shows only the finding it is about.
COVERED = "\n\n主动公开、依申请公开、政府信息管理、平台建设和监督保障工作有序开展。\n"


def narrative(text: str) -> Mutation:
    return write_text(OVERVIEW, text + COVERED)


def future_report(root: Path) -> None:
    (root / "demo-bureau/2021").rename(root / "demo-bureau/3021")
    edit(root / "demo-bureau/3021/report.yaml", "year: 2021", "year: 3021")


INVISIBLE = "（看不见的字符，请删除）"

MESSAGES = [
    # indentation YAML does not count as indentation
    case(
        "tab-indent-single-digit",
        replace(R21, "  licensing: 588", "\tlicensing: 5"),
        f"{R21}:14:1: 错误: 缩进中有制表符（Tab）；YAML 只能用空格缩进，请把制表符改为空格",
        reports=4,
    ),
    case(
        "fullwidth-space-indent",
        replace(R21, "  licensing: 588", "\u3000licensing: 588"),
        f"{R21}:14:1: 错误: 缩进中有全角空格（U+3000）；YAML 只能用半角空格缩进，请改为半角空格",
        reports=4,
    ),
    case(
        "fullwidth-spaces-indent",
        replace(R21, "  licensing: 588", "\u3000\u3000licensing: 588"),
        f"{R21}:14:1: 错误: 缩进中有全角空格（U+3000）；YAML 只能用半角空格缩进，请改为半角空格",
        reports=4,
    ),
    case(
        "fullwidth-space-after-indent",
        replace(R21, "  licensing: 588", "  \u3000licensing: 588"),
        f"{R21}:6:3: 错误: 表二 active 缺少“licensing”",
        f"{R21}:14:3: 错误: 表二 active 中有未知的键“licensing” 前有全角空格 U+3000{INVISIBLE}；"
        "是否想写“licensing”？",
    ),
    # invisible characters are named
    case(
        "zero-width-space-in-value",
        licensing("0\u200b"),
        CELL + f"应为非负整数，实为“0” 后跟零宽空格 U+200B{INVISIBLE} [V5]",
    ),
    case(
        "no-break-space-in-value",
        licensing("0\u00a0"),
        CELL + f"应为非负整数，实为“0” 后跟不换行空格 U+00A0{INVISIBLE} [V5]",
    ),
    case(
        "zero-width-space-before-value",
        licensing("\u200b588"),
        CELL + f"应为非负整数，实为“588” 前有零宽空格 U+200B{INVISIBLE} [V5]",
    ),
    case(
        "zero-width-space-in-key",
        replace(R21, "  licensing: 588", "  licensing\u200b: 588"),
        f"{R21}:6:3: 错误: 表二 active 缺少“licensing”",
        f"{R21}:14:3: 错误: 表二 active 中有未知的键“licensing” 后跟零宽空格 U+200B{INVISIBLE}；"
        "是否想写“licensing”？",
    ),
    # encodings
    case(
        "utf16-le-without-bom",
        reencode(R21, "utf-16-le"),
        f"{R21}:1:1: 错误: 文件是 UTF-16 编码（记事本的“Unicode”）；请用 UTF-8 重新保存",
        reports=4,
    ),
    case(
        "utf16-be-without-bom",
        reencode(OVERVIEW, "utf-16-be"),
        f"{OVERVIEW}:1:1: 错误: 文件是 UTF-16 编码（记事本的“Unicode”）；请用 UTF-8 重新保存",
    ),
    case(
        "utf32-with-bom",
        reencode(R21, "utf-32"),
        f"{R21}:1:1: 错误: 文件是 UTF-32 编码；请用 UTF-8 重新保存",
        reports=4,
    ),
    case(
        "utf32-without-bom",
        reencode(R21, "utf-32-le"),
        f"{R21}:1:1: 错误: 文件是 UTF-32 编码；请用 UTF-8 重新保存",
        reports=4,
    ),
    # numbers Python cannot (or should not) read
    case(
        "count-of-5000-digits",
        licensing("9" * 5000),
        CELL + "数值过大（5000 位数字）；请检查是否多输入了数字 [V5]",
    ),
    case(
        "count-of-20-digits-in-table3",
        replace(R21, "[18, 3, 0, 1, 2, 0, 24]", "[18, 3, 0, 1, 2, 0, " + "1" * 20 + "]"),
        f"{R21}:20:38: 错误: 表三 一、本年新收政府信息公开申请数量 / 总计 "
        "数值过大（20 位数字）；请检查是否多输入了数字 [V5]",
    ),
    case(
        "signed-change-of-5000-digits",
        replace(R19, "change: 2, decisions: 519", "change: -" + "9" * 5000 + ", decisions: 519"),
        f"{R19}:7:40: 错误: 表二 第二十条第（五）项 行政许可 / 本年增/减 "
        "数值过大（5000 位数字）；请检查是否多输入了数字 [V5]",
    ),
    case(
        "amount-of-5000-digits",
        replace(R21, "fees: 12.35", "fees: " + "9" * 5000 + ".5"),
        f"{R21}:17:9: 错误: 表二 第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元） "
        "数值过大（5000 位数字）；请检查是否多输入了数字 [V5]",
    ),
    case(
        "agency-order-of-5000-digits",
        replace(AGENCY, "order: 10", "order: " + "9" * 5000),
        f"{AGENCY}:5:8: 错误: 排序 order 数值过大（5000 位数字）；请检查是否多输入了数字",
    ),
    case(
        "explicit-str-tag",
        licensing("!!str 8"),
        f"{R21}:14:14: 错误: 不支持 YAML 标签“!!str”；请去掉它，直接写值",
        reports=4,
    ),
    # syntax
    case(
        "bracket-open-at-end-of-file",
        append(R21, "title: ["),
        f"{R21}:55:8: 错误: 方括号“[”没有闭合（缺少“]”）",
        reports=4,
    ),
    # years and dates
    case(
        "year-3021",
        future_report,
        f"demo-bureau/3021/report.yaml:1:7: 错误: 年度 year 为 3021，晚于今年（{THIS_YEAR} 年）；请检查年份",
        reports=4,
    ),
    case(
        "published-years-before",
        replace(R21, "published: 2022-01-11", "published: 2018-01-11"),
        f"{R21}:3:12: 错误: 发布日期 published 为 2018-01-11，早于 2021 年度结束；"
        "年度报告在次年发布（如 2022-01-20），请检查日期或年度",
    ),
    case(
        "year-fullwidth-digits",
        replace(R21, "year: 2021", "year: ２０２１"),
        f"{R21}:1:7: 错误: 年度 year 应为半角数字的年份，实为“２０２１”；请写作 2021",
    ),
    case(
        "year-arabic-indic-digits",
        replace(R21, "year: 2021", "year: \u0662\u0660\u0662\u0661"),
        f"{R21}:1:7: 错误: 年度 year 应为半角数字的年份，实为“\u0662\u0660\u0662\u0661”；请写作 2021",
    ),
    case(
        "format-quoted",
        replace(R21, "format: 2021", 'format: "2021"'),
        f'{R21}:2:9: 错误: 格式 format 不能加引号：请把 "2021" 改为 2021',
    ),
    # files that are folders, folders that hide
    case(
        "report-yaml-is-a-folder",
        folder_instead(R21),
        f"{R21}:1:1: 错误: 年报数据文件 report.yaml 应为文件，实为文件夹",
        reports=4,
    ),
    case(
        "agency-yaml-is-a-folder",
        folder_instead(AGENCY),
        f"{AGENCY}:1:1: 错误: 机构信息文件 agency.yaml 应为文件，实为文件夹",
        reports=1,
    ),
    case(
        "site-yaml-is-a-folder",
        folder_instead(SITE),
        f"{SITE}:1:1: 错误: 站点配置文件 site.yaml 应为文件，实为文件夹",
    ),
    case(
        "agency-folder-starting-with-a-dot",
        lambda root: (root / "town-a").rename(root / ".town-a"),
        ".town-a/:1:1: 警告: 文件夹“.town-a”以“.”开头，会被当作隐藏文件夹跳过，"
        "其中的机构和年报不会校验和发布；请去掉开头的“.” [H4]",
        reports=4,
    ),
    # a broken site.yaml: the reports were still checked, and counted
    case(
        "site-yaml-broken-counts-reports",
        replace(SITE, "title:", "titel:"),
        f"{SITE}:1:1: 错误: site.yaml 中有未知的键“titel”；是否想写“title”？",
        f"{SITE}:1:1: 错误: site.yaml 缺少“title”",
    ),
]

DEEP = "正文中引用“>”或列表嵌套过深，从这里起更深处的文字不会显示；请减少嵌套层数 [H1]"

NARRATIVE = [
    case(
        "quote-30-deep",
        narrative("正文。\n\n" + ">" * 30 + " 深处的文字\n"),
        f"{OVERVIEW}:3:1: 警告: {DEEP}",
    ),
    case(
        "list-12-deep",
        narrative("正文。\n\n" + "".join("  " * i + f"- 第{i + 1}层\n" for i in range(12))),
        f"{OVERVIEW}:11:1: 警告: {DEEP}",
    ),
    case(
        "heading-repeats-official-section",
        narrative("# 一、总体情况\n\n正文。\n"),
        f"{OVERVIEW}:1:1: 警告: 正文标题“一、总体情况”与网站自动生成的“一、总体情况”重复，"
        "页面上会出现两次；请删去这个标题 [H2]",
    ),
    case(
        "setext-heading-without-number",
        write_text("demo-bureau/2021/problems.md", "正文。\n\n存在的主要问题及改进情况\n---\n"),
        "demo-bureau/2021/problems.md:3:1: 警告: 正文标题“存在的主要问题及改进情况”与网站自动生成的"
        "“五、存在的主要问题及改进情况”重复，页面上会出现两次；请删去这个标题 [H2]",
    ),
    case(
        "external-image",
        narrative("正文。\n\n见图 ![示意图](http://example.com/a.png)\n"),
        f"{OVERVIEW}:3:11: 错误: 正文引用了外部图片“http://example.com/a.png”：网站不引用任何外部资源；"
        "请删去这张图片，或用文字说明其内容 [H3]",
    ),
    case(
        "external-image-protocol-relative",
        narrative("![](//cdn.example.com/a.png)\n"),
        f"{OVERVIEW}:1:5: 错误: 正文引用了外部图片“//cdn.example.com/a.png”：网站不引用任何外部资源；"
        "请删去这张图片，或用文字说明其内容 [H3]",
    ),
]


@pytest.mark.parametrize(("mutation", "expected", "reports"), [*MESSAGES, *NARRATIVE])
def test_misleading_input(
    portal: Path, mutation: Mutation, expected: list[str], reports: int
) -> None:
    mutation(portal)
    lines = check(portal)
    errors = sum(": 错误: " in line for line in expected)
    assert lines == [*expected, summary(errors, len(expected) - errors, reports)]


@pytest.mark.parametrize(
    "text",
    [
        "正文。\n\n## （一）主动公开情况\n\n总体情况良好。\n",  # a sub-heading, not the section's
        "见[政府网站](https://www.example.gov.cn/)。\n",  # links stay allowed
        "> 引用\n>> 两层引用\n\n- 列表\n  - 两层列表\n",
    ],
)
def test_ordinary_narrative_passes(portal: Path, text: str) -> None:
    narrative(text)(portal)
    assert check(portal) == ["检查通过：5 份年报，没有发现问题。"]


def test_a_dot_folder_without_agency_yaml_stays_silent(portal: Path) -> None:
    """.git, .vscode and the like are not agencies."""
    (portal / ".git").mkdir()
    (portal / ".git" / "config").write_text("[core]\n", "utf-8")
    (portal / ".drafts").mkdir()
    (portal / ".drafts" / "notes.md").write_text("草稿\n", "utf-8")
    assert check(portal) == ["检查通过：5 份年报，没有发现问题。"]


def test_site_yaml_folder_is_not_also_an_agency(tmp_path: Path, portal: Path) -> None:
    content = tmp_path / "only-site"
    content.mkdir()
    (content / SITE).mkdir()
    shutil.copytree(portal / "town-a", content / "town-a")
    assert check(content) == [
        f"{SITE}:1:1: 错误: 站点配置文件 site.yaml 应为文件，实为文件夹",
        summary(1, 0, 1),
    ]
