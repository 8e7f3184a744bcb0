"""`nianbao check` end to end: exit codes, output form, the example and real content."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import PORTAL, REAL, ROOT, edit, nianbao


def test_example_content_passes() -> None:
    run = nianbao("check", "--content", ROOT / "content")
    assert run.code == 0, run.out
    assert run.lines[-1] == "检查通过：1 份年报，没有发现问题。"


def test_fixture_portal_passes_both_formats() -> None:
    run = nianbao("check", "--content", PORTAL)
    assert run.code == 0, run.out
    assert run.lines == ["检查通过：5 份年报，没有发现问题。"]


def test_real_reports_find_exactly_the_published_errors(tmp_path: Path) -> None:
    """hongze 2023 was published with a table 四 that does not add up (EXPECTED.json)."""
    expected = json.loads((REAL / "EXPECTED.json").read_text("utf-8"))
    run = nianbao("check", "--content", REAL / "content", "--format", "json")
    doc = json.loads(run.out)
    assert run.code == expected["expect_exit"]
    errors = [p for p in doc["problems"] if p["severity"] == "error"]
    found = [(p["path"].split("content/", 1)[1], p["key"], p["rule"]) for p in errors]
    assert found == [(e["file"], e["key"] + ".total", e["rule"]) for e in expected["errors"]]
    assert doc["errors"] == 2 and doc["warnings"] == 1  # R1: hongze 2024's 17 requests


def test_real_report_messages_name_cells_and_values() -> None:
    run = nianbao("check", "--content", REAL / "content")
    shown = str(REAL / "content")
    assert run.lines == [
        f"{shown}/hongze/2023/report.yaml:54:43: 错误: 表四 行政复议 / 总计 应为 11"
        "（结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0），实为 0 [V4]",
        f"{shown}/hongze/2023/report.yaml:56:42: 错误: 表四 行政诉讼 · 复议后起诉 / 总计 应为 5"
        "（结果维持 5 + 结果纠正 0 + 其他结果 0 + 尚未审结 0），实为 0 [V4]",
        f"{shown}/hongze/2024/overview.md:9:110: 警告: 正文“区政府办代表区政府受理政府信息公开申请 17 件”"
        "写的是 17 件，而表三 一、本年新收政府信息公开申请数量 / 总计 为 95 [R1]",
        "共 2 个错误，1 个警告（3 份年报）。",
    ]


def test_warnings_fail_only_with_strict(portal: Path) -> None:
    edit(portal / "demo-bureau/2022/report.yaml", "in_force: 7", "in_force: 8")
    assert nianbao("check", "--content", portal).code == 0
    assert nianbao("check", "--content", portal, "--strict").code == 1


def test_misuse_exits_2(tmp_path: Path) -> None:
    run = nianbao("check", "--content", tmp_path / "nope")
    assert run.code == 2
    assert "找不到内容目录" in run.err
    (tmp_path / "report.yaml").write_text("year: 2022\n", "utf-8")
    for command in ("check", "build"):
        run = nianbao(command, "--content", tmp_path / "report.yaml")
        assert run.code == 2
        assert run.err == (
            f"nianbao: 错误: 内容目录 {tmp_path / 'report.yaml'} 是一个文件，不是文件夹"
            "（--content 应指向内容文件夹）\n"
        )
    assert nianbao("check", "--bogus").code == 2
    assert nianbao().code == 2


def test_console_entry_point_runs_as_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "check", "--content", "content"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "检查通过：1 份年报，没有发现问题。"
