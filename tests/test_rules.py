"""Every rule of the national formats, caught and passed, in both formats where it applies.

Each test breaks the valid fixture portal in one way and asserts the exact problem lines;
its twin shows a correct edit of the same cells passing. Cross-year rules run on pairs of
consecutive reports: 2019→2020 (2019 format), 2020→2021 (the format change), 2021→2022.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import ROOT, edit, nianbao

R19 = "demo-bureau/2019/report.yaml"
R20 = "demo-bureau/2020/report.yaml"
R21 = "demo-bureau/2021/report.yaml"
R22 = "demo-bureau/2022/report.yaml"
TOWN = "town-a/2022/report.yaml"  # 2021 format, every table 三 row with its 总计

PASS = "检查通过：5 份年报，没有发现问题。"


def check(portal: Path, *extra: str) -> list[str]:
    run = nianbao("check", "--content", portal, *extra)
    assert "Traceback" not in run.out + run.err
    lines = [line.removeprefix(f"{portal}/") for line in run.lines]
    errors = sum(": 错误: " in line for line in lines)
    assert run.code == (1 if errors else 0), run.out
    return lines


def problems(portal: Path) -> list[str]:
    """The problem lines, after checking that the count line agrees with them."""
    lines = check(portal)
    errors = sum(": 错误: " in line for line in lines[:-1])
    warnings = len(lines) - 1 - errors
    if errors or warnings:
        assert lines[-1] == f"共 {errors} 个错误，{warnings} 个警告（5 份年报）。"
    else:
        assert lines[-1] == PASS
    return lines[:-1]


def change(portal: Path, file: str, *pairs: tuple[str, str]) -> None:
    for old, new in pairs:
        edit(portal / file, old, new)


def v1(col: str, received: int, carried: int, total: int, forward: int) -> str:
    return (
        f"表三“{col}”列：一、本年新收政府信息公开申请数量 {received} + 二、上年结转政府信息公开申请数量 "
        f"{carried} = {received + carried}，应等于三、（七）总计 {total} + 四、结转下年度继续办理 "
        f"{forward} = {total + forward}（表三每一列：第一项加第二项之和，等于第三项加第四项之和） [V1]"
    )


def x1(col: str, carried: int, year: int, forward: int) -> str:
    return (
        f"表三“{col}”列：二、上年结转政府信息公开申请数量 {carried}，应等于{year}年“四、结转下年度继续办理” "
        f"{forward}（本年“二、上年结转”应等于上一年度“四、结转下年度继续办理”；"
        "如因机构改革等原因不一致，请在 carry_over_note 中说明） [X1]"
    )


APPLICANTS = "自然人 {} + 商业企业 {} + 科研机构 {} + 社会公益组织 {} + 法律服务机构 {} + 其他 {}"


def test_the_fixture_portal_passes(portal: Path) -> None:
    assert problems(portal) == []


# -- V1: 一 + 二 = （七）总计 + 四, every column -------------------------------------------------


def test_v1_2021_format(portal: Path) -> None:
    change(
        portal,
        TOWN,
        ("received:      [3, 0, 0, 0, 0, 0, 3]", "received:      [4, 0, 0, 0, 0, 0, 4]"),
    )
    assert problems(portal) == [
        f"{TOWN}:12:19: 错误: " + v1("自然人", 4, 0, 3, 0),
        f"{TOWN}:12:37: 错误: " + v1("总计", 4, 0, 3, 0),
    ]


def test_v1_2019_format(portal: Path) -> None:
    change(
        portal,
        R19,
        ("received:      [10, 1, 0, 1, 0, 0, 12]", "received:      [10, 2, 0, 1, 0, 0, 13]"),
    )
    assert problems(portal) == [
        f"{R19}:15:23: 错误: " + v1("商业企业", 2, 0, 1, 0),
        f"{R19}:15:38: 错误: " + v1("总计", 13, 0, 10, 2),
    ]


def test_v1_passes_when_a_new_request_is_also_handled(portal: Path) -> None:
    change(
        portal,
        TOWN,
        ("received:      [3, 0, 0, 0, 0, 0, 3]", "received:      [4, 0, 0, 0, 0, 0, 4]"),
        ("disclosed: [1, 0, 0, 0, 0, 0, 1]", "disclosed: [2, 0, 0, 0, 0, 0, 2]"),
        ("total: [3, 0, 0, 0, 0, 0, 3]", "total: [4, 0, 0, 0, 0, 0, 4]"),
    )
    change(
        portal,
        R19,
        ("received:      [10, 1, 0, 1, 0, 0, 12]", "received:      [10, 2, 0, 1, 0, 0, 13]"),
        ("disclosed: [4, 0, 0, 0, 0, 0, 4]", "disclosed: [4, 1, 0, 0, 0, 0, 5]"),
        ("total: [8, 1, 0, 1, 0, 0, 10]", "total: [8, 2, 0, 1, 0, 0, 11]"),
    )
    assert problems(portal) == []


def test_v1_in_a_column_whose_totals_are_computed(portal: Path) -> None:
    """The 2022 report gives six numbers a row: V1 still checks its computed 总计 column."""
    change(portal, R22, ("received:      [1, 5, 0, 0, 2, 1]", "received:      [1, 6, 0, 0, 2, 1]"))
    assert problems(portal) == [
        # the 总计 column is computed: its problem points at the row's first number
        f"{R22}:24:19: 错误: " + v1("总计", 10, 5, 12, 2),
        f"{R22}:24:22: 错误: " + v1("商业企业", 6, 0, 4, 1),
    ]


# -- V2: 总计 = the six applicant columns, every row --------------------------------------------


def test_v2_2021_format(portal: Path) -> None:
    change(portal, TOWN, ("not_held: [1, 0, 0, 0, 0, 0, 1]", "not_held: [1, 0, 0, 0, 0, 0, 2]"))
    assert problems(portal) == [
        f"{TOWN}:27:36: 错误: 表三 三、（四）1.本机关不掌握相关政府信息 / 总计 应为 1（"
        + APPLICANTS.format(1, 0, 0, 0, 0, 0)
        + "），实为 2 [V2]",
        # the wrong 总计 is also one of the parts of （七）总计 in the 总计 column
        f"{TOWN}:40:31: 错误: 表三 三、（七）总计 / 总计 应为 4（三、（一）予以公开至三、（六）3.其他共 21 项之和），实为 3 [V3]",
    ]


def test_v2_2019_format(portal: Path) -> None:
    change(
        portal,
        R19,
        ("received:      [10, 1, 0, 1, 0, 0, 12]", "received:      [10, 1, 0, 1, 0, 0, 11]"),
    )
    assert problems(portal) == [
        f"{R19}:15:38: 错误: 表三 一、本年新收政府信息公开申请数量 / 总计 应为 12（"
        + APPLICANTS.format(10, 1, 0, 1, 0, 0)
        + "），实为 11 [V2]",
        f"{R19}:15:38: 错误: " + v1("总计", 11, 0, 10, 2),
    ]


def test_v2_given_total_is_checked_and_a_left_out_total_is_computed(portal: Path) -> None:
    """Six numbers: 总计 computed. Seven: 总计 checked."""
    change(
        portal, TOWN, ("received:      [3, 0, 0, 0, 0, 0, 3]", "received:      [3, 0, 0, 0, 0, 0]")
    )
    assert problems(portal) == []
    change(
        portal, TOWN, ("received:      [3, 0, 0, 0, 0, 0]", "received:      [3, 0, 0, 0, 0, 0, 0]")
    )
    assert problems(portal) == [
        f"{TOWN}:12:37: 错误: 表三 一、本年新收政府信息公开申请数量 / 总计 应为 3（"
        + APPLICANTS.format(3, 0, 0, 0, 0, 0)
        + "），实为 0 [V2]",
        f"{TOWN}:12:37: 错误: " + v1("总计", 0, 0, 3, 0),
    ]


def test_table3_rows_of_six_numbers_pass(portal: Path) -> None:
    """Every row of table 三 with 总计 left out, in both formats: all computed, all pass."""
    seven = re.compile(r"\[((?:\d+, ){5}\d+), \d+\]")  # table 四 rows have five
    for file in (TOWN, R19, R20, R21):
        path = portal / file
        text, rows = seven.subn(r"[\1]", path.read_text("utf-8"))
        assert rows == {TOWN: 25, R19: 23, R20: 22, R21: 25}[file]  # 2020: no （七）总计 row
        path.write_text(text, "utf-8")
    assert problems(portal) == []


# -- V3: （七）总计 = （一）…（六） -------------------------------------------------------------------


def test_v3_2021_format(portal: Path) -> None:
    change(portal, TOWN, ("disclosed: [1, 0, 0, 0, 0, 0, 1]", "disclosed: [2, 0, 0, 0, 0, 0, 2]"))
    assert problems(portal) == [
        f"{TOWN}:40:13: 错误: 表三 三、（七）总计 / 自然人 应为 4（三、（一）予以公开至三、（六）3.其他共 21 项之和），实为 3 [V3]",
        f"{TOWN}:40:31: 错误: 表三 三、（七）总计 / 总计 应为 4（三、（一）予以公开至三、（六）3.其他共 21 项之和），实为 3 [V3]",
    ]


def test_v3_2019_format(portal: Path) -> None:
    """2019: （六）其他处理 is one row, so （七）总计 has 19 parts, not 21."""
    change(portal, R19, ("    other: [0, 0, 0, 0, 0, 0, 0]", "    other: [0, 0, 1, 0, 0, 0, 1]"))
    assert problems(portal) == [
        f"{R19}:40:19: 错误: 表三 三、（七）总计 / 法人或其他组织 · 科研机构 应为 1（三、（一）予以公开至三、（六）其他处理共 19 项之和），实为 0 [V3]",
        f"{R19}:40:31: 错误: 表三 三、（七）总计 / 总计 应为 11（三、（一）予以公开至三、（六）其他处理共 19 项之和），实为 10 [V3]",
    ]


def test_v3_total_row_left_out_is_computed(portal: Path) -> None:
    """The （七）总计 row may be left out in both formats; V1 then checks the computed one."""
    change(portal, TOWN, ("    total: [3, 0, 0, 0, 0, 0, 3]\n", ""))
    change(portal, R19, ("    total: [8, 1, 0, 1, 0, 0, 10]\n", ""))
    assert problems(portal) == []
    change(portal, TOWN, ("disclosed: [1, 0, 0, 0, 0, 0, 1]", "disclosed: [2, 0, 0, 0, 0, 0, 2]"))
    assert problems(portal) == [
        f"{TOWN}:12:19: 错误: " + v1("自然人", 3, 0, 4, 0),
        f"{TOWN}:12:37: 错误: " + v1("总计", 3, 0, 4, 0),
    ]


def test_v3_wrong_given_total_row_is_caught(portal: Path) -> None:
    change(portal, R22, ("total: [5, 4, 0, 0, 2, 1]", "total: [5, 4, 0, 0, 2, 2]"))
    assert problems(portal) == [
        f"{R22}:24:19: 错误: " + v1("总计", 9, 5, 13, 2),
        f"{R22}:24:34: 错误: " + v1("其他", 1, 0, 2, 0),
        f"{R22}:52:28: 错误: 表三 三、（七）总计 / 法人或其他组织 · 其他 应为 1（三、（一）予以公开至三、（六）3.其他共 21 项之和），实为 2 [V3]",
    ]


# -- V4: table 四 -----------------------------------------------------------------------------


def test_v4_2021_format(portal: Path) -> None:
    change(
        portal, R21, ("litigation_direct: [0, 0, 3, 1, 4]", "litigation_direct: [0, 0, 3, 1, 5]")
    )
    assert problems(portal) == [
        f"{R21}:53:35: 错误: 表四 行政诉讼 · 未经复议直接起诉 / 总计 应为 4（结果维持 0 + 结果纠正 0 + 其他结果 3 + 尚未审结 1），实为 5 [V4]",
    ]


def test_v4_2019_format(portal: Path) -> None:
    change(portal, R19, ("review: [3, 3, 0, 1, 7]", "review: [3, 3, 0, 1, 0]"))
    assert problems(portal) == [
        f"{R19}:44:24: 错误: 表四 行政复议 / 总计 应为 7（结果维持 3 + 结果纠正 3 + 其他结果 0 + 尚未审结 1），实为 0 [V4]",
    ]


def test_v4_passes_when_the_total_follows(portal: Path) -> None:
    change(
        portal, R21, ("litigation_direct: [0, 0, 3, 1, 4]", "litigation_direct: [0, 1, 3, 1, 5]")
    )
    change(portal, R19, ("review: [3, 3, 0, 1, 7]", "review: [3, 3, 0, 2, 8]"))
    assert problems(portal) == []


# -- V5, V6: values ----------------------------------------------------------------------------


def test_v5_negative_count_both_formats(portal: Path) -> None:
    change(portal, R21, ("  penalties: 38", "  penalties: -38"))
    change(
        portal,
        R20,
        (
            "penalties: {prior_items: 8, change: 2, decisions: 835}",
            "penalties: {prior_items: 8, change: 2, decisions: -835}",
        ),
    )
    assert problems(portal) == [
        f"{R20}:9:53: 错误: 表二 第二十条第（六）项 行政处罚 / 处理决定数量 不能为负数：-835 [V5]",
        f"{R21}:15:14: 错误: 表二 第二十条第（六）项 行政处罚 / 本年处理决定数量 不能为负数：-38 [V5]",
    ]


def test_v5_signed_change_may_be_negative_only_in_2019(portal: Path) -> None:
    """2019 本年增/减 is signed (a decrease); every other count is not."""
    change(
        portal,
        R19,
        ("penalties: {prior_items: 8, change: 0,", "penalties: {prior_items: 8, change: -3,"),
    )
    change(portal, R20, ("penalties: {prior_items: 8,", "penalties: {prior_items: 5,"))
    assert problems(portal) == []
    change(portal, R20, ("penalties: {prior_items: 5,", "penalties: {prior_items: -5,"))
    assert problems(portal) == [
        f"{R20}:9:28: 错误: 表二 第二十条第（六）项 行政处罚 / 上一年项目数量 不能为负数：-5 [V5]",
    ]


def test_v5_money_is_an_exact_decimal(portal: Path) -> None:
    change(portal, R21, ("  fees: 12.35", "  fees: 0.1"))
    change(portal, R22, ("  fees: 12.35", "  fees: 0.30"))
    change(portal, R19, ("amount: 125.6, unit: 万元", "amount: 1256000, unit: 元"))
    assert problems(portal) == []
    change(portal, R21, ("  fees: 0.1", "  fees: -0.1"))
    change(portal, R19, ("amount: 1256000, unit: 元", "amount: 1256000元, unit: 元"))
    assert problems(portal) == [
        f"{R19}:12:38: 错误: 表二 第二十条第（九）项 政府集中采购 / 采购总金额 应为非负数（金额），实为“1256000元” [V5]",
        f"{R21}:17:9: 错误: 表二 第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元） 不能为负数：-0.1 [V5]",
    ]


def test_v6_blank_cells_both_formats(portal: Path) -> None:
    change(portal, R21, ("review: [3, 2, 3, 2, 10]", 'review: [3, 2, 3, "", 10]'))
    change(portal, R20, ("review: [1, 0, 1, 2, 4]", "review: [1, 0, 1, ~, 4]"))
    change(portal, R22, ("  coercive_measures: 1", "  coercive_measures:"))
    assert problems(portal) == [
        f"{R20}:43:21: 错误: 表四 行政复议 / 尚未审结 为空：空白单元格请填 0 [V6]",
        f"{R21}:52:21: 错误: 表四 行政复议 / 尚未审结 为空：空白单元格请填 0 [V6]",
        f"{R22}:20:21: 错误: 表二 第二十条第（六）项 行政强制 / 本年处理决定数量 为空：空白单元格请填 0 [V6]",
    ]


# -- V7: the format matches the year ------------------------------------------------------------


def test_v7_old_format_after_2021(portal: Path) -> None:
    """A 2022 report written in the 2019 format (seen in a real township report)."""
    text = (portal / R20).read_text("utf-8").replace("year: 2020", "year: 2022")
    (portal / R22).write_text(
        text.replace("published: 2021-01-20", "carry_over_note: 机构改革"), "utf-8"
    )
    assert problems(portal) == [
        f"{R22}:4:1: 错误: 2022 年度的年报应使用2021年格式（国办公开办函〔2021〕30号），"
        "但数据是按2019年试行格式（国办公开办函〔2019〕60号）填写的 [V7]",
    ]


def test_v7_new_format_before_2021(portal: Path) -> None:
    text = (portal / R21).read_text("utf-8").replace("year: 2021\nformat: 2021", "year: 2020")
    text = text.replace("published: 2022-01-11", "published: 2021-01-11")
    # 现行有效件数 such that X2 (2021 format on both sides, now) holds
    text = text.replace("in_force: 7", "in_force: 8").replace("in_force: 19", "in_force: 18")
    (portal / R20).write_text(text, "utf-8")
    change(
        portal, R21, ("published: 2022-01-11", "published: 2022-01-11\ncarry_over_note: 机构改革")
    )
    assert problems(portal) == [
        f"{R20}:4:1: 错误: 2020 年度的年报应使用2019年试行格式（国办公开办函〔2019〕60号），"
        "但数据是按2021年格式（国办公开办函〔2021〕30号）填写的 [V7]",
    ]


def test_v7_passes_with_and_without_a_format_line(portal: Path) -> None:
    change(portal, R21, ("format: 2021\n", ""))
    change(portal, R19, ("year: 2019\n", "year: 2019\nformat: 2019\n"))
    assert problems(portal) == []


# -- V8, V9: table 二 -------------------------------------------------------------------------


def test_v8_2021_format(portal: Path) -> None:
    change(
        portal,
        TOWN,
        (
            "normative_documents: {issued: 1, repealed: 0, in_force: 1}",
            "normative_documents: {issued: 2, repealed: 0, in_force: 1}",
        ),
    )
    assert problems(portal) == [
        f"{TOWN}:5:33: 警告: 表二 第二十条第（一）项 行政规范性文件：本年制发件数 2，不应大于现行有效件数 1 + 本年废止件数 0 = 1"
        "（本年制发件数不应多于现行有效件数与本年废止件数之和） [V8]",
    ]
    assert nianbao("check", "--content", portal, "--strict").code == 1


def test_v8_passes_at_equality(portal: Path) -> None:
    change(
        portal,
        TOWN,
        (
            "normative_documents: {issued: 1, repealed: 0, in_force: 1}",
            "normative_documents: {issued: 2, repealed: 1, in_force: 1}",
        ),
    )
    assert problems(portal) == []


def test_v9_2019_format(portal: Path) -> None:
    change(
        portal,
        R19,
        (
            "regulations: {new_made: 1, new_published: 1, total_published: 3}",
            "regulations: {new_made: 4, new_published: 4, total_published: 3}",
        ),
    )
    assert problems(portal) == [
        f"{R19}:5:45: 警告: 表二 第二十条第（一）项 规章：本年新公开数量 4，不应大于对外公开总数量 3"
        "（本年新公开数量不应多于对外公开总数量） [V9]",
    ]


def test_v9_passes_at_equality_and_v8_does_not_apply_to_2019(portal: Path) -> None:
    """new_made > total_published is not a rule of the 2019 format."""
    change(
        portal,
        R19,
        (
            "regulations: {new_made: 1, new_published: 1, total_published: 3}",
            "regulations: {new_made: 9, new_published: 3, total_published: 3}",
        ),
    )
    assert problems(portal) == []


# -- X1: 上年结转 = last year's 结转下年度 -------------------------------------------------------------


def test_x1_2019_to_2020(portal: Path) -> None:
    change(
        portal,
        R20,
        ("received:      [7, 0, 0, 2, 1, 1, 11]", "received:      [8, 0, 0, 1, 1, 1, 11]"),
        ("carried_over:  [2, 0, 0, 0, 0, 0, 2]", "carried_over:  [1, 0, 0, 1, 0, 0, 2]"),
    )
    assert problems(portal) == [
        f"{R20}:16:19: 错误: " + x1("自然人", 1, 2019, 2),
        f"{R20}:16:28: 错误: " + x1("社会公益组织", 1, 2019, 0),
    ]


def test_x1_holds_across_the_2020_to_2021_format_change(portal: Path) -> None:
    change(
        portal,
        R21,
        ("received:      [18, 3, 0, 1, 2, 0, 24]", "received:      [19, 2, 0, 1, 2, 0, 24]"),
        ("carried_over:  [2, 0, 0, 0, 0, 0, 2]", "carried_over:  [1, 1, 0, 0, 0, 0, 2]"),
    )
    assert problems(portal) == [
        f"{R21}:21:19: 错误: " + x1("自然人", 1, 2020, 2),
        f"{R21}:21:22: 错误: " + x1("商业企业", 1, 2020, 0),
    ]


def test_x1_2021_to_2022_with_computed_totals(portal: Path) -> None:
    """2022 gives six numbers a row: the 总计 columns agree (5 = 5), two others do not."""
    change(
        portal,
        R22,
        ("received:      [1, 5, 0, 0, 2, 1]", "received:      [2, 4, 0, 0, 2, 1]"),
        ("carried_over:  [5, 0, 0, 0, 0, 0]", "carried_over:  [4, 1, 0, 0, 0, 0]"),
    )
    assert problems(portal) == [
        f"{R22}:25:19: 错误: " + x1("自然人", 4, 2021, 5),
        f"{R22}:25:22: 错误: " + x1("商业企业", 1, 2021, 0),
    ]


def test_x1_last_years_change_is_caught_in_this_years_report(portal: Path) -> None:
    """Editing 2021's 结转下年度 (and its 总计 to match) breaks 2021 (V1) and 2022 (X1)."""
    change(
        portal,
        R21,
        ("carried_forward: [5, 0, 0, 0, 0, 0, 5]", "carried_forward: [4, 0, 0, 0, 0, 0, 4]"),
        ("received:      [18, 3, 0, 1, 2, 0, 24]", "received:      [17, 3, 0, 1, 2, 0, 23]"),
    )
    assert problems(portal) == [
        f"{R22}:25:19: 错误: " + x1("总计", 5, 2021, 4),
        f"{R22}:25:19: 错误: " + x1("自然人", 5, 2021, 4),
    ]


