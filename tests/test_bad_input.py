"""A catalogue of bad input, one case per kind: each breaks the valid fixture portal in one
way and asserts the exact output of `nianbao check` (file:line:col, severity, message, rule),
the closing count line and the exit code. Nothing may crash or print a traceback.

Paths in the expected lines are relative to the portal; the test strips the portal's own
path from the output before comparing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import edit, nianbao

R19 = "demo-bureau/2019/report.yaml"
R21 = "demo-bureau/2021/report.yaml"
R22 = "demo-bureau/2022/report.yaml"
AGENCY = "demo-bureau/agency.yaml"
SITE = "site.yaml"

Mutation = Callable[[Path], None]


def check(portal: Path) -> list[str]:
    """The output lines of `nianbao check`, with paths relative to the portal."""
    run = nianbao("check", "--content", portal)
    assert "Traceback" not in run.out + run.err
    assert run.err == ""
    lines = [line.removeprefix(f"{portal}/") for line in run.lines]
    errors = sum(": 错误: " in line for line in lines)
    assert run.code == (1 if errors else 0), run.out
    return lines


def summary(errors: int, warnings: int, reports: int) -> str:
    return f"共 {errors} 个错误，{warnings} 个警告（{reports} 份年报）。"


def replace(file: str, old: str, new: str) -> Mutation:
    return lambda root: edit(root / file, old, new)


def write_text(file: str, text: str) -> Mutation:
    return lambda root: (root / file).write_text(text, "utf-8")


def write_bytes(file: str, data: bytes | Callable[[bytes], bytes]) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / file
        path.write_bytes(data(path.read_bytes()) if callable(data) else data)

    return mutate


def remove(file: str) -> Mutation:
    return lambda root: (root / file).unlink()


def rename(old: str, new: str) -> Mutation:
    return lambda root: (root / old).rename(root / new)


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for m in mutations:
            m(root)

    return mutate


def case(id: str, mutation: Mutation, *lines: str, reports: int = 5) -> pytest.ParameterSet:
    """One kind of bad input: the mutation, every problem line, and the report count."""
    return pytest.param(mutation, list(lines), reports, id=id)


# -- values: every YAML pitfall in a count -------------------------------------------------

# 表二 行政许可 in the 2021 report: `  licensing: 588`, the value at line 14, column 14.
CELL = f"{R21}:14:14: 错误: 表二 第二十条第（五）项 行政许可 / 本年处理决定数量 "


def licensing(new: str) -> Mutation:
    return replace(R21, "  licensing: 588", f"  licensing: {new}")


BOOL = "应为非负整数，实为“{}”（YAML 会把它读作真/假值）；零请写 0 [V5]"

VALUES = [
    *[case(f"bool-{v}", licensing(v), CELL + BOOL.format(v)) for v in ("no", "yes", "on", "off")],
    case("bool-true", licensing("true"), CELL + BOOL.format("true")),
    case("bool-No", licensing("No"), CELL + BOOL.format("No")),
    case(
        "octal-010",
        licensing("010"),
        CELL
        + "不能有前导零：“010”请写作 10（YAML 1.1 会把以 0 开头的数读作八进制，如 010 读作 8） [V5]",
    ),
    case(
        "hex-0x10",
        licensing("0x10"),
        CELL + "应为十进制非负整数，“0x10”是十六进制、八进制或二进制写法 [V5]",
    ),
    case(
        "octal-0o10",
        licensing("0o10"),
        CELL + "应为十进制非负整数，“0o10”是十六进制、八进制或二进制写法 [V5]",
    ),
    case(
        "underscore-1_000",
        licensing("1_000"),
        CELL + "不能用下划线分隔数字：“1_000”请写作 1000（YAML 1.1 会把它读作 1000） [V5]",
    ),
    case(
        "thousands-1,000",
        licensing("1,000"),
        CELL + "不能用千位分隔符：“1,000”请写作 1000 [V5]",
    ),
    case(
        "date-for-number",
        licensing("2021-01-01"),
        CELL + "应为非负整数，实为日期“2021-01-01” [V5]",
    ),
    case(
        "quoted-double",
        licensing('"5"'),
        CELL + '不能给数字加引号：请把 "5" 改为 5 [V5]',
    ),
    case(
        "quoted-single",
        licensing("'5'"),
        CELL + "不能给数字加引号：请把 '5' 改为 5 [V5]",
    ),
    case("quoted-empty", licensing('""'), CELL + "为空：空白单元格请填 0 [V6]"),
    case("tilde", licensing("~"), CELL + "为空：空白单元格请填 0 [V6]"),
    case("null", licensing("null"), CELL + "为空：空白单元格请填 0 [V6]"),
    case(
        "blank",
        replace(R21, "  licensing: 588", "  licensing:"),
        # an empty value sits right after the colon
        f"{R21}:14:13: 错误: 表二 第二十条第（五）项 行政许可 / 本年处理决定数量 "
        "为空：空白单元格请填 0 [V6]",
    ),
    case(
        "fullwidth-digit",
        licensing("５"),
        CELL + "含全角字符“５”；请改用半角数字 5 [V5]",
    ),
    case(
        "fullwidth-digits-mixed",
        licensing("5８8"),
        CELL + "含全角字符“5８8”；请改用半角数字 588 [V5]",
    ),
    case("negative", licensing("-3"), CELL + "不能为负数：-3 [V5]"),
    case("decimal", licensing("1.5"), CELL + "应为非负整数，实为小数 1.5 [V5]"),
    case(
        "sexagesimal-1:30",
        licensing("1:30"),
        CELL + "应为非负整数，“1:30”会被 YAML 1.1 读作六十进制数 [V5]",
    ),
    case("inf", licensing(".inf"), CELL + "应为非负整数，实为“.inf” [V5]"),
    case("nan", licensing(".nan"), CELL + "应为非负整数，实为“.nan” [V5]"),
    case("exponent", licensing("1e3"), CELL + "应为非负整数，实为“1e3” [V5]"),
    case("text", licensing("无"), CELL + "应为非负整数，实为“无” [V5]"),
    case("block-scalar", licensing("|\n    5"), CELL + "应为非负整数，实为多行文字 [V5]"),
    case("list-for-value", licensing("[588]"), CELL + "应为一个值，实为列表 [V5]"),
    case("mapping-for-value", licensing("{a: 1}"), CELL + "应为一个值，实为映射（键: 值） [V5]"),
    # table 三 and 四 cells name their row and column
    case(
        "table3-cell-no",
        replace(
            R21, "received:      [18, 3, 0, 1, 2, 0, 24]", "received:      [18, no, 0, 1, 2, 0, 24]"
        ),
        f"{R21}:20:23: 错误: 表三 一、本年新收政府信息公开申请数量 / 法人或其他组织 · 商业企业 "
        "应为非负整数，实为“no”（YAML 会把它读作真/假值）；零请写 0 [V5]",
    ),
    case(
        "table3-cell-tilde",
        replace(
            R21, "received:      [18, 3, 0, 1, 2, 0, 24]", "received:      [18, 3, 0, 1, 2, ~, 24]"
        ),
        f"{R21}:20:35: 错误: 表三 一、本年新收政府信息公开申请数量 / 法人或其他组织 · 其他 "
        "为空：空白单元格请填 0 [V6]",
    ),
    case(
        "table3-cell-blank-between-commas",
        replace(
            R21, "received:      [18, 3, 0, 1, 2, 0, 24]", "received:      [18, 3, 0, 1, 2, , 24]"
        ),
        f"{R21}:20:35: 错误: 这里缺少一个值：列表中两个逗号之间不能为空，空白单元格请填 0",
        reports=4,
    ),
    case(
        "table3-subrow-cell-negative",
        replace(R21, "state_secret: [0, 0, 0, 0, 0, 0, 0]", "state_secret: [0, 0, 0, -1, 0, 0, 0]"),
        f"{R21}:26:31: 错误: 表三 三、（三）1.属于国家秘密 / 法人或其他组织 · 社会公益组织 不能为负数：-1 [V5]",
    ),
    case(
        "table4-cell-decimal",
        replace(R21, "review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, 2.0, 10]"),
        f"{R21}:52:21: 错误: 表四 行政复议 / 尚未审结 应为非负整数，实为小数 2.0 [V5]",
    ),
    # money: 表二 行政事业性收费 (2021) is a decimal in 万元
    case(
        "money-negative",
        replace(R21, "  fees: 12.35", "  fees: -0.5"),
        f"{R21}:17:9: 错误: 表二 第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元） 不能为负数：-0.5 [V5]",
    ),
    case(
        "money-with-unit",
        replace(R21, "  fees: 12.35", "  fees: 12.35万元"),
        f"{R21}:17:9: 错误: 表二 第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元） "
        "应为非负数（金额），实为“12.35万元” [V5]",
    ),
    case(
        "money-leading-zero",
        replace(R21, "  fees: 12.35", "  fees: 012.35"),
        f"{R21}:17:9: 错误: 表二 第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元） "
        "不能有前导零：“012.35”请写作 12.35 [V5]",
    ),
    # 2019 本年增/减 is signed: a decrease is fine, junk is not
    case(
        "signed-double-sign",
        replace(R19, "change: 2, decisions: 519", "change: +-2, decisions: 519"),
        f"{R19}:7:40: 错误: 表二 第二十条第（五）项 行政许可 / 本年增/减 应为整数，实为“+-2” [V5]",
    ),
    case(
        "signed-fullwidth-minus",
        replace(R19, "change: 2, decisions: 519", "change: －2, decisions: 519"),
        f"{R19}:7:40: 错误: 表二 第二十条第（五）项 行政许可 / 本年增/减 含全角字符“－2”；请改用半角数字 -2 [V5]",
    ),
    case(
        "signed-decimal",
        replace(R19, "change: 2, decisions: 519", "change: 2.0, decisions: 519"),
        f"{R19}:7:40: 错误: 表二 第二十条第（五）项 行政许可 / 本年增/减 应为整数，实为“2.0” [V5]",
    ),
    case(
        "tab-indent",
        replace(R21, "  licensing: 588", "\tlicensing: 588"),
        f"{R21}:14:1: 错误: 缩进中有制表符（Tab）；YAML 只能用空格缩进，请把制表符改为空格",
        reports=4,
    ),
    case(
        "tab-after-dash-indent",
        replace(R21, "    repealed: 2", "\trepealed: 2"),
        f"{R21}:8:1: 错误: 缩进中有制表符（Tab）；YAML 只能用空格缩进，请把制表符改为空格",
        reports=4,
    ),
]

# -- structure: keys, types, list lengths -------------------------------------------------

APPEALS_21 = """appeals:
  review: [3, 2, 3, 2, 10]
  litigation_direct: [0, 0, 3, 1, 4]
  litigation_after_review: [2, 1, 3, 3, 9]
