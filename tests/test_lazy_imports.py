"""A build that changed nothing loads no heavy library; a narrative edit only what rendering
needs. Each build runs the CLI in a fresh interpreter (a subprocess), which then lists the
libraries it imported: in this test process they are all loaded already."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import edit, nianbao
from nianbao.formats import all_formats, format_ids

HEAVY = ["docx", "jinja2", "markdown_it", "pdfplumber", "xlsxwriter", "yaml"]

PROBE = """
import contextlib, io, sys
from nianbao.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(sys.argv[1:])
heavy = {heavy!r}
print(code, sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy)))
print(out.getvalue())
"""


def imported(*args: str | Path) -> tuple[str, str]:
    """The CLI run with ``args`` in a new interpreter: its exit code and the heavy libraries
    it imported (one line), and what it printed."""
    run = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *map(str, args)],
        capture_output=True,
        text=True,
        check=True,
    )
    first, _, printed = run.stdout.partition("\n")
    return first, printed


def test_a_build_that_changed_nothing_imports_no_heavy_library(
    portal: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    again, printed = imported("build", "--content", portal, "--out", out)
    assert again == "0 []"
    assert printed.startswith("已生成 54 个文件（5 份年报）")


def test_a_narrative_edit_imports_what_rendering_needs_only(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    with (portal / "demo-bureau/2021/overview.md").open("a", encoding="utf-8") as f:
        f.write("\n补充说明一句。\n")
    first, _ = imported("build", "--content", portal, "--out", out)
    # the report's page is rendered (Jinja); agency.yaml is read with YAML; the narrative,
    # plain paragraphs, is rendered without markdown-it; no year file is made again
    assert first == "0 ['jinja2', 'yaml']"
    assert "补充说明一句。" in (out / "demo-bureau/2021/index.html").read_text("utf-8")


def test_an_agency_in_the_usual_shape_is_read_without_yaml(portal: Path, tmp_path: Path) -> None:
    """town-a's agency.yaml and report.yaml are in the usual shape (agencyfast, reportfast):
    an edit of its narrative reads them without loading the YAML library (demo-bureau,
    above, has a report read the full way)."""
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    with (portal / "town-a/2022/overview.md").open("a", encoding="utf-8") as f:
        f.write("\n补充说明一句。\n")
    first, _ = imported("build", "--content", portal, "--out", out)
    code, _, heavy = first.partition(" ")
    assert code == "0"
    assert "'yaml'" not in heavy and "'jinja2'" in heavy
    assert "补充说明一句。" in (out / "town-a/2022/index.html").read_text("utf-8")


def test_a_value_edit_imports_what_rendering_needs_only(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    # 2020: its page and 2021's (which compares with it) are made again, both narratives
    # plain text (2022's, with Markdown, would load markdown-it)
    edit(portal / "demo-bureau/2020/report.yaml", "decisions: 315", "decisions: 316")
    first, _ = imported("build", "--content", portal, "--out", out)
    # the report read the short way (reportfast) and its formats from their kept parse: YAML
    # for agency.yaml only; the year's workbook rewritten without XlsxWriter (outputs kept)
    assert first == "0 ['jinja2', 'yaml']"
    assert ">316<" in (out / "demo-bureau/2020/index.html").read_text("utf-8")


def test_markdown_it_loads_for_a_narrative_that_is_not_plain(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    with (portal / "demo-bureau/2021/overview.md").open("a", encoding="utf-8") as f:
        f.write("\n补充**说明**一句。\n")
    first, _ = imported("build", "--content", portal, "--out", out)
    assert first == "0 ['jinja2', 'markdown_it', 'yaml']"
    assert "补充<strong>说明</strong>一句。" in (out / "demo-bureau/2021/index.html").read_text(
        "utf-8"
    )


def test_a_site_yaml_edit_is_read_again(portal: Path, tmp_path: Path) -> None:
    """site.yaml is kept parsed in the output's cache: an edit must still be seen, and its
    problems reported on every build, not only the one that parsed it."""
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    edit(portal / "site.yaml", "示例市政府信息公开工作年度报告", "示例市年报")
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert "<title>示例市年报</title>" in (out / "index.html").read_text("utf-8")
    edit(portal / "site.yaml", "base_url: /", "base_url: xxgk")
    runs = [nianbao("build", "--content", portal, "--out", out) for _ in range(2)]
    for run in runs:
        assert run.code == 1
        assert [line for line in run.lines if "base_url" in line] == [
            f"{portal.as_posix()}/site.yaml:3:11: 错误: "
            "base_url 应以“/”开头并以“/”结尾，如 /xxgk/ndbg/，实为“xxgk”"
        ]


def test_format_ids_are_the_ids_the_format_files_hold() -> None:
    assert format_ids() == sorted(all_formats())
