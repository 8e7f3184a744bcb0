"""`nianbao init`, `nianbao new-agency` and `nianbao new`, through the CLI."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
import yaml
from conftest import PORTAL, edit, nianbao

P1 = "；请填写实际数字，没有的填 0 [P1]"


def fill(report_dir: Path, value: str = "0") -> None:
    """What a clerk does: every placeholder replaced (cells by a number, narrative by text)."""
    for f in report_dir.iterdir():
        text = f.read_text("utf-8")
        if f.suffix == ".yaml":
            text = text.replace("待填", value)
        else:
            text = re.sub(r"(?m)^待填$", "本年度按要求做好相关工作。", text)
        f.write_text(text, "utf-8")


def settle(report: Path) -> None:
    """Last year's carry-over is still pending at the end of the year (V1 then holds)."""
    text = report.read_text("utf-8")
    carried = re.search(r"carried_over: +\[([^]]*)\]", text)
    assert carried is not None
    row = ", ".join(carried.group(1).split(", ")[:6])
    report.write_text(
        re.sub(r"carried_forward: \[[^]]*\]", f"carried_forward: [{row}]", text), "utf-8"
    )


# -- init --------------------------------------------------------------------------------


def test_init_writes_a_portal_that_checks_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "p"
    run = nianbao("init", target)
    assert run.code == 0, run.err
    assert run.lines[0] == f"已新建门户网站 {target}/（11 个文件）。"
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/nianbao.yml",
        ".gitignore",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".workflow/nianbao.yml",
        "README.md",
        "content/README.md",
        "content/site.yaml",
        "schemas/report-2019.schema.json",
        "schemas/report-2021.schema.json",
        "templates/README.md",
    ]
    assert "/site/" in (target / ".gitignore").read_text("utf-8").splitlines()
    for ci in (".gitlab-ci.yml", ".workflow/nianbao.yml", ".github/workflows/nianbao.yml"):
        text = (target / ci).read_text("utf-8")
        yaml.safe_load(text)  # valid YAML
        assert "nianbao check" in text and "nianbao build" in text, ci
    assert "--format gitlab" in (target / ".gitlab-ci.yml").read_text("utf-8")
    assert "--format github" in (target / ".github/workflows/nianbao.yml").read_text("utf-8")
    hooks = yaml.safe_load((target / ".pre-commit-config.yaml").read_text("utf-8"))
    assert hooks["repos"][0]["hooks"][0]["entry"] == "nianbao check"

    content = target / "content"
    assert nianbao("check", "--content", content).lines == ["检查通过：0 份年报，没有发现问题。"]
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    assert (out / "index.html").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "notes.txt").write_text("mine", "utf-8")
    run = nianbao("init", tmp_path / "p")
    assert run.code == 1
    assert run.err == (
        f"nianbao: 错误: {tmp_path}/p/ 不是空文件夹，不会写入；请指定一个新的或空的文件夹\n"
    )
    assert (tmp_path / "p" / "notes.txt").read_text("utf-8") == "mine"
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["notes.txt"]


def test_init_accepts_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    assert nianbao("init", tmp_path / "p").code == 0


def test_the_project_ships_a_pre_commit_hook() -> None:
    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    assert [(h["id"], h["entry"], h["language"], h["pass_filenames"]) for h in hooks] == [
        ("nianbao-check", "nianbao check", "python", False)
    ]


# -- new-agency --------------------------------------------------------------------------