"""
REPORT_KEYS = "year、format、published、carry_over_note、active、requests、appeals、processing_fees、revisions"

STRUCTURE = [
    case(
        "duplicate-key-table2",
        replace(R21, "  licensing: 588", "  licensing: 588\n  licensing: 589"),
        f"{R21}:15:3: 错误: 重复的键“licensing”（第 14 行已有）；YAML 会静默丢弃其中一个，请删去一处",
    ),
    case(
        "duplicate-key-top",
        replace(R21, "published: 2022-01-11", "published: 2022-01-11\nyear: 2021"),
        f"{R21}:4:1: 错误: 重复的键“year”（第 1 行已有）；YAML 会静默丢弃其中一个，请删去一处",
    ),
    case(
        "duplicate-key-table3-row",
        replace(
            R21,
            "  carried_over:  [2, 0, 0, 0, 0, 0, 2]",
            "  carried_over:  [2, 0, 0, 0, 0, 0, 2]\n  received: [0, 0, 0, 0, 0, 0, 0]",
        ),
        f"{R21}:22:3: 错误: 重复的键“received”（第 20 行已有）；YAML 会静默丢弃其中一个，请删去一处",
    ),
    case(
        "duplicate-key-flow-mapping",
        replace(R19, "{new_made: 1, new_published: 1,", "{new_made: 1, new_made: 1,"),
        f"{R19}:5:16: 错误: 表二 第二十条第（一）项 规章 缺少“new_published”",
        f"{R19}:5:30: 错误: 重复的键“new_made”（第 5 行已有）；YAML 会静默丢弃其中一个，请删去一处",
    ),
    case(
        "duplicate-key-agency",
        replace(AGENCY, "kind: department", "kind: department\nname: 示例市数据局"),
        f"{AGENCY}:4:1: 错误: 重复的键“name”（第 1 行已有）；YAML 会静默丢弃其中一个，请删去一处",
    ),
    case(
        "duplicate-key-site",
        replace(SITE, "region: 示例市", "region: 示例市\ntitle: 另一个标题"),
        f"{SITE}:3:1: 错误: 重复的键“title”（第 1 行已有）；YAML 会静默丢弃其中一个，请删去一处",
    ),
    case(
        "unknown-key-did-you-mean",
        replace(R21, "  licensing: 588", "  licencing: 588"),
        f"{R21}:6:3: 错误: 表二 active 缺少“licensing”",
        f"{R21}:14:3: 错误: 表二 active 中有未知的键“licencing”；是否想写“licensing”？",
    ),
    case(
        "unknown-key-top-did-you-mean",
        replace(R21, "published: 2022-01-11", "publish: 2022-01-11"),
        f"{R21}:3:1: 错误: report.yaml 中有未知的键“publish”；是否想写“published”？",
    ),
    case(
        "unknown-key-no-hint",
        replace(R21, "published: 2022-01-11", "remarks: 无"),
        f"{R21}:3:1: 错误: report.yaml 中有未知的键“remarks”；可用的键：{REPORT_KEYS}",
    ),
    case(
        "unknown-key-table3-group",
        replace(
            R21,
            "      unclear: [0, 0, 0, 0, 0, 0, 0]",
            "      unclear: [0, 0, 0, 0, 0, 0, 0]\n      lost: [0, 0, 0, 0, 0, 0, 0]",
        ),
        f"{R21}:38:7: 错误: 表三 三、（四）无法提供 中有未知的键“lost”；可用的键：not_held、needs_creation、unclear",
    ),
    case(
        "unknown-key-chinese-label",
        replace(R21, "  licensing: 588", "  行政许可: 588"),
        f"{R21}:6:3: 错误: 表二 active 缺少“licensing”",
        f"{R21}:14:3: 错误: 表二 active 中有未知的键“行政许可”；可用的键："
        "regulations、normative_documents、licensing、penalties、coercive_measures、fees",
    ),
    case(
        "missing-table",
        replace(R21, APPEALS_21, ""),
        f"{R21}:1:1: 错误: report.yaml 缺少“appeals”",
    ),
    case(
        "missing-row",
        replace(R21, "  carried_forward: [5, 0, 0, 0, 0, 0, 5]\n", ""),
        f"{R21}:20:3: 错误: 表三 requests 缺少“carried_forward”",
    ),
    case(
        "missing-column-key",
        replace(R21, "    in_force: 19\n", ""),
        f"{R21}:11:5: 错误: 表二 第二十条第（一）项 行政规范性文件 缺少“in_force”",
    ),
    case(
        "missing-year",
        replace(R21, "year: 2021\n", ""),
        f"{R21}:1:1: 错误: report.yaml 缺少“year”",
    ),
    # wrong type at every level
    case(
        "list-for-mapping",
        replace(
            R21, "    issued: 1\n    repealed: 2\n    in_force: 7", "    - 1\n    - 2\n    - 7"
        ),
        f"{R21}:7:5: 错误: 表二 第二十条第（一）项 规章 应为映射（键: 值），实为列表",
    ),
    case(
        "empty-list-for-group",
        replace(R21, "    withheld:\n", "    withheld: []\n    old_withheld:\n"),
        f"{R21}:25:15: 错误: 表三 三、（三）不予公开 应为映射（键: 值），实为列表",
        f"{R21}:26:5: 错误: 表三 三、本年度办理结果 中有未知的键“old_withheld”；是否想写“withheld”？",
    ),
    case(
        "mapping-for-list",
        replace(
            R21, "  received:      [18, 3, 0, 1, 2, 0, 24]", "  received:\n    natural_person: 18"
        ),
        f"{R21}:21:5: 错误: 表三 一、本年新收政府信息公开申请数量 应为 6 或 7 个数的列表，实为映射（键: 值）",
    ),
    case(
        "scalar-for-list",
        replace(R21, "      other: [1, 0, 0, 0, 0, 0, 1]", "      other: 1"),
        f"{R21}:47:14: 错误: 表三 三、（六）3.其他 应为 6 或 7 个数的列表，实为“1”",
    ),
    case(
        "scalar-for-table",
        replace(R21, APPEALS_21, "appeals: 无\n"),
        f"{R21}:51:10: 错误: 表四 appeals 应为映射（键: 值），实为“无”",
    ),
    case(
        "list-for-table",
        replace(R21, APPEALS_21, "appeals:\n  - [3, 2, 3, 2, 10]\n"),
        f"{R21}:52:3: 错误: 表四 appeals 应为映射（键: 值），实为列表",
    ),
    case(
        "empty-table",
        replace(R21, APPEALS_21, "appeals:\n"),
        f"{R21}:51:9: 错误: 表四 appeals 应为映射（键: 值），实为空白",
    ),
    case(
        "scalar-for-file",
        write_text(R21, "2021\n"),
        f"{R21}:1:1: 错误: report.yaml 应为映射（键: 值），实为“2021”",
        reports=4,
    ),
    case(
        "list-for-file",
        write_text(R21, "- year: 2021\n- active: {}\n"),
        f"{R21}:1:1: 错误: report.yaml 应为映射（键: 值），实为列表",
        reports=4,
    ),
    case(
        "list-for-agency-file",
        write_text(AGENCY, "- name: 示例市数据局\n"),
        f"{AGENCY}:1:1: 错误: agency.yaml 应为映射（键: 值），实为列表",
        reports=1,
    ),
    case(
        "scalar-for-site-file",
        write_text(SITE, "示例市\n"),
        f"{SITE}:1:1: 错误: site.yaml 应为映射（键: 值），实为“示例市”",
        reports=5,  # site.yaml broken: the reports are still checked and counted
    ),
    case(
        "non-text-key",
        replace(R21, "  licensing: 588", "  [licensing]: 588"),
        f"{R21}:6:3: 错误: 表二 active 缺少“licensing”",
        f"{R21}:14:3: 错误: 表二 active 中的键必须是文字，不能是列表",
    ),
    # list lengths
    case(
        "table3-row-5-numbers",
        replace(R21, "[18, 3, 0, 1, 2, 0, 24]", "[18, 3, 0, 1, 2]"),
        f"{R21}:20:18: 错误: 表三 一、本年新收政府信息公开申请数量 应有 6 或 7 个数，实有 5 个",
    ),
    case(
        "table3-row-8-numbers",
        replace(R21, "[18, 3, 0, 1, 2, 0, 24]", "[18, 3, 0, 1, 2, 0, 24, 24]"),
        f"{R21}:20:18: 错误: 表三 一、本年新收政府信息公开申请数量 应有 6 或 7 个数，实有 8 个",
    ),
    case(
        "table3-subrow-5-numbers",
        replace(R21, "state_secret: [0, 0, 0, 0, 0, 0, 0]", "state_secret: [0, 0, 0, 0, 0]"),
        f"{R21}:26:21: 错误: 表三 三、（三）1.属于国家秘密 应有 6 或 7 个数，实有 5 个",
    ),
    case(
        "table4-row-4-numbers",
        replace(R21, "review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, 2]"),
        f"{R21}:52:11: 错误: 表四 行政复议 应有 5 个数，实有 4 个",
    ),
    case(
        "table4-row-6-numbers",
        replace(R21, "litigation_direct: [0, 0, 3, 1, 4]", "litigation_direct: [0, 0, 3, 1, 4, 0]"),
        f"{R21}:53:22: 错误: 表四 行政诉讼 · 未经复议直接起诉 应有 5 个数，实有 6 个",
    ),
    case(
        "table4-nested-list",
        replace(R21, "review: [3, 2, 3, 2, 10]", "review: [3, 2, 3, [2], 10]"),
        f"{R21}:52:21: 错误: 表四 行政复议 / 尚未审结 应为一个值，实为列表 [V5]",
    ),
]

# -- year, format and folders ------------------------------------------------------------

V7_2022_AS_2019 = (
    "2022 年度的年报应使用2021年格式（国办公开办函〔2021〕30号），"
    "但数据是按2019年试行格式（国办公开办函〔2019〕60号）填写的 [V7]"
)


def copy_2020_as_2022(lines: str) -> Mutation:
    """The real mistake: last year's (2019-format) report copied and only the year changed;
    ``lines`` are added after the year."""

    def mutate(root: Path) -> None:
        text = (root / "demo-bureau/2020/report.yaml").read_text("utf-8")
        text = text.replace("published: 2021-01-20", "published: 2023-01-12")  # cases about V7
        (root / R22).write_text(text.replace("year: 2020\n", f"year: 2022\n{lines}"), "utf-8")

    return mutate


# The copy's 上年结转 is 2020's, not 2021's 结转下年度: X1 holds across the format change.
X1_COPY = (
    "表三“{col}”列：二、上年结转政府信息公开申请数量 2，应等于2021年“四、结转下年度继续办理” 5"
    "（本年“二、上年结转”应等于上一年度“四、结转下年度继续办理”；"
    "如因机构改革等原因不一致，请在 carry_over_note 中说明） [X1]"
)
NOTE = "carry_over_note: 机构改革\n"  # silences X1 where a case is about V7 alone


YEARS = [
    case(
        "year-not-folder",
        replace(R21, "year: 2021", "year: 2020"),
        # read on as 2021 (its folder): no V7, no X1/D1 against the wrong year
        f"{R21}:1:7: 错误: year 为 2020，与所在文件夹 2021/ 不一致",
    ),
    case(
        "year-copied-unchanged",
        replace(R22, "year: 2022", "year: 2021"),
        f"{R22}:1:7: 错误: year 为 2021，与所在文件夹 2022/ 不一致",
    ),
    case(
        "year-two-digits",
        replace(R21, "year: 2021", "year: 21"),
        f"{R21}:1:7: 错误: 年度 year 应为四位数字的年份（如 2021），实为“21”",
    ),
    case(
        "year-quoted",
        replace(R21, "year: 2021", 'year: "2021"'),
        f'{R21}:1:7: 错误: 年度 year 不能加引号：请把 "2021" 改为 2021',
    ),
    case(
        "year-with-nian",
        replace(R21, "year: 2021", "year: 2021年"),
        f"{R21}:1:7: 错误: 年度 year 应为四位数字的年份（如 2021），实为“2021年”",
    ),
    case(
        "year-blank",
        replace(R21, "year: 2021", "year:"),
        f"{R21}:1:6: 错误: 年度 year 应为四位数字的年份（如 2021），实为空白",
    ),
    case(
        "year-before-2019",
        both(
            rename("demo-bureau/2019", "demo-bureau/2018"),
            replace("demo-bureau/2018/report.yaml", "year: 2019", "year: 2018"),
        ),
        "demo-bureau/2018/report.yaml:1:7: 错误: 不支持 2018 年度的年报：只支持 2019 年及以后的两种国家格式",
        reports=4,
    ),
    case(
        "v7-2022-in-2019-format",
        copy_2020_as_2022(""),
        f"{R22}:4:1: 错误: {V7_2022_AS_2019}",
        f"{R22}:16:19: 错误: " + X1_COPY.format(col="自然人"),
        f"{R22}:16:37: 错误: " + X1_COPY.format(col="总计"),
    ),
    case(
        "v7-2022-declared-2019",
        copy_2020_as_2022("format: 2019\n" + NOTE),
        f"{R22}:2:9: 错误: 2022 年度的年报应使用2021年格式（国办公开办函〔2021〕30号），"
        "但 format 写的是 2019（2019年试行格式（国办公开办函〔2019〕60号）） [V7]",
    ),
    case(
        "v7-2022-declared-2021-but-2019-data",
        copy_2020_as_2022("format: 2021\n" + NOTE),
        f"{R22}:6:1: 错误: {V7_2022_AS_2019}",
    ),
    case(
        "v7-format-2019-on-2021-data",
        replace(R21, "format: 2021", "format: 2019"),
        f"{R21}:2:9: 错误: 2021 年度的年报应使用2021年格式（国办公开办函〔2021〕30号），"
        "但 format 写的是 2019（2019年试行格式（国办公开办函〔2019〕60号）） [V7]",
    ),
    case(
        "v7-2020-declared-2021",
        replace("demo-bureau/2020/report.yaml", "year: 2020", "year: 2020\nformat: 2021"),
        "demo-bureau/2020/report.yaml:2:9: 错误: 2020 年度的年报应使用2019年试行格式（国办公开办函〔2019〕60号），"
        "但 format 写的是 2021（2021年格式（国办公开办函〔2021〕30号）） [V7]",
    ),
    case(
        "format-unknown",
        replace(R21, "format: 2021", "format: 2020"),
        f"{R21}:2:9: 错误: 格式 format 应为 2021 或 2019，实为“2020”",
    ),
    case(
        "agency-slug-uppercase",
        rename("demo-bureau", "Demo-Bureau"),
        "Demo-Bureau/:1:1: 错误: 机构文件夹名“Demo-Bureau”不合规：只能用小写字母 a-z、数字和连字符“-”，如 shanggao-kjj",
        reports=1,
    ),
    case(
        "agency-slug-underscore",
        rename("demo-bureau", "demo_bureau"),
        "demo_bureau/:1:1: 错误: 机构文件夹名“demo_bureau”不合规：只能用小写字母 a-z、数字和连字符“-”，如 shanggao-kjj",
        reports=1,
    ),
    case(
        "agency-slug-chinese",
        rename("demo-bureau", "数据局"),
        "数据局/:1:1: 错误: 机构文件夹名“数据局”不合规：只能用小写字母 a-z、数字和连字符“-”，如 shanggao-kjj",
        reports=1,
    ),
    case(
        "agency-folder-is-a-year",
        rename("demo-bureau", "2021"),
        "2021/:1:1: 错误: 机构文件夹名“2021”不能是年份；年报应放在 content/<机构>/<年份>/ 下",
        reports=1,
    ),
    case(
        "year-folder-two-digits",
        rename("demo-bureau/2021", "demo-bureau/21"),
        "demo-bureau/21/:1:1: 错误: 年份文件夹名应为四位数字（如 2021），实为“21”",
        reports=4,
    ),
    case(
        "year-folder-with-nian",
        rename("demo-bureau/2021", "demo-bureau/2021年"),
        "demo-bureau/2021年/:1:1: 错误: 年份文件夹名应为四位数字（如 2021），实为“2021年”",
        reports=4,
    ),
]

# -- files: missing, empty, unreadable, malformed ------------------------------------------

FILES = [
    case(
        "missing-narrative",
        remove("demo-bureau/2021/overview.md"),
        "demo-bureau/2021/overview.md:1:1: 错误: 缺少一、总体情况的正文文件 overview.md",
    ),
    case(
        "missing-all-narratives",
        both(*(remove(f"demo-bureau/2021/{n}.md") for n in ("overview", "problems", "other"))),
        "demo-bureau/2021/other.md:1:1: 错误: 缺少六、其他需要报告的事项的正文文件 other.md",
        "demo-bureau/2021/overview.md:1:1: 错误: 缺少一、总体情况的正文文件 overview.md",
        "demo-bureau/2021/problems.md:1:1: 错误: 缺少五、存在的主要问题及改进情况的正文文件 problems.md",
    ),
    case(
        "missing-report-yaml",
        remove(R21),
        f"{R21}:1:1: 错误: 缺少年报数据文件 report.yaml",
        reports=4,
    ),
    case(
        "missing-agency-yaml",
        remove(AGENCY),
        f"{AGENCY}:1:1: 错误: 缺少机构信息文件 agency.yaml",
        reports=1,
    ),
    case(
        "missing-site-yaml",
        remove(SITE),
        f"{SITE}:1:1: 错误: 缺少站点配置文件 site.yaml",
        reports=5,
    ),
    case("empty-report", write_text(R21, ""), f"{R21}:1:1: 错误: 文件为空", reports=4),
    case(
        "only-a-comment",
        write_text(R21, "# 2021 年度报告，待填写\n"),
        f"{R21}:1:1: 错误: 文件为空",
        reports=4,
    ),
    case("empty-agency", write_text(AGENCY, ""), f"{AGENCY}:1:1: 错误: 文件为空", reports=1),
    case("empty-site", write_text(SITE, "\n\n"), f"{SITE}:1:1: 错误: 文件为空"),
    case(
        "unclosed-bracket",
        replace(R21, "[18, 3, 0, 1, 2, 0, 24]", "[18, 3, 0, 1, 2, 0, 24"),
        f"{R21}:20:18: 错误: 方括号“[”没有闭合（缺少“]”），或列表中两项之间缺少逗号",
        reports=4,
    ),
    case(
        "unclosed-brace",
        replace(
            R19,
            "{new_made: 1, new_published: 1, total_published: 3}",
            "{new_made: 1, new_published: 1, total_published: 3",
        ),
        f"{R19}:5:16: 错误: 花括号“{{”没有闭合（缺少“}}”），或两项之间缺少逗号",
        reports=4,
    ),
    case(
        "unclosed-quote",
        replace(R21, "  licensing: 588", '  licensing: "588'),
        f"{R21}:14:14: 错误: 引号没有闭合：从这里开始的引号缺少另一半",
        reports=4,
    ),
    case(
        "bad-indentation-less",
        replace(R21, "    repealed: 2", "   repealed: 2"),
        f"{R21}:8:4: 错误: 缩进不对齐：同一层的键必须用同样多的空格缩进",
        reports=4,
    ),
    case(
        "bad-indentation-more",
        replace(R21, "    repealed: 2", "      repealed: 2"),
        f"{R21}:8:15: 错误: 这里不能有冒号“: ”：请检查缩进；文字中含有“: ”时请用引号括起来",
        reports=4,
    ),
    case(
        "fullwidth-colon",
        replace(R21, "  licensing: 588", "  licensing：588"),
        f"{R21}:14:3: 错误: 这一行缺少冒号：键和值之间要用半角冒号加空格“: ”分隔（不能用全角“：”）",
        reports=4,
    ),
    case(
        "no-space-after-colon",
        replace(R21, "  licensing: 588", "  licensing:588"),
        f"{R21}:14:3: 错误: 这一行缺少冒号：键和值之间要用半角冒号加空格“: ”分隔（不能用全角“：”）",
        reports=4,
    ),
    case(
        "character-cannot-start-value",
        replace(R21, "  licensing: 588", "  licensing: @588"),
        f"{R21}:14:14: 错误: 这个字符不能作为值的开头（如 @、`、%）；含有这些字符的文字请用引号括起来",
        reports=4,
    ),
    case(
        "multiple-documents",
        write_bytes(R21, lambda b: b + b"---\nyear: 2021\n"),
        f"{R21}:55:1: 错误: 文件中有多个 YAML 文档（“---”）；一个文件只能写一份",
        reports=4,
    ),
    case(
        "anchor-and-alias",
        both(
            replace(R21, "unclear: [0, 0, 0, 0, 0, 0, 0]", "unclear: &zero [0, 0, 0, 0, 0, 0, 0]"),
            replace(R21, "petitions: [0, 0, 0, 0, 0, 0, 0]", "petitions: *zero"),
        ),
        f"{R21}:37:16: 错误: 不支持 YAML 锚点与别名（& 与 *）；请把数据完整写出",
    ),
    case(
        "undefined-alias",
        replace(R21, "petitions: [0, 0, 0, 0, 0, 0, 0]", "petitions: *zero"),
        f"{R21}:39:18: 错误: 不支持 YAML 锚点与别名（& 与 *）；请把数据完整写出",
        reports=4,
    ),
    case(
        "merge-key",
        both(
            replace(R21, "  regulations:\n", "  regulations: &r\n"),
            replace(R21, "    issued: 1\n    repealed: 0\n    in_force: 19", "    <<: *r"),
        ),
        f"{R21}:11:5: 错误: 不支持 YAML 锚点、别名与合并键（&、*、<<）；请把数据完整写出",
        f"{R21}:11:5: 错误: 表二 第二十条第（一）项 行政规范性文件 缺少“in_force”",
        f"{R21}:11:5: 错误: 表二 第二十条第（一）项 行政规范性文件 缺少“issued”",
        f"{R21}:11:5: 错误: 表二 第二十条第（一）项 行政规范性文件 缺少“repealed”",
    ),
    case(
        "gbk-report",
        write_bytes(R21, lambda b: ("# 年度报告\n" + b.decode("utf-8")).encode("gbk")),
        f"{R21}:1:3: 错误: 文件不是 UTF-8 编码（可能是 GBK）；请用 UTF-8 重新保存",
        reports=4,
    ),
    case(
        "gbk-markdown",
        write_bytes("demo-bureau/2021/overview.md", "本机关认真贯彻落实。\n".encode("gbk")),
        "demo-bureau/2021/overview.md:1:1: 错误: 文件不是 UTF-8 编码（可能是 GBK）；请用 UTF-8 重新保存",
    ),
    case(
        "utf16-report",
        write_bytes(R21, lambda b: b.decode("utf-8").encode("utf-16")),
        f"{R21}:1:1: 错误: 文件是 UTF-16 编码（记事本的“Unicode”）；请用 UTF-8 重新保存",
        reports=4,
    ),
    case(
        "binary-report",
        write_bytes(R21, bytes(range(256)) * 4),
        f"{R21}:1:1: 错误: 文件含有二进制数据，不是文本文件；请检查是否放错了文件",
        reports=4,
    ),
    case(
        "binary-markdown",
        write_bytes("demo-bureau/2021/other.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        "demo-bureau/2021/other.md:3:1: 错误: 文件含有二进制数据，不是文本文件；请检查是否放错了文件",
    ),
    case(
        "control-character",
        replace(R21, "  licensing: 588", "  licensing: 5\x0788"),
        f"{R21}:14:15: 错误: 文件中有不可见的控制字符（U+0007），YAML 不允许；请删除它",
        reports=4,
    ),
    case(
        "20-megabytes",
        write_bytes(R21, lambda b: b + b"# " + b"x" * (20 * 1024 * 1024) + b"\n"),
        f"{R21}:1:1: 错误: 文件过大（20.0 MB），超过 2 MB 的上限",
        reports=4,
    ),
    case(
        "nested-10000-unclosed",
        write_text(R21, "[" * 10_000),
        f"{R21}:1:1001: 错误: YAML 嵌套层数过深（超过 1000 层），无法读取",
        reports=4,
    ),
    case(
        # libyaml's composer recursed in C here and killed the interpreter (a segfault);
        # the mapping around it is the first level
        "nested-100000-closed",
        write_text(R21, "year: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        f"{R21}:1:1006: 错误: YAML 嵌套层数过深（超过 1000 层），无法读取",
        reports=4,
    ),
    case(
        "nested-block-sequences",
        write_text(R21, "- " * 2000 + "1\n"),
        f"{R21}:1:1999: 错误: YAML 嵌套层数过深（超过 1000 层），无法读取",
        reports=4,
    ),
    case(
        "narrative-is-a-folder",
        both(
            remove("demo-bureau/2021/overview.md"),
            lambda root: (root / "demo-bureau/2021/overview.md").mkdir(),
        ),
        "demo-bureau/2021/overview.md:1:1: 错误: 应为文件，实为文件夹",
    ),
    case(
        "unknown-file-did-you-mean",
        write_text("demo-bureau/2021/overveiw.md", "正文"),
        "demo-bureau/2021/overveiw.md:1:1: 警告: 未知的文件“overveiw.md”，不会发布；是否想写“overview.md”？",
    ),
    case(
        "unknown-file",
        write_text("demo-bureau/2021/notes.txt", "备忘"),
        "demo-bureau/2021/notes.txt:1:1: 警告: 未知的文件“notes.txt”，不会发布；"
        "可用的文件名：preface.md、overview.md、problems.md、other.md、report.yaml",
    ),
    case(
        "unknown-folder",
        lambda root: (root / "demo-bureau/2021/images").mkdir(),
        "demo-bureau/2021/images:1:1: 警告: 未知的文件夹“images”，不会发布；"
        "可用的文件名：preface.md、overview.md、problems.md、other.md、report.yaml",
    ),
]

# -- site.yaml, agency.yaml and the report's other fields -----------------------------------

URL_HINT = "url 应为完整网址，如 https://www.example.gov.cn/xxgk/ndbg/，实为"

FIELDS = [
    case(
        "base-url-no-slashes",
        replace(SITE, "base_url: /", "base_url: ndbg"),
        f"{SITE}:3:11: 错误: base_url 应以“/”开头并以“/”结尾，如 /xxgk/ndbg/，实为“ndbg”",
    ),
    case(
        "base-url-no-trailing-slash",
        replace(SITE, "base_url: /", "base_url: /xxgk/ndbg"),
        f"{SITE}:3:11: 错误: base_url 应以“/”开头并以“/”结尾，如 /xxgk/ndbg/，实为“/xxgk/ndbg”",
    ),
    case(
        "base-url-list",
        replace(SITE, "base_url: /", "base_url: [/]"),
        f"{SITE}:3:11: 错误: base_url 应为一个值，实为列表",
    ),
    case(
        "url-no-scheme",
        replace(SITE, "url: https://www.example.gov.cn/ndbg/", "url: www.example.gov.cn/ndbg/"),
        f"{SITE}:4:6: 错误: {URL_HINT}“www.example.gov.cn/ndbg/”",
    ),
    case(
        "url-ftp",
        replace(SITE, "url: https://www.example.gov.cn/ndbg/", "url: ftp://example.gov.cn/"),
        f"{SITE}:4:6: 错误: {URL_HINT}“ftp://example.gov.cn/”",
    ),
    case(
        "url-no-host",
        replace(SITE, "url: https://www.example.gov.cn/ndbg/", "url: https://"),
        f"{SITE}:4:6: 错误: {URL_HINT}“https://”",
    ),
    case(
        "site-title-blank",
        replace(SITE, "title: 示例市政府信息公开工作年度报告", "title:"),
        f"{SITE}:1:7: 错误: 站点标题 title 不能为空",
        reports=5,
    ),
    case(
        "site-missing-region",
        replace(SITE, "region: 示例市\n", ""),
        f"{SITE}:1:1: 错误: site.yaml 缺少“region”",
        reports=5,
    ),
    case(
        "footer-unknown-key",
        replace(SITE, "  icp: 赣ICP备00000001号", "  ICP: 赣ICP备00000001号"),
        f"{SITE}:8:3: 错误: 页脚 footer 中有未知的键“ICP”；可用的键：organizer、site_code、icp、police",
    ),
    case(
        "agency-kind-unknown",
        replace(AGENCY, "kind: department", "kind: bureau"),
        f"{AGENCY}:3:7: 错误: 机构类型 kind 应为 government（人民政府）、department（政府部门）、"
        "township（乡镇、街道） 之一，实为“bureau”",
        reports=1,
    ),
    case(
        "agency-kind-chinese",
        replace(AGENCY, "kind: department", "kind: 部门"),
        f"{AGENCY}:3:7: 错误: 机构类型 kind 应为 government（人民政府）、department（政府部门）、"
        "township（乡镇、街道） 之一，实为“部门”",
        reports=1,
    ),
    case(
        "agency-missing-kind",
        replace(AGENCY, "kind: department\n", ""),
        f"{AGENCY}:1:1: 错误: agency.yaml 缺少“kind”",
        reports=1,
    ),
    case(
        "agency-order-not-integer",
        replace(AGENCY, "order: 10", "order: 第十"),
        f"{AGENCY}:5:8: 错误: 排序 order 应为整数，实为“第十”",
    ),
    case(
        "agency-contact-unknown-key",
        replace(AGENCY, "  phone: 0795-0000000", "  fax: 0795-0000000"),
        f"{AGENCY}:8:3: 错误: 联系方式 contact 中有未知的键“fax”；可用的键：address、phone、email、postcode、hours",
    ),
    case(
        "published-one-digit-month",
        replace(R21, "published: 2022-01-11", "published: 2022-1-11"),
        f"{R21}:3:12: 错误: 发布日期 published 应为日期，写作 2022-01-20，实为“2022-1-11”",
    ),
    case(
        "published-slashes",
        replace(R21, "published: 2022-01-11", "published: 2022/01/11"),
        f"{R21}:3:12: 错误: 发布日期 published 应为日期，写作 2022-01-20，实为“2022/01/11”",
    ),
    case(
        "published-chinese",
        replace(R21, "published: 2022-01-11", "published: 2022年1月11日"),
        f"{R21}:3:12: 错误: 发布日期 published 应为日期，写作 2022-01-20，实为“2022年1月11日”",
    ),
    case(
        "published-no-such-day",
        replace(R21, "published: 2022-01-11", "published: 2022-02-30"),
        f"{R21}:3:12: 错误: 发布日期 published 应为日期，写作 2022-01-20，实为“2022-02-30”",
    ),
    case(
        "published-blank",
        replace(R21, "published: 2022-01-11", "published:"),
        f"{R21}:3:11: 错误: 发布日期 published 应为日期，写作 2022-01-20，实为空白",
    ),
    case(
        "carry-over-note-blank",
        replace(R21, "published: 2022-01-11", "published: 2022-01-11\ncarry_over_note:"),
        f"{R21}:4:17: 错误: 结转说明 carry_over_note 不能为空",
    ),
    # 2019 表二 政府集中采购: amount in 元 or 万元, the unit explicit
    case(
        "procurement-negative",
        replace(R19, "amount: 125.6, unit: 万元", "amount: -125.6, unit: 万元"),
        f"{R19}:12:38: 错误: 表二 第二十条第（九）项 政府集中采购 / 采购总金额 不能为负数：-125.6 [V5]",
    ),
    case(
        "procurement-amount-with-unit",
        replace(R19, "amount: 125.6, unit: 万元", "amount: 125.6万元, unit: 万元"),
        f"{R19}:12:38: 错误: 表二 第二十条第（九）项 政府集中采购 / 采购总金额 应为非负数（金额），实为“125.6万元” [V5]",
    ),
    case(
        "procurement-thousands-in-braces",
        replace(R19, "amount: 125.6, unit: 万元", "amount: 1,125.6, unit: 万元"),
        f"{R19}:12:40: 错误: 表二 第二十条第（九）项 政府集中采购 中有未知的键“125.6”；"
        "花括号 { } 中的逗号用来分隔各项，数字中不能用千位分隔符",
    ),
    case(
        "procurement-bad-unit",
        replace(R19, "unit: 万元", "unit: 万"),
        f"{R19}:12:51: 错误: 政府集中采购的金额单位应为 元 或 万元，实为“万”",
    ),
    case(
        "procurement-blank-unit",
        replace(R19, "unit: 万元", "unit: "),
        f"{R19}:12:51: 错误: 政府集中采购的金额单位 不能为空",
    ),
    case(
        "procurement-missing-unit",
        replace(R19, "amount: 125.6, unit: 万元", "amount: 125.6"),
        f"{R19}:12:16: 错误: 表二 第二十条第（九）项 政府集中采购 缺少“unit”",
    ),
    # 信息处理费
    case(
        "fees-negative-count",
        replace(R22, "  notices: 1", "  notices: -1"),
        f"{R22}:5:12: 错误: 信息处理费 发出收费通知的件数 不能为负数：-1 [V5]",
    ),
    case(
        "fees-amount-with-unit",
        replace(R22, "  noticed_amount: 100", "  noticed_amount: 100元"),
        f"{R22}:6:19: 错误: 信息处理费 收费通知总金额 应为非负数（金额），实为“100元” [V5]",
    ),
    case(
        "fees-missing-key",
        replace(R22, "  collected: 100\n", ""),
        f"{R22}:5:3: 错误: 信息处理费 processing_fees 缺少“collected”",
    ),
    case(
        "fees-unknown-key",
        replace(R22, "  collected: 100", "  collected: 100\n  refunded: 0"),
        f"{R22}:8:3: 错误: 信息处理费 processing_fees 中有未知的键“refunded”；可用的键：notices、noticed_amount、collected",
    ),
    case(
        "fees-scalar",
        replace(
            R22,
            "processing_fees:\n  notices: 1\n  noticed_amount: 100\n  collected: 100",
            "processing_fees: 100",
        ),
        f"{R22}:4:18: 错误: 信息处理费 processing_fees 应为映射（键: 值），实为“100”",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "expected", "reports"), [*VALUES, *STRUCTURE, *YEARS, *FILES, *FIELDS]
)
def test_bad_input(portal: Path, mutation: Mutation, expected: list[str], reports: int) -> None:
    mutation(portal)
    lines = check(portal)
    errors = sum(": 错误: " in line for line in expected)
    assert lines == [*expected, summary(errors, len(expected) - errors, reports)]


@pytest.mark.parametrize(
    "file", [R21, "demo-bureau/2021/overview.md", AGENCY, SITE], ids=lambda f: f.split("/")[-1]
)
def test_utf8_bom_is_accepted(portal: Path, file: str) -> None:
    """Windows Notepad saves UTF-8 with a byte order mark: that is still UTF-8."""
    path = portal / file
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert check(portal) == ["检查通过：5 份年报，没有发现问题。"]


def test_bom_does_not_shift_positions(portal: Path) -> None:
    path = portal / R21
    path.write_bytes(
        b"\xef\xbb\xbf" + path.read_bytes().replace(b"licensing: 588", b"licensing: no")
    )
    assert check(portal)[0] == CELL + BOOL.format("no")


def test_windows_line_endings_are_accepted(portal: Path) -> None:
    path = portal / R21
    path.write_bytes(
        path.read_bytes().replace(b"licensing: 588", b"licensing: no").replace(b"\n", b"\r\n")
    )
    assert check(portal) == [CELL + BOOL.format("no"), summary(1, 0, 5)]


def test_every_problem_in_every_file_is_listed_at_once(portal: Path) -> None:
    """One run lists the problems of several files, sorted by file and position."""
    licensing("no")(portal)
    replace(R19, "unit: 万元", "unit: 万")(portal)
    replace(AGENCY, "order: 10", "order: 第十")(portal)
    remove("demo-bureau/2022/other.md")(portal)
    assert check(portal) == [
        f"{R19}:12:51: 错误: 政府集中采购的金额单位应为 元 或 万元，实为“万”",
        CELL + BOOL.format("no"),
        "demo-bureau/2022/other.md:1:1: 错误: 缺少六、其他需要报告的事项的正文文件 other.md",
        f"{AGENCY}:5:8: 错误: 排序 order 应为整数，实为“第十”",
        summary(4, 0, 5),
    ]


def test_an_empty_content_folder(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    assert check(tmp_path / "content") == [
        "site.yaml:1:1: 错误: 缺少站点配置文件 site.yaml",
        summary(1, 0, 0),
    ]


def test_a_site_with_no_agencies_passes(tmp_path: Path, portal: Path) -> None:
    content = tmp_path / "empty"
    content.mkdir()
    shutil.copy(portal / SITE, content / SITE)
    assert check(content) == ["检查通过：0 份年报，没有发现问题。"]


def test_stray_files_in_an_agency_folder_are_warnings(portal: Path) -> None:
    (portal / "town-a/agncy.yaml").write_text("name: x\n", "utf-8")
    (portal / "town-a/notes.txt").write_text("草稿\n", "utf-8")
    run = nianbao("check", "--content", portal)
    assert run.code == 0
    assert run.lines == [
        f"{portal}/town-a/agncy.yaml:1:1: 警告: 未知的文件“agncy.yaml”，不会发布；是否想写“agency.yaml”？",
        f"{portal}/town-a/notes.txt:1:1: 警告: 未知的文件“notes.txt”，不会发布；"
        "机构文件夹里只放 agency.yaml 和各年度文件夹",
        "共 0 个错误，2 个警告（5 份年报）。",
    ]


def test_a_thousands_separator_that_splits_a_number_is_named(portal: Path) -> None:
    report = portal / "demo-bureau/2021/report.yaml"
    edit(
        report,
        "  received:      [18, 3, 0, 1, 2, 0, 24]",
        "  received:      [1,018, 3, 0, 1, 2, 0, 1,024]",
    )
    run = nianbao("check", "--content", portal)
    assert run.code == 1
    assert run.lines[0] == (
        f"{portal}/demo-bureau/2021/report.yaml:20:18: 错误: 表三 一、本年新收政府信息公开申请数量 "
        "应有 6 或 7 个数，实有 9 个（“1,018”中的逗号把一个数分成了两个；请写作 1018）"
    )
