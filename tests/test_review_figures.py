"""Figures in the narrative against the tables (R1, R2), on the real reports' tables."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REAL, nianbao
from nianbao.load import load_agency
from nianbao.model import Report
from nianbao.review.numbers import chinese_number
from nianbao.review.textfigures import check_narrative

CONTENT = REAL / "content"
STATEMENTS = yaml.safe_load((FIXTURES / "review" / "statements.yaml").read_text("utf-8"))


def _reports() -> dict[str, tuple[Report, Report | None]]:
    out = {}
    for slug in ("hongze", "huaian"):
        agency = load_agency(CONTENT / slug, f"content/{slug}", [])
        assert agency is not None
        for year, report in agency.reports.items():
            out[f"{slug}/{year}"] = (report, agency.reports.get(year - 1))
    return out


REPORTS = _reports()


def _rules(statement: dict[str, str]) -> list[str]:
    report, previous = REPORTS[statement["report"]]
    return [m.rule for m in check_narrative(report, statement["text"], previous)]


def test_precision_and_recall_on_the_statement_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    tp = fp = fn = 0
    wrong = []
    for s in STATEMENTS:
        rules = _rules(s)
        if s["expect"] == "ok":
            fp += bool(rules)
        elif s["expect"] in rules:
            tp += 1
        else:
            fn += 1
        if (s["expect"] == "ok") != (not rules) or (rules and s["expect"] not in rules):
            wrong.append(f"{s['expect']} {rules}: {s['text']}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    with capsys.disabled():
        print(
            f"\n正文数字核对 {len(STATEMENTS)} 句：precision {precision:.3f}，recall {recall:.3f}"
            f"（TP {tp}，FP {fp}，FN {fn}）"
        )
    assert fp == 0, wrong  # a false alarm is a defect
    assert recall == 1.0, wrong


def test_hongze_2024_is_flagged_for_its_request_count(tmp_path: Path) -> None:
    run = nianbao("check", "--content", CONTENT)
    r1 = [line for line in run.lines if "[R1]" in line]
    assert r1 == [
        f"{CONTENT}/hongze/2024/overview.md:9:110: 警告: 正文“区政府办代表区政府受理政府信息公开申请 17 件”"
        "写的是 17 件，而表三 一、本年新收政府信息公开申请数量 / 总计 为 95 [R1]"
    ]


def test_huaian_2024_narrative_agrees_with_its_tables() -> None:
    report, previous = REPORTS["huaian/2024"]
    for text in report.narratives.values():
        assert check_narrative(report, text, previous) == []


def test_a_mismatch_names_the_sum_of_two_cells() -> None:
    report, _ = REPORTS["huaian/2024"]
    [m] = check_narrative(report, "政府信息公开行政诉讼 64 件。")
    assert m.message == (
        "正文“政府信息公开行政诉讼 64 件”写的是 64 件，而表四 行政诉讼 · 未经复议直接起诉 / 总计、"
        "表四 行政诉讼 · 复议后起诉 / 总计 之和为 26 + 20 = 46"
    )


def test_without_last_year_a_change_is_not_checked() -> None:
    report, _ = REPORTS["hongze/2024"]
    assert check_narrative(report, "全年受理政府信息公开申请 95 件，较上年减少 74 件。") == []
    assert check_narrative(replace(report), "全年受理政府信息公开申请 95 件。") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("二十一", 21), ("十二", 12), ("一百零五", 105), ("三千", 3000), ("两", 2), ("一〇五", 105)],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_r2_share_and_change_through_check(portal: Path) -> None:
    overview = portal / "demo-bureau/2022/overview.md"
    with overview.open("a", encoding="utf-8") as f:
        f.write("\n全年共收到政府信息公开申请 9 件，其中予以公开 5 件，占 50%。\n")
        f.write("\n全年予以公开 5 件，同比增长 50%。\n")
    run = nianbao("check", "--content", portal)
    assert [line.removeprefix(f"{portal}/") for line in run.lines if "[R2]" in line] == [
        "demo-bureau/2022/overview.md:9:32: 警告: 正文“占 50%”写的是 50%，而按表格"
        "表三 三、（一）予以公开 / 总计 5 ÷ 表三 一、本年新收政府信息公开申请数量 / 总计 9 为 56% [R2]",
        "demo-bureau/2022/overview.md:11:17: 警告: 正文“同比增长 50%”写的是与上年相比增 50%，而"
        "表三 三、（一）予以公开 / 总计由 2021 年的 9 变为 5，变化 -44.4% [R2]",
    ]