def test_new_agency_writes_agency_yaml(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    run = nianbao(
        "new-agency", "kjj", "--name", "示例市科学技术局", "--kind", "department",
        "--short-name", "市科技局", "--group", "市政府部门", "--content", content,
    )  # fmt: skip
    assert run.code == 0, run.err
    agency = yaml.safe_load((content / "kjj" / "agency.yaml").read_text("utf-8"))
    assert agency == {
        "name": "示例市科学技术局",
        "short_name": "市科技局",
        "kind": "department",
        "group": "市政府部门",
    }
    assert nianbao("check", "--content", content).code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Bad_Slug", "--name", "某局", "--kind", "department"],
            "机构文件夹名“Bad_Slug”不合规：只能用小写字母 a-z、数字和连字符“-”，不能是年份，如 shanggao-kjj",
        ),
        (
            ["kjj", "--name", "某局", "--kind", "bureau"],
            "机构类型 --kind 应为 government（人民政府）、department（政府部门）、township（乡镇、街道）之一，实为“bureau”",
        ),
        (
            ["demo-bureau", "--name", "某局", "--kind", "department"],
            "{content}/demo-bureau/ 已存在，不会覆盖",
        ),
    ],
)
def test_new_agency_refuses(portal: Path, args: list[str], message: str) -> None:
    before = (portal / "demo-bureau" / "agency.yaml").read_bytes()
    run = nianbao("new-agency", *args, "--content", portal)
    assert run.code == 1
    assert run.err == f"nianbao: 错误: {message.format(content=portal)}\n"
    assert (portal / "demo-bureau" / "agency.yaml").read_bytes() == before


# -- new ---------------------------------------------------------------------------------


def test_a_fresh_scaffold_fails_check_with_one_line_per_table(portal: Path) -> None:
    run = nianbao("new", "demo-bureau", "2023", "--content", portal)
    assert run.code == 0, run.err
    check = nianbao("check", "--content", portal)
    assert check.code == 1
    d = "demo-bureau/2023"
    assert [line.removeprefix(f"{portal}/") for line in check.lines] == [
        f"{d}/other.md:7:1: 警告: 六、其他需要报告的事项中还有未填写的占位文字“待填” [R5]",
        f"{d}/overview.md:6:1: 警告: 一、总体情况中还有未填写的占位文字“待填” [R5]",
        f"{d}/problems.md:14:1: 警告: 五、存在的主要问题及改进情况中还有未填写的占位文字“待填” [R5]",
        f"{d}/report.yaml:11:13: 错误: 表二有 10 处未填写（仍为“待填”），第一处是 第二十条第（一）项 规章 / 本年制发件数{P1}",
        f"{d}/report.yaml:25:21: 错误: 表三有 138 处未填写（仍为“待填”），第一处是 一、本年新收政府信息公开申请数量 / 自然人{P1}",
        f"{d}/report.yaml:57:29: 错误: 表四有 15 处未填写（仍为“待填”），第一处是 行政复议 / 结果维持{P1}",
        f"{d}/report.yaml:62:12: 错误: 信息处理费有 3 处未填写（仍为“待填”），第一处是 发出收费通知的件数{P1}",
        "共 4 个错误，3 个警告（6 份年报）。",
    ]


def test_new_carries_last_years_figures_over(portal: Path) -> None:
    run = nianbao("new", "demo-bureau", "2023", "--content", portal)
    assert run.lines[-2] == "已按 2022 年度的年报预填 7 个单元格（上年结转等）。"
    report = portal / "demo-bureau" / "2023" / "report.yaml"
    text = report.read_text("utf-8")
    # 2022's 结转下年度继续办理 is [1, 1, 0, 0, 0, 0] (总计 2); 现行有效件数 7 and 20
    assert "  carried_over:    [1, 1, 0, 0, 0, 0, 2]  " in text
    assert "    in_force: 待填         # 现行有效件数 — 上年（2022 年）现行有效件数 7\n" in text
    assert "    in_force: 待填         # 现行有效件数 — 上年（2022 年）现行有效件数 20\n" in text
    assert text.startswith(
        "# yaml-language-server: $schema=../../../schemas/report-2021.schema.json\n"
    )
    assert (portal.parent / "schemas" / "report-2021.schema.json").is_file()
    # Filled in, the report passes, X1 included (a wrong carry-over would be an error).
    fill(report.parent)
    settle(report)
    edit(report, "  in_force: 0", "  in_force: 7")
    edit(report, "  in_force: 0", "  in_force: 20")
    assert nianbao("check", "--content", portal).lines == ["检查通过：6 份年报，没有发现问题。"]
    edit(report, "[1, 1, 0, 0, 0, 0, 2]", "[0, 1, 0, 0, 0, 0, 1]")
    assert any("[X1]" in line for line in nianbao("check", "--content", portal).lines)


