"""`check --format github|gitlab`: problems as CI annotations, asserted exactly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import PORTAL, edit, nianbao
from nianbao.annotations import gitlab_report
from nianbao.problems import Problem

R22 = "content/demo-bureau/2022/report.yaml"

D1 = "发布日期 2023-03-12 晚于《条例》第四十九条规定的期限（县级以上人民政府部门：2023-01-31）"
X2 = (
    "表二 第二十条第（一）项 行政规范性文件：现行有效件数 21，应等于2021年“现行有效件数” 19"
    " + 本年制发件数 3 − 本年废止件数 2 = 20（现行有效件数应等于上一年度现行有效件数加本年制发件数"
    "减本年废止件数；文件也可能因有效期届满而失效，属此情况可不处理）"
)
V5 = (
    "表二 第二十条第（五）项 行政许可 / 本年处理决定数量 应为非负整数，实为“no”"
    "（YAML 会把它读作真/假值）；零请写 0"
)

# GitLab's Code Quality report: the fields GitLab reads, and the values it accepts.
CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/.]"},  # relative, no ./
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A portal repository with one error and two warnings, as the working folder (CI runs
    `nianbao check` at the repository's root)."""
    shutil.copytree(PORTAL, tmp_path / "content")
    report = tmp_path / R22
    edit(report, "  licensing: 816", "  licensing: no")  # V5 error
    edit(report, "published: 2023-01-12", "published: 2023-03-12")  # D1 warning
    edit(report, "    in_force: 20", "    in_force: 21")  # X2 warning
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_github_workflow_commands(repo: Path) -> None:
    run = nianbao("check", "--format", "github")
    assert run.code == 1
    assert run.lines == [
        f"::warning file={R22},line=3,col=12,title=nianbao D1::警告: {D1}",
        f"::warning file={R22},line=17,col=15,title=nianbao X2::警告: {X2}",
        f"::error file={R22},line=18,col=14,title=nianbao V5::错误: {V5}",
        "共 1 个错误，2 个警告（5 份年报）。",
    ]


def test_github_escapes_what_would_end_a_property(tmp_path: Path) -> None:
    odd = tmp_path / "a,b:c"
    shutil.copytree(PORTAL, odd)
    edit(odd / "demo-bureau/2022/report.yaml", "  licensing: 816", "  licensing: no")
    run = nianbao("check", "--content", odd, "--format", "github")
    assert run.lines[0].startswith(f"::error file={tmp_path}/a%2Cb%3Ac/demo-bureau/2022/")


def gitlab(run_args: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    run = nianbao("check", "--format", "gitlab", *run_args)
    assert run.code == 1
    return json.loads(run.out)


def test_gitlab_code_quality_report(repo: Path) -> None:
    report = gitlab()
    jsonschema.validate(report, CODE_QUALITY)
    assert report == [
        {
            "description": f"{D1} [D1]",
            "check_name": "nianbao-D1",
            "fingerprint": "00029540aa6accbfc726fc40529fd12d7dfcbf22094a1f151610e95c2aa99025",
            "severity": "minor",
            "location": {"path": R22, "lines": {"begin": 3}},
        },
        {
            "description": f"{X2} [X2]",
            "check_name": "nianbao-X2",
            "fingerprint": "23b6e2b934b921a88708715d997f4d5412de97e4bdc7c261b6a01fa34f8be38c",
            "severity": "minor",
            "location": {"path": R22, "lines": {"begin": 17}},
        },
        {
            "description": f"{V5} [V5]",
            "check_name": "nianbao-V5",
            "fingerprint": "b489a46ea538533c5b336e125b1e0c3b19f7fc2c6493ea103f41cb5d6bec1ec5",
            "severity": "major",
            "location": {"path": R22, "lines": {"begin": 18}},
        },
    ]


def test_gitlab_fingerprints_survive_lines_moving(repo: Path) -> None:
    before = gitlab()
    report = repo / R22
    report.write_text("# 新加的一行注释\n" + report.read_text("utf-8"), "utf-8")
    after = gitlab(("--content", "./content"))
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    assert [i["location"]["lines"]["begin"] for i in after] == [4, 18, 19]
    assert {i["location"]["path"] for i in after} == {R22}


def test_gitlab_fingerprints_are_unique_for_identical_problems() -> None:
    """The same fault twice in one file (same rule, cell and message) gets two fingerprints,
    and the first keeps its fingerprint when the second appears."""
    one = Problem("content/a/2022/report.yaml", 5, 3, "error", "同一个问题", "V5", "k")
    two = Problem("content/a/2022/report.yaml", 9, 3, "error", "同一个问题", "V5", "k")
    alone = json.loads(gitlab_report([one]))
    both = json.loads(gitlab_report([one, two]))
    assert both[0]["fingerprint"] == alone[0]["fingerprint"] != both[1]["fingerprint"]


def test_a_clean_portal_gives_an_empty_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shutil.copytree(PORTAL, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    run = nianbao("check", "--format", "gitlab")
    assert (run.code, json.loads(run.out)) == (0, [])
    assert nianbao("check", "--format", "github").lines == ["检查通过：5 份年报，没有发现问题。"]