def test_x1_is_suppressed_by_carry_over_note(portal: Path) -> None:
    change(
        portal,
        R21,
        ("received:      [18, 3, 0, 1, 2, 0, 24]", "received:      [19, 2, 0, 1, 2, 0, 24]"),
        ("carried_over:  [2, 0, 0, 0, 0, 0, 2]", "carried_over:  [1, 1, 0, 0, 0, 0, 2]"),
        (
            "published: 2022-01-11",
            "published: 2022-01-11\ncarry_over_note: 2021年机构改革，1 件申请转由市政务服务中心办理。",
        ),
    )
    assert problems(portal) == []


def test_x1_needs_the_previous_year(portal: Path) -> None:
    """No 2021 report: 2022's 上年结转 has nothing to agree with."""
    shutil.rmtree(portal / "demo-bureau/2021")
    change(
        portal,
        R22,
        ("carried_over:  [5, 0, 0, 0, 0, 0]", "carried_over:  [0, 0, 0, 0, 0, 0]"),
        ("received:      [1, 5, 0, 0, 2, 1]", "received:      [6, 5, 0, 0, 2, 1]"),
    )
    lines = check(portal)
    assert lines == ["检查通过：4 份年报，没有发现问题。"]


# -- X2: 现行有效件数 carried forward (2021 format only) -----------------------------------------