def test_new_quotes_last_years_problems_without_publishing_them(
    portal: Path, tmp_path: Path
) -> None:
    edit(portal / "demo-bureau/2022/problems.md", "", "去年的问题：人员不足。\n\n")
    nianbao("new", "demo-bureau", "2023", "--content", portal)
    problems = (portal / "demo-bureau/2023/problems.md").read_text("utf-8")
    assert "> 去年的问题：人员不足。\n" in problems
    fill(portal / "demo-bureau/2023")
    settle(portal / "demo-bureau/2023/report.yaml")
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    page = (out / "demo-bureau/2023/index.html").read_text("utf-8")
    assert "本年度按要求做好相关工作。" in page
    assert "人员不足" not in page and "不会发布" not in page
    # nor in the Word document for sign-off
    word = tmp_path / "r.docx"
    assert nianbao("docx", "demo-bureau", "2023", "--content", portal, "-o", word).code == 0
    text = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
    assert "本年度按要求做好相关工作。" in text
    assert "人员不足" not in text and "不会发布" not in text


def test_new_starts_the_narrative_with_the_official_outline(portal: Path) -> None:
    nianbao("new", "demo-bureau", "2023", "--content", portal)
    overview = (portal / "demo-bureau/2023/overview.md").read_text("utf-8")
    headings = [line for line in overview.splitlines() if line.startswith("## ")]
    assert headings == [
        "## （一）主动公开",
        "## （二）依申请公开",
        "## （三）政府信息管理",
        "## （四）政府信息公开平台建设",
        "## （五）监督保障",
    ]
    other = (portal / "demo-bureau/2023/other.md").read_text("utf-8")
    assert "processing_fees" in other and "信息处理费" in other


def test_new_refuses_to_overwrite(portal: Path) -> None:
    report = portal / "demo-bureau" / "2022" / "report.yaml"
    before = report.read_bytes()
    run = nianbao("new", "demo-bureau", "2022", "--content", portal)
    assert run.code == 1
    assert run.err == (
        f"nianbao: 错误: {portal}/demo-bureau/2022/ 已存在且不为空，不会覆盖；如要重新生成，请先删除或改名\n"
    )
    assert report.read_bytes() == before


@pytest.mark.parametrize(
    ("agency", "year", "message"),
    [
        (
            "nobody",
            "2023",
            "找不到机构 nobody（{content}/nobody/agency.yaml 不存在）；新机构请先运行 nianbao new-agency nobody --name 全称 --kind 类型",
        ),
        ("demo-bureau", "2018", "不支持 2018 年度的年报：只支持 2019 年及以后的两种国家格式"),
        (
            "../demo-bureau",
            "2023",
            "机构文件夹名“../demo-bureau”不合规：只能用小写字母 a-z、数字和连字符“-”",
        ),
    ],
)
def test_new_refuses_what_it_cannot_write(
    portal: Path, agency: str, year: str, message: str
) -> None:
    run = nianbao("new", agency, year, "--content", portal)
    assert run.code == 1
    assert run.err == f"nianbao: 错误: {message.format(content=portal)}\n"
    assert not (portal / agency / year).exists()


def test_new_in_the_2019_format_carries_item_counts_over(portal: Path) -> None:
    """2020 follows 2019 in the 2019 format: X3's 上一年项目数量 is filled from last year."""
    shutil.rmtree(portal / "demo-bureau" / "2020")
    shutil.rmtree(portal / "demo-bureau" / "2021")
    shutil.rmtree(portal / "demo-bureau" / "2022")
    nianbao("new", "demo-bureau", "2020", "--content", portal)
    report = portal / "demo-bureau" / "2020" / "report.yaml"
    fresh = [line for line in nianbao("check", "--content", portal).lines if "表二" in line]
    assert len(fresh) == 1 and "表二有 18 处未填写" in fresh[0], fresh  # the unit is one
    fill(report.parent)
    settle(report)
    edit(report, "unit: 0", "unit: 万元")
    assert nianbao("check", "--content", portal).lines == ["检查通过：3 份年报，没有发现问题。"]
    text = report.read_text("utf-8")
    assert "schemas/report-2019.schema.json" in text.splitlines()[0]
    assert "    prior_items: " in text and "    prior_items: 待填" not in text  # from 2019