def test_x2_2021_to_2022(portal: Path) -> None:
    change(portal, R22, ("    in_force: 20", "    in_force: 21"))
    assert problems(portal) == [
        f"{R22}:17:15: 警告: 表二 第二十条第（一）项 行政规范性文件：现行有效件数 21，应等于2021年“现行有效件数” 19 "
        "+ 本年制发件数 3 − 本年废止件数 2 = 20（现行有效件数应等于上一年度现行有效件数加本年制发件数减本年废止件数；"
        "文件也可能因有效期届满而失效，属此情况可不处理） [X2]",
    ]


def test_x2_passes_when_the_count_follows(portal: Path) -> None:
    change(
        portal,
        R22,
        (
            "    issued: 3\n    repealed: 2\n    in_force: 20",
            "    issued: 4\n    repealed: 0\n    in_force: 23",
        ),
    )
    assert problems(portal) == []


def test_x2_does_not_apply_between_2020_and_2021(portal: Path) -> None:
    """2020's 对外公开总数量 (17) is not 2021's 现行有效件数: any 2021 value passes."""
    change(portal, R21, ("    repealed: 0\n    in_force: 19", "    repealed: 0\n    in_force: 90"))
    change(portal, R22, ("    in_force: 20", "    in_force: 91"))
    assert problems(portal) == []


# -- X3: 上一年项目数量 (2019 format, 2019→2020) -------------------------------------------------------


def test_x3_2019_to_2020(portal: Path) -> None:
    change(portal, R20, ("licensing: {prior_items: 42,", "licensing: {prior_items: 43,"))
    assert problems(portal) == [
        f"{R20}:7:28: 警告: 表二 第二十条第（五）项 行政许可：上一年项目数量 43，应等于2019年“上一年项目数量” 40 "
        "+ 2019年“本年增/减” 2 = 42（上一年项目数量应等于上一年度的上一年项目数量加上一年度的本年增/减） [X3]",
    ]


def test_x3_shows_a_negative_change_with_its_sign(portal: Path) -> None:
    change(portal, R20, ("fees: {prior_items: 1,", "fees: {prior_items: 5,"))
    assert problems(portal) == [
        f"{R20}:11:23: 警告: 表二 第二十条第（八）项 行政事业性收费：上一年项目数量 5，应等于2019年“上一年项目数量” 3 "
        "+ 2019年“本年增/减”（-2） = 1（上一年项目数量应等于上一年度的上一年项目数量加上一年度的本年增/减） [X3]",
    ]


def test_x3_passes_and_does_not_apply_after_the_format_change(portal: Path) -> None:
    """2020's 上一年项目数量 + 本年增/减 has no 2021 counterpart: nothing to check in 2021."""
    change(
        portal,
        R20,
        ("licensing: {prior_items: 42, change: 1,", "licensing: {prior_items: 42, change: 100,"),
    )
    assert problems(portal) == []


# -- D1: the publication deadline (《条例》第四十九条) ---------------------------------------------


def test_d1_department_after_31_january(portal: Path) -> None:
    change(portal, R22, ("published: 2023-01-12", "published: 2023-02-01"))
    change(portal, R19, ("published: 2020-01-29", "published: 2020-03-01"))
    assert problems(portal) == [
        f"{R19}:2:12: 警告: 发布日期 2020-03-01 晚于《条例》第四十九条规定的期限（县级以上人民政府部门：2020-01-31） [D1]",
        f"{R22}:3:12: 警告: 发布日期 2023-02-01 晚于《条例》第四十九条规定的期限（县级以上人民政府部门：2023-01-31） [D1]",
    ]


def test_d1_department_on_31_january_passes(portal: Path) -> None:
    change(portal, R22, ("published: 2023-01-12", "published: 2023-01-31"))
    assert problems(portal) == []


def test_d1_government_by_31_march(portal: Path) -> None:
    change(portal, "demo-bureau/agency.yaml", ("kind: department", "kind: government"))
    change(portal, R22, ("published: 2023-01-12", "published: 2023-03-31"))
    change(portal, R21, ("published: 2022-01-11", "published: 2022-04-01"))
    assert problems(portal) == [
        f"{R21}:3:12: 警告: 发布日期 2022-04-01 晚于《条例》第四十九条规定的期限（县级以上地方人民政府：2022-03-31） [D1]",
    ]


def test_d1_townships_have_no_national_deadline(portal: Path) -> None:
    change(portal, TOWN, ("year: 2022\n", "year: 2022\npublished: 2023-12-31\n"))
    assert problems(portal) == []


# ---------------------------------------------------------------------------------------
# X4: a report whose every figure repeats last year's


def test_x4_flags_a_report_copied_from_last_year(portal: Path) -> None:
    shutil.rmtree(portal / "demo-bureau/2022")
    shutil.copytree(portal / "demo-bureau/2021", portal / "demo-bureau/2022")
    report = portal / "demo-bureau/2022/report.yaml"
    text = report.read_text("utf-8").replace("year: 2021", "year: 2022")
    text = text.replace("published: 2022-01-11", "published: 2023-01-11")
    report.write_text(text, "utf-8")
    run = nianbao("check", "--content", portal)
    x4 = [line for line in run.lines if "[X4]" in line]
    assert x4 == [
        f"{portal}/demo-bureau/2022/report.yaml:1:1: 警告: 表二、表三、表四的全部数字与 2021 年度"
        "完全相同；请确认不是照抄了上一年度的报告 [X4]"
    ]


def test_x4_passes_a_changed_report_and_all_zero_years(portal: Path) -> None:
    assert not [line for line in nianbao("check", "--content", portal).lines if "[X4]" in line]
    run = nianbao("check", "--content", ROOT / "content")
    assert run.code == 0 and "[X4]" not in run.out
